"""Unmet need, private by design: searches and pathways that found nothing, or nothing near, counted by facets.

A public search with no result on its first page (none at all, or with a place, no local service
within the distance asked or covering the place) and an officer's pathway step that offers no local
service each add one to a monthly counter for:
- the need: the types of support chosen, and the needs the words name (their synonym groups, matched
  to the needs taxonomy through the groups each need's label mentions); "unrecognised" when words
  named none, "any" when there were neither; a pathway step's needs from the rulebook;
- the district the place resolved to (the gazetteer's ONS code), "outside" Sussex, or "unknown";
- the conditions asked for: the access filters ticked, or those a pathway step required;
- for a pathway, the harm: the crime types chosen.
The words and the place typed, an address, a point, a session, a user and any time finer than the
month are never stored, and there is no row per search: see tallies.py. Counting never fails a page.
No Flask here.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session
from sqlmodel import Session as OwnSession
from sqlmodel import func, select

from directory.conditions import by_name
from directory.evidence.suppression import SMALL_CELL, suppress_with_totals
from directory.evidence.tallies import UNKNOWN, UnmetNeedTally, add_one, month_of
from directory.listings.queries import NEEDS_TAXONOMY, terms_in
from directory.listings.review import months_before
from directory.pathway.rules import Answers
from directory.pathway.services import PathwayServices, requirements
from directory.places.gazetteer import SUSSEX, Gazetteer, Place, Resolution
from search import SearchRequest, SearchResults
from search.query import query_words
from search.synonyms import SynonymTable

log = logging.getLogger(__name__)

SEARCH, PATHWAY = "search", "pathway"
SOURCES = {SEARCH: "Public searches", PATHWAY: "Officer pathways"}
ANY_NEED = "any"  # no words and no type of support chosen
UNRECOGNISED = "unrecognised"  # words that name no need the directory knows
OUTSIDE = "outside"  # a place known to be outside Sussex
SPECIAL_NEEDS = {ANY_NEED: "Any need (no words or type of support)",
                 UNRECOGNISED: "Words not recognised as a need"}
SPECIAL_DISTRICTS = {UNKNOWN: "Place not given or not known", OUTSIDE: "Outside Sussex"}
JOIN = "+"
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DEFAULT_MONTHS = 12
_CONDITIONS = by_name()


def district_of(place: Place | None, resolution: Resolution | None) -> str:
    """The district (or county) a place resolved to, "outside" Sussex, or "unknown": never the place itself."""
    if resolution is not None and resolution.is_outside:
        return OUTSIDE
    if place is not None and place.area_codes and place.area_codes[0] != SUSSEX:
        return place.area_codes[0]
    return UNKNOWN


def needs_named(words: str, synonyms: SynonymTable, need_labels: dict[str, str]) -> set[str]:
    """The needs whose label shares a synonym group with the words ("dv" → domestic-abuse), in any language."""
    groups = set()
    for concept in synonyms.split(query_words(words)):
        if concept.group:
            groups |= {concept.group, *concept.implies}
    return {code for code, label in need_labels.items() if synonyms.groups_in(label) & groups}


def _need_labels(session: Session) -> dict[str, str]:
    return {term.code: term.name for term in terms_in(session, NEEDS_TAXONOMY)}


def _add(session: Session, source: str, today: date, district: str, counts: dict[str, set[str]],
         harm: str = "") -> None:
    """One for each need, in a session of its own: the page's session is never touched or committed."""
    with OwnSession(session.get_bind()) as own:
        for need, conditions in sorted(counts.items()):
            add_one(own, UnmetNeedTally, month=month_of(today), source=source, need=need, district=district,
                    conditions=JOIN.join(sorted(conditions)), harm=harm)
        own.commit()


def _search_needs(session: Session, synonyms: SynonymTable, request: SearchRequest, results: SearchResults) -> set:
    needs = set(request.needs)
    if request.text.strip():
        with OwnSession(session.get_bind()) as own:
            needs |= needs_named(results.corrected or request.text, synonyms, _need_labels(own))
    return needs or {UNRECOGNISED if request.text.strip() else ANY_NEED}


def count_search(session: Session, synonyms: SynonymTable, request: SearchRequest, place: Place | None,
                 resolution: Resolution | None, results: SearchResults, today: date) -> bool:
    """Count a public search that found nothing, or nothing near its place; True if it was counted.

    `request` is the search as run (with its place). Never raises: a failure is logged by its class only.
    """
    try:
        if request.page != 1 or results.total:
            return False
        needs = _search_needs(session, synonyms, request, results)
        _add(session, SEARCH, today, district_of(place, resolution), {need: set(request.flags) for need in needs})
        return True
    except Exception as error:  # the page matters more than the count
        log.warning("Unmet need not counted (%s)", type(error).__name__)
        return False


