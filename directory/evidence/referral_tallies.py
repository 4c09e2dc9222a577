"""Referrals by the officer's answers about immigration status and public funds: aggregate tallies only.

The answers are never on a referral record (see pathway/referrals.py); they are counted in monthly
tallies by district (tallies.py). They are published by the referral counts' own rules, not by the
small-cell suppression of the other evidence tables, because they sit on the same page as the
referral counts and count (nearly) the same referrals: every count rounded to the nearest 5,
1 to 4 shown as "fewer than 5", no exact total, rows ordered by what is shown, and the tables
withheld when their total could be worked out, or when the referral counts are withheld. An exact
cell beside rounded ones would undo the rounding. A reader may take the tallies to count the very
referrals the other tables count (they do, but for the first days of the oldest month, which the
tallies keep whole): so the tallies are withheld too when the two totals, read together, leave
one possibility. Referrals recorded before the questions were asked count as "not asked".
No Flask here.
"""

from collections import Counter

from sqlalchemy.orm import Session
from sqlmodel import func, select

from directory.evidence.tallies import ANSWERS, ReferralTally
from directory.pathway.referrals import ReferralCounts, could_be, possible_totals, publish

TALLY_DIMENSIONS = ("immigration_concern", "nrpf")


def referral_tally_counts(session: Session, record_counts: ReferralCounts | None = None) -> ReferralCounts:
    """Referrals by immigration concern and by no recourse to public funds (yes, no, not asked), ready to
    publish beside `record_counts` (the page's other referral tables)."""
    tallies = {dimension: Counter() for dimension in TALLY_DIMENSIONS}
    rows = session.exec(select(ReferralTally.immigration_concern, ReferralTally.nrpf, func.sum(ReferralTally.count))
                        .group_by(ReferralTally.immigration_concern, ReferralTally.nrpf))
    for concern, nrpf, count in rows:
        tallies["immigration_concern"][ANSWERS.get(concern, concern)] += int(count)
        tallies["nrpf"][ANSWERS.get(nrpf, nrpf)] += int(count)
    published = publish(tallies, TALLY_DIMENSIONS)
    withheld = ReferralCounts(tables={dimension: () for dimension in TALLY_DIMENSIONS}, total=None, withheld=True)
    if record_counts is not None and record_counts.withheld:
        return withheld  # they count (nearly) the same referrals: what was withheld there stays withheld here
    if published.withheld or record_counts is None or record_counts.total is None:
        return published
    ours = possible_totals(published.tables, published.total)
    theirs = possible_totals(record_counts.tables, record_counts.total)
    together = range(max(ours.start, theirs.start), min(ours.stop, theirs.stop))
    if len(together) == 1 and could_be(published.total) != range(0, 1):
        return withheld
    return published
