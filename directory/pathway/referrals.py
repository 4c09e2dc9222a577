"""Records that a referral was made, for the commissioners: no victim's name, address, birth date or status,
and no crime reference, which would lead straight to all of them in the force's crime record.

Records older than the retention period are deleted by `flask referrals purge` (safe to run
daily). No Flask here.

The counts are four one-way tables (by service, crime type, district and month) over the same
referrals, so every table adds up to the same total. Withholding counts under 5 and "the next
smallest" failed: "withheld" meant at least 5, a listed row at least 1, and the total pinned both
(security review F2). Complementary suppression across several tables sharing one total is hard to
get right and hides more, so we use rounding to base 5, as UK official statistics commonly do:

- every count, the total too, is rounded to the nearest 5, and counts of 1 to 4 are shown as
  "fewer than 5"; the exact total is never shown;
- rows are ordered by what is shown, then by name, never by the exact counts, which would leak;
- the page is then audited the way the statistical disclosure control handbooks audit rounded
  tables, by the feasibility interval of each count as a reader who knows all this can work it out
  (`possible_totals`): each shown figure stands for a range of counts (`could_be`), each table's
  rows add up to the total, and the total lies in its own range. Rounding alone can be undone
  (services of 5, 1 and 1 show as 5, fewer than 5, fewer than 5, the total of 7 as 5, so 5 to 7:
  only 7 = 5 + 1 + 1 fits), so if the total has only one possible value, the whole page is withheld.
  That happens only with a handful of referrals.

Guarantee: when counts are shown, the total has at least two possible values. Every shown figure
stands for at least two counts, and any tables with equal totals come from some set of referrals,
so every row of every table, and the total, has at least two possible values: no count, and no
"fewer than 5" in particular, can be worked out exactly from everything on the page. Whether to
withhold depends only on what would be shown, so knowing the rule tells a reader nothing more.
Not covered: comparing the page before and after a referral is recorded (the counts are live).

Whether the officer had a concern about the victim's immigration status, and whether the victim may
have no recourse to public funds, are never on the record: `record_referral` adds one to a monthly
tally by district and the two answers (directory/evidence/tallies.py), in the same transaction, and
the tallies are published by the same rules (directory/evidence/referral_tallies.py).
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from sqlmodel import delete, select

from directory.evidence.tallies import NOT_ASKED, ReferralTally, add_one, month_of
from directory.listings.review import months_before
from directory.models import ReferralRecord, Service, User

SMALLEST_SHOWN = 5
ROUNDED_TO = 5
DIMENSIONS = ("service", "crime_type", "district", "month")


@dataclass(frozen=True)
class Count:
    """A row as published: its count rounded to the nearest 5, or None for 1 to 4."""
    label: str
    rounded: int | None

    @property
    def shown(self) -> str:
        return f"fewer than {SMALLEST_SHOWN}" if self.rounded is None else str(self.rounded)


@dataclass(frozen=True)
class ReferralCounts:
    """What the counts page shows: a table of rows per dimension and the rounded total, or nothing at all
    (`withheld`) when the rounding could be undone."""
    tables: dict[str, tuple[Count, ...]]
    total: Count | None
    withheld: bool = False


def record_referral(session: Session, *, service_id: uuid.UUID, referred_on: date, crime_type: str, risk: str,
                    consent: bool, officer: User, district_code: str | None, immigration_concern: str = NOT_ASKED,
                    nrpf: str = NOT_ASKED) -> ReferralRecord:
    """Record a referral, and count its immigration and public funds answers in the tallies only."""
    record = ReferralRecord(service_id=service_id, referred_on=referred_on, crime_type=crime_type, risk=risk,
                            consent=consent, officer_id=officer.id, district_code=district_code)
    session.add(record)
    add_one(session, ReferralTally, month=month_of(referred_on), district=district_code or "",
            immigration_concern=immigration_concern, nrpf=nrpf)
    return record


def purge_expired(session: Session, today: date, retention_months: int) -> int:
    """Delete records made before the retention period began, and the tallies of months wholly before it;
    returns how many records went."""
    cutoff = months_before(today, retention_months)
    result = session.exec(delete(ReferralRecord).where(ReferralRecord.referred_on < cutoff))
    session.exec(delete(ReferralTally).where(ReferralTally.month < month_of(cutoff)))
    return result.rowcount


def rounded(n: int) -> int | None:
    """`n` to the nearest 5 (an integer over 5 is never halfway), or None for 1 to 4."""
    if 0 < n < SMALLEST_SHOWN:
        return None
    return (n + ROUNDED_TO // 2) // ROUNDED_TO * ROUNDED_TO


def could_be(count: Count) -> range:
    """Every true count that is published as `count`: what a reader can tell from it."""
    if count.rounded is None:
        return range(1, SMALLEST_SHOWN)
    if count.rounded == 0:
        return range(0, 1)
    return range(max(count.rounded - ROUNDED_TO // 2, SMALLEST_SHOWN), count.rounded + ROUNDED_TO // 2 + 1)


def possible_totals(tables: dict[str, tuple[Count, ...]], total: Count) -> range:
    """Every total consistent with all the tables and the shown total together: each table's rows
    add up to the total, so its range is the sum of its rows' ranges."""
    lowest, stop = could_be(total).start, could_be(total).stop
    for rows in tables.values():
        lowest = max(lowest, sum(could_be(count).start for count in rows))
        stop = min(stop, sum(could_be(count).stop - 1 for count in rows) + 1)
    return range(lowest, stop)


def publish(tallies: dict[str, Counter], dimensions: tuple[str, ...] = DIMENSIONS) -> ReferralCounts:
    """The tables to show for exact tallies (every dimension's tally adds up to the same total):
    rounded, ordered by what is shown, and withheld whole if the total could be worked out."""
    referrals = sum(tallies[dimensions[0]].values())
    tables = {}
    for dimension in dimensions:
        rows = [Count(str(label), rounded(n)) for label, n in tallies[dimension].items()]
        if dimension == "month":
            rows.sort(key=lambda count: count.label)
        else:
            rows.sort(key=lambda count: (-(count.rounded or 0), count.label))
        tables[dimension] = tuple(rows)
    total = Count("Total", rounded(referrals))
    if referrals and len(possible_totals(tables, total)) < 2:
        return ReferralCounts(tables={dimension: () for dimension in dimensions}, total=None, withheld=True)
    return ReferralCounts(tables=tables, total=total)


def referral_counts(session: Session, labels: dict[str, dict[str, str]]) -> ReferralCounts:
    """Counts by service, crime type, district and month, ready to publish.

    `labels` names codes for people: {"crime_type": {...}, "district": {...}}.
    """
    names = dict(session.exec(select(Service.id, Service.name)).all())
    tallies = {dimension: Counter() for dimension in DIMENSIONS}
    for record in session.exec(select(ReferralRecord)):
        tallies["service"][names.get(record.service_id, "Unknown service")] += 1
        tallies["crime_type"][labels["crime_type"].get(record.crime_type, record.crime_type)] += 1
        tallies["district"][labels["district"].get(record.district_code or "", "Not known")] += 1
        tallies["month"][record.referred_on.strftime("%Y-%m")] += 1
    return publish(tallies)
