"""Records that a referral was made, for the commissioners: no victim's name, address, birth date or status,
and no crime reference, which would lead straight to all of them in the force's crime record.

Records older than the retention period are deleted by `flask referrals purge` (safe to run
daily). No Flask here.

The counts are one-way tables (by service, crime type, district and month, and by the officer's answers
about immigration status and public funds) over the same referrals, so every table adds up to the same
total. They are published by the evidence tables' one scheme (directory/evidence/suppression.py,
`suppress_tables`): the total is shown exactly, counts of 1 to 4 are hidden, with at least one other count
in the same table, and more until the hidden counts could each take more than one value; a table that
cannot be hidden that way, or a total of 1 to 4, withholds every table. Rows are listed by label (months
in order), never by the exact counts, which would leak. Withholding counts under 5 and "the next smallest"
once failed (security review F2): a listed row is at least 1, and two hidden ones adding up to 2 are
both 1. `suppress_line` now hides more in that case, and the tests try every small table to show that
no hidden count can be worked out, even by a reader who knows the rules.
Not covered: comparing the page before and after a referral is recorded (the counts are live).

Whether the officer had a concern about the victim's immigration status, and whether the victim may
have no recourse to public funds, are never on the record: `record_referral` adds one to a monthly
tally by district and the two answers (directory/evidence/tallies.py), in the same transaction. The
tallies and the records are deleted in whole months together (`purge_expired`), so they count the same
referrals and their tables share the total.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session
from sqlmodel import delete, func, select

from directory.evidence.suppression import suppress_tables
from directory.evidence.tallies import ANSWERS, NOT_ASKED, ReferralTally, add_one, month_of
from directory.listings.review import months_before
from directory.models import ReferralRecord, Service, User

RECORD_DIMENSIONS = ("service", "crime_type", "district", "month")
TALLY_DIMENSIONS = ("immigration_concern", "nrpf")
DIMENSIONS = RECORD_DIMENSIONS + TALLY_DIMENSIONS


@dataclass(frozen=True)
class Count:
    """A row as published: its count, or None where hidden."""
    label: str
    value: int | None

    @property
    def shown(self) -> str:
        return "hidden" if self.value is None else str(self.value)


@dataclass(frozen=True)
class ReferralCounts:
    """What the counts page shows: a table of rows per dimension and the total, or no table at all
    (`withheld`) when some count could be worked out."""
    tables: dict[str, tuple[Count, ...]]
    total: int | None
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
    """Delete records made before the retention period began, and with them the rest of that month's records
    and its tallies, so both always hold the same whole months; returns how many records went."""
    cutoff = months_before(today, retention_months)
    first_kept = cutoff if cutoff.day == 1 else (cutoff.replace(day=1) + timedelta(days=32)).replace(day=1)
    result = session.exec(delete(ReferralRecord).where(ReferralRecord.referred_on < first_kept))
    session.exec(delete(ReferralTally).where(ReferralTally.month < month_of(first_kept)))
    return result.rowcount


def publish(tallies: dict[str, Counter], dimensions: tuple[str, ...] = DIMENSIONS) -> ReferralCounts:
    """The tables to show for exact tallies (every dimension's tally adds up to the same total), rows by label,
    small counts hidden by `suppress_tables`, or every table withheld."""
    labels = {dimension: sorted(label for label, n in tallies[dimension].items() if n) for dimension in dimensions}
    shown = suppress_tables({dimension: [tallies[dimension][label] for label in labels[dimension]]
                             for dimension in dimensions})
    if shown is None:
        return ReferralCounts(tables={dimension: () for dimension in dimensions}, total=None, withheld=True)
    return ReferralCounts(tables={dimension: tuple(Count(str(label), value) for label, value
                                                   in zip(labels[dimension], shown[dimension]))
                                  for dimension in dimensions},
                          total=sum(tallies[dimensions[0]].values()))


def referral_counts(session: Session, labels: dict[str, dict[str, str]]) -> ReferralCounts:
    """Counts by service, crime type, district and month, and by the immigration and public funds answers,
    ready to publish. `labels` names codes for people: {"crime_type": {...}, "district": {...}}.

    Should the tallies ever not add up to the records' total, they are left out rather than shown beside it.
    """
    names = dict(session.exec(select(Service.id, Service.name)).all())
    tallies = {dimension: Counter() for dimension in DIMENSIONS}
    for record in session.exec(select(ReferralRecord)):
        tallies["service"][names.get(record.service_id, "Unknown service")] += 1
        tallies["crime_type"][labels["crime_type"].get(record.crime_type, record.crime_type)] += 1
        tallies["district"][labels["district"].get(record.district_code or "", "Not known")] += 1
        tallies["month"][record.referred_on.strftime("%Y-%m")] += 1
    for concern, nrpf, count in session.exec(
            select(ReferralTally.immigration_concern, ReferralTally.nrpf, func.sum(ReferralTally.count))
            .group_by(ReferralTally.immigration_concern, ReferralTally.nrpf)):
        tallies["immigration_concern"][ANSWERS.get(concern, concern)] += int(count)
        tallies["nrpf"][ANSWERS.get(nrpf, nrpf)] += int(count)
    if sum(tallies["nrpf"].values()) != sum(tallies["service"].values()):
        return publish(tallies, RECORD_DIMENSIONS)
    return publish(tallies)
