"""Records that a referral was made, for the commissioners: no victim's name, address, birth date or status,
and no crime reference, which would lead straight to all of them in the force's crime record.

Records older than the retention period are deleted by `flask referrals purge` (safe to run
daily). Counts under five are never shown, so a small number cannot point to a person.
No Flask here.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from sqlmodel import delete, select

from directory.listings.review import months_before
from directory.models import ReferralRecord, Service, User

SMALLEST_SHOWN = 5
DIMENSIONS = ("service", "crime_type", "district", "month")


@dataclass(frozen=True)
class Count:
    label: str
    count: int | None  # None when withheld
    shown: str  # what to print: the count, "fewer than 5", or "withheld"


def record_referral(session: Session, *, service_id: uuid.UUID, referred_on: date, crime_type: str, risk: str,
                    consent: bool, officer: User, district_code: str | None) -> ReferralRecord:
    record = ReferralRecord(service_id=service_id, referred_on=referred_on, crime_type=crime_type, risk=risk,
                            consent=consent, officer_id=officer.id, district_code=district_code)
    session.add(record)
    return record


def purge_expired(session: Session, today: date, retention_months: int) -> int:
    """Delete records made before the retention period began; returns how many went."""
    cutoff = months_before(today, retention_months)
    result = session.exec(delete(ReferralRecord).where(ReferralRecord.referred_on < cutoff))
    return result.rowcount


def suppress(counts: Counter) -> list[Count]:
    """Counts, largest first, with those under five withheld, and as many of the next smallest
    as it takes for the hidden ones not to be worked out from the total."""
    ordered = counts.most_common()
    small = {label for label, n in ordered if n < SMALLEST_SHOWN}
    withheld: set = set()
    # Every table covers the same referrals, so any whole table gives the total: what is hidden
    # must be at least two counts adding up to five or more, or the small ones could be worked out.
    hidden_total = sum(counts[label] for label in small)
    others = sorted((n, label) for label, n in ordered if label not in small)
    while small and others and (len(small) + len(withheld) < 2 or hidden_total < SMALLEST_SHOWN):
        n, label = others.pop(0)
        withheld.add(label)
        hidden_total += n

    def count(label, n) -> Count:
        if label in small:
            return Count(str(label), None, f"fewer than {SMALLEST_SHOWN}")
        if label in withheld:
            return Count(str(label), None, "withheld")
        return Count(str(label), n, str(n))

    return [count(label, n) for label, n in ordered]


def referral_counts(session: Session, labels: dict[str, dict[str, str]]) -> dict[str, list[Count]]:
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
    counts = {dimension: suppress(tally) for dimension, tally in tallies.items()}
    counts["month"].sort(key=lambda count: count.label)
    return counts