def count_pathway(session: Session, found: PathwayServices, answers: Answers, place: Place | None,
                  resolution: Resolution | None, today: date) -> bool:
    """Count the needs of a pathway's steps that offer no local service (none near the place, if one was
    given), with the conditions each step required and the harm; True if any was counted. Never raises."""
    try:
        unmet: dict[str, set[str]] = {}
        for step_services in found.steps:
            if any(not item.service.national_helpline for item in step_services.offered + step_services.more):
                continue
            referral = step_services.step.refers
            flags = {_CONDITIONS[name].search_flag for requirement in requirements(answers, referral)
                     for name in requirement.conditions}
            for need in referral.needs or (ANY_NEED,):
                unmet.setdefault(need, set()).update(flags)
        if unmet:
            _add(session, PATHWAY, today, district_of(place, resolution), unmet, JOIN.join(sorted(answers.crime_types)))
        return bool(unmet)
    except Exception as error:
        log.warning("Unmet need not counted (%s)", type(error).__name__)
        return False


# -- what staff read ----------------------------------------------------------------------------------------


def month_range(first: str | None, last: str | None, today: date) -> tuple[str, str]:
    """The months asked for ("2026-01", "2026-11"), in order; the last 12 months for anything else."""
    default = (month_of(months_before(today, DEFAULT_MONTHS - 1)), month_of(today))
    first = first if first and MONTH.match(first) else default[0]
    last = last if last and MONTH.match(last) else default[1]
    return (first, last) if first <= last else (last, first)


@dataclass
class UnmetNeedTable:
    """Need × district over a range of months, small cells suppressed; totals from the exact counts, small
    ones hidden. `cells[i][j]` is None where hidden."""

    first_month: str
    last_month: str
    source: str | None
    needs: list[tuple[str, str]] = field(default_factory=list)  # rows: (code, label)
    districts: list[tuple[str, str]] = field(default_factory=list)  # columns: (code, label)
    cells: list[list[int | None]] = field(default_factory=list)
    need_totals: list[int | None] = field(default_factory=list)
    district_totals: list[int | None] = field(default_factory=list)
    total: int | None = 0
    smallest_shown: int = SMALL_CELL

    @property
    def empty(self) -> bool:
        return not self.needs


def _district_order(gazetteer: Gazetteer, codes: set[str]) -> list[tuple[str, str]]:
    """Districts by name, then counties and Sussex, then not known and outside."""
    districts = [(code, name) for code, name in gazetteer.districts() if code in codes]
    known = {code for code, _ in districts}
    others = codes - known - set(SPECIAL_DISTRICTS)
    wider = sorted(((code, gazetteer.district_names.get(code, code)) for code in others), key=lambda pair: pair[1])
    return districts + wider + [(code, label) for code, label in SPECIAL_DISTRICTS.items() if code in codes]


def unmet_need_table(session: Session, gazetteer: Gazetteer, first_month: str, last_month: str,
                     source: str | None = None) -> UnmetNeedTable:
    """Unmet need by need and district for the months from `first_month` to `last_month` ("YYYY-MM"), from
    searches, pathways (`source`) or both, ready to show: small numbers hidden, totals with them
    (`suppress_with_totals`)."""
    query = (select(UnmetNeedTally.need, UnmetNeedTally.district, func.sum(UnmetNeedTally.count))
             .where(UnmetNeedTally.month >= first_month, UnmetNeedTally.month <= last_month)
             .group_by(UnmetNeedTally.need, UnmetNeedTally.district))
    if source in SOURCES:
        query = query.where(UnmetNeedTally.source == source)
    counts = {(need, district): int(total) for need, district, total in session.exec(query)}
    table = UnmetNeedTable(first_month, last_month, source if source in SOURCES else None)
    if not counts:
        return table
    labels = _need_labels(session)
    codes = {need for need, _ in counts}
    table.needs = (sorted(((code, labels.get(code, code)) for code in codes - set(SPECIAL_NEEDS)),
                          key=lambda pair: pair[1])
                   + [(code, label) for code, label in SPECIAL_NEEDS.items() if code in codes])
    table.districts = _district_order(gazetteer, {district for _, district in counts})
    exact = [[counts.get((need, district), 0) for district, _ in table.districts] for need, _ in table.needs]
    shown = suppress_with_totals(exact)
    table.cells, table.need_totals = shown.cells, shown.row_totals
    table.district_totals, table.total = shown.column_totals, shown.total
    return table
