"""Where the directory has specialist help for migrant victims, and where it has none: the coverage matrix.

Each of Sussex's 13 districts (then its two counties and Sussex as a whole) against each need:
how many active public services serve it, how many of those have confirmed they are open
regardless of immigration status, and how many of those also support people with no recourse to
public funds. A service serves a district if one of its places is there (a refuge's too: only the
count is shown, never where it is) or its service area covers it, read the way the search reads
areas (directory/indexing.py). A county's or Sussex's row counts each service once. National
helplines, and services whose areas are all beyond Sussex with no place in it, are listed apart.

These are counts of services, not of people, so nothing here is suppressed. No Flask here.
"""

import gc
import uuid
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import select

from directory.conditions import Answer, by_name
from directory.indexing.documents import database_fingerprint, service_area_code
from directory.listings.queries import NEEDS_TAXONOMY, TermChoice, terms_in
from directory.listings.review import is_overdue, months_before
from directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from directory.places.gazetteer import SUSSEX, Gazetteer

IMMIGRATION = by_name()["immigration_status"]
NRPF = by_name()["nrpf_support"]
# A place further than this from every postcode district's centre is not placed in a district.
NEAREST_OUTCODE_MILES = 8.0
_MILES_PER_DEGREE = 69.0


@dataclass(frozen=True)
class CoverageFilters:
    """What the matrix is narrowed to: a language spoken, led by and for its community (confirmed yes),
    ways of getting help (any of them), commissioned by the Police and Crime Commissioner."""

    language: str = ""
    led_by_and_for: bool = False
    delivery: tuple[str, ...] = ()
    commissioned: bool = False

    @property
    def any(self) -> bool:
        return bool(self.language or self.led_by_and_for or self.delivery or self.commissioned)


@dataclass(frozen=True)
class Area:
    """A row of the matrix: a district, a county (its districts) or Sussex (all 13)."""

    code: str
    name: str
    kind: str  # "district", "county" or "sussex"
    districts: frozenset[str]


@dataclass(frozen=True)
class Cell:
    services: int = 0
    open_to_all: int = 0
    with_nrpf: int = 0  # open regardless of status and supporting people with no recourse to public funds

    @property
    def no_open_service(self) -> bool:
        return self.open_to_all == 0

    @property
    def no_nrpf_service(self) -> bool:
        return self.with_nrpf == 0

    @property
    def is_gap(self) -> bool:
        return self.no_open_service or self.no_nrpf_service


@dataclass(frozen=True)
class ApartService:
    """A national helpline, or a service covering only areas beyond Sussex: shown apart from the districts."""

    id: str
    name: str
    helpline: bool
    needs: tuple[str, ...]
    open_to_all: bool
    with_nrpf: bool


@dataclass(frozen=True)
class ChecksSummary:
    """How fresh the facts behind the counts are: services checked within the review period, the oldest check."""

    services: int
    recent: int
    months: int
    oldest: date | None
    never: int

    @property
    def percent_recent(self) -> int:
        return round(100 * self.recent / self.services) if self.services else 0


@dataclass
class Coverage:
    areas: list[Area]
    needs: list[TermChoice]
    cells: dict[tuple[str, str], Cell]
    totals: dict[str, Cell]  # every need together, per area
    apart: list[ApartService]
    checks: ChecksSummary
    filters: CoverageFilters = field(default_factory=CoverageFilters)

    def cell(self, area: Area, need: TermChoice) -> Cell:
        return self.cells.get((area.code, need.code), Cell())

    @property
    def districts(self) -> list[Area]:
        return [area for area in self.areas if area.kind == "district"]


@dataclass(slots=True)
class _Facts:
    """One service, as the matrix needs it (ten thousand of them: kept light)."""

    id: object
    name: str
    open_to_all: bool
    with_nrpf: bool
    helpline: bool
    last_verified_on: date | None
    needs: frozenset = frozenset()
    districts: frozenset = frozenset()


# -- the areas -------------------------------------------------------------------------------


def sussex_areas(gazetteer: Gazetteer) -> list[Area]:
    """The rows: each unitary district, then each county's districts followed by the county, then Sussex."""
    districts = gazetteer.districts()
    counties = sorted({gazetteer.county_of[code] for code, _ in districts if code in gazetteer.county_of},
                      key=lambda code: gazetteer.district_names[code])
    areas = [Area(code, name, "district", frozenset({code})) for code, name in districts
             if code not in gazetteer.county_of]
    for county in counties:
        inside = [(code, name) for code, name in districts if gazetteer.county_of.get(code) == county]
        areas += [Area(code, name, "district", frozenset({code})) for code, name in inside]
        areas.append(Area(county, gazetteer.district_names[county], "county", frozenset(code for code, _ in inside)))
    every = frozenset(code for code, _ in districts)
    areas.append(Area(SUSSEX, gazetteer.district_names.get(SUSSEX, "Sussex"), "sussex", every))
    return areas


def _districts_covered(area_code: str | None, areas: list[Area]) -> frozenset[str]:
    return next((area.districts for area in areas if area.code == area_code), frozenset())


# -- reading the directory -------------------------------------------------------------------


def _raw(column):
    """A key column without turning each value into a UUID: ten thousand rows read much faster."""
    return sa.type_coerce(column, sa.String)


def _rows(session: Session, query):
    """Plain rows, without the ORM's per-row work: the matrix reads tens of thousands."""
    return session.connection().execute(query).all()


def _listed_services(session: Session, filters: CoverageFilters) -> list[_Facts]:
    query = select(_raw(Service.id), Service.name, _raw(Service.immigration_status), _raw(Service.nrpf_support),
                   Service.national_helpline, Service.last_verified_on).where(Service.listed())
    if filters.led_by_and_for:
        query = query.where(Service.led_by_and_for == Answer.YES)
    if filters.commissioned:
        query = query.where(Service.commissioned_by_pcc.is_(True))
    facts = []
    for service_id, name, immigration, nrpf, helpline, verified in _rows(session, query):
        open_to_all = IMMIGRATION.is_yes(immigration)
        facts.append(_Facts(service_id, name, open_to_all, open_to_all and NRPF.is_yes(nrpf), bool(helpline), verified))
    return facts


def _terms_by_service(session: Session, link_type: str) -> dict[object, frozenset[str]]:
    rows = _rows(session, select(_raw(Attribute.link_id), TaxonomyTerm.code)
                        .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
                        .where(Attribute.link_entity == "service", Attribute.link_type == link_type,
                               TaxonomyTerm.code.is_not(None)))
    found = defaultdict(set)
    for service_id, code in rows:
        found[service_id].add(code)
    return {service_id: frozenset(codes) for service_id, codes in found.items()}


def _speaking(session: Session, language: str) -> set[object]:
    return {service_id for service_id, in _rows(session, select(_raw(Language.service_id))
                                                .where(Language.code == language))}


@dataclass(frozen=True)
class _AreaRow:
    name: str | None
    uri: str | None


def _area_districts(session: Session, gazetteer: Gazetteer, areas: list[Area]) -> dict[object, set[str]]:
    """The districts each service's areas cover (Sussex: all of them; a county: its districts)."""
    covered, known = defaultdict(set), {}
    for service_id, name, uri in _rows(session, select(_raw(ServiceArea.service_id), ServiceArea.name,
                                                       ServiceArea.uri)):
        if (name, uri) not in known:
            known[name, uri] = _districts_covered(service_area_code(_AreaRow(name, uri), gazetteer), areas)
        covered[service_id] |= known[name, uri]
    return covered


def _place_districts(session: Session, gazetteer: Gazetteer, districts: frozenset[str]) -> dict[object, set[str]]:
    """The district of each service's places, confidential ones too: by postcode district, else by position."""
    rows = _rows(session,
        select(_raw(ServiceAtLocation.service_id), Address.postal_code, Location.latitude, Location.longitude)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .outerjoin(Address, Address.location_id == Location.id))
    found, unplaced = defaultdict(set), []
    for service_id, postcode, latitude, longitude in rows:
        outcode = gazetteer.outcodes.get((postcode or "").upper().split(" ")[0]) if postcode else None
        if outcode and outcode.area_codes and outcode.area_codes[0] in districts:
            found[service_id].add(outcode.area_codes[0])
        elif latitude is not None and longitude is not None:
            unplaced.append((service_id, latitude, longitude))
    for service_id, district in _nearest_districts(gazetteer, unplaced):
        if district in districts:
            found[service_id].add(district)
    return found


def _nearest_districts(gazetteer: Gazetteer, points: list[tuple[object, float, float]]):
    """(service id, district) of the postcode district nearest each point, within NEAREST_OUTCODE_MILES:
    all points at once, as ten thousand of them one by one would be slow."""
    outcodes = [place for place in gazetteer.outcodes.values() if place.area_codes]
    if not points or not outcodes:
        return []
    centres = np.array([(place.point.latitude, place.point.longitude) for place in outcodes])
    where = np.array([(latitude, longitude) for _, latitude, longitude in points])
    squeeze = np.cos(np.radians(where[:, :1].mean()))
    north = where[:, None, 0] - centres[None, :, 0]
    east = (where[:, None, 1] - centres[None, :, 1]) * squeeze
    distance = np.hypot(north, east) * _MILES_PER_DEGREE
    nearest = distance.argmin(axis=1)
    return [(point[0], outcodes[i].area_codes[0]) for point, i, miles
            in zip(points, nearest, distance[np.arange(len(points)), nearest]) if miles <= NEAREST_OUTCODE_MILES]


# -- the matrix ------------------------------------------------------------------------------


@contextmanager
def _no_collector_pauses():
    """Reading ten thousand services makes some 100,000 short-lived objects, none in a cycle; in a process holding
    the search index, each full pass of Python's cycle collector they trigger costs tens of milliseconds."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_RECENT: OrderedDict = OrderedDict()  # the last few matrices worked out, by what they depend on
_KEEP = 16


def coverage(session: Session, gazetteer: Gazetteer, today: date, review_months: int,
             filters: CoverageFilters = CoverageFilters()) -> Coverage:
    """The matrix of areas × needs for the filters, the services shown apart, and how fresh the facts are.

    Kept while the directory is unchanged: the key holds the database, its listed services' fingerprint
    (their count and newest change, as the search index is checked), the needs' names, the day and the
    filters, so any edit, import or renamed need works it out afresh. Each worker keeps its own.
    """
    needs = tuple((term.code, term.name) for term in terms_in(session, NEEDS_TAXONOMY))
    key = (str(session.get_bind().url), database_fingerprint(session), needs, today, review_months, filters,
           id(gazetteer))
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    with _no_collector_pauses():
        result = _coverage(session, gazetteer, today, review_months, filters)
    _RECENT[key] = result
    while len(_RECENT) > _KEEP:
        _RECENT.popitem(last=False)
    return result


def _coverage(session: Session, gazetteer: Gazetteer, today: date, review_months: int,
              filters: CoverageFilters) -> Coverage:
    areas = sussex_areas(gazetteer)
    every_district = areas[-1].districts
    needs = terms_in(session, NEEDS_TAXONOMY)
    services = _listed_services(session, filters)
    if filters.language:
        speaking = _speaking(session, filters.language)
        services = [s for s in services if s.id in speaking]
    if filters.delivery:
        delivery = _terms_by_service(session, "delivery")
        services = [s for s in services if delivery.get(s.id, set()) & set(filters.delivery)]
    need_codes = _terms_by_service(session, "need")
    by_area = _area_districts(session, gazetteer, areas)
    by_place = _place_districts(session, gazetteer, every_district)
    nowhere = frozenset()
    for service in services:
        service.needs = need_codes.get(service.id, nowhere)
        if not service.helpline:
            service.districts = frozenset(by_area.get(service.id, nowhere) | by_place.get(service.id, nowhere))
    counted = services
    cells, totals = _tally(areas, [s for s in counted if s.districts])
    names = {need.code: need.name for need in needs}
    apart = sorted((ApartService(str(uuid.UUID(str(s.id))), s.name, s.helpline,
                                 tuple(names.get(code, code) for code in sorted(s.needs)), s.open_to_all, s.with_nrpf)
                    for s in counted if not s.districts),
                   key=lambda service: (not service.helpline, service.name.casefold()))
    return Coverage(areas, needs, cells, totals, apart, _checks(counted, today, review_months), filters)


def _tally(areas: list[Area], services: list[_Facts]) -> tuple[dict[tuple[str, str], Cell], dict[str, Cell]]:
    counts = defaultdict(lambda: [0, 0, 0])
    areas_of = defaultdict(set)  # district → the codes of every area containing it
    for area in areas:
        for district in area.districts:
            areas_of[district].add(area.code)
    # Services alike in where they serve, their needs and their answers are counted together.
    alike = Counter((s.districts, s.needs, s.open_to_all, s.with_nrpf) for s in services)
    for (districts, needs, open_to_all, with_nrpf), number in alike.items():
        served = set().union(*(areas_of[district] for district in districts))
        for code in served:
            for key in (*((code, need) for need in needs), code):
                tally = counts[key]
                tally[0] += number
                tally[1] += number * open_to_all
                tally[2] += number * with_nrpf
    cells = {key: Cell(*tally) for key, tally in counts.items() if isinstance(key, tuple)}
    totals = {key: Cell(*tally) for key, tally in counts.items() if isinstance(key, str)}
    return cells, totals


def _checks(services: list[_Facts], today: date, months: int) -> ChecksSummary:
    dates = [s.last_verified_on for s in services if s.last_verified_on is not None]
    since = months_before(today, months)  # as review.is_overdue judges it
    recent = sum(day >= since for day in dates)
    return ChecksSummary(len(services), recent, months, min(dates, default=None), len(services) - len(dates))


# -- gaps in words ---------------------------------------------------------------------------

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def in_words(number: int) -> str:
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else str(number)


def services_in_words(number: int) -> str:
    return f"{in_words(number)} service{'' if number == 1 else 's'}"


def _lower_first(name: str) -> str:
    """"Harmful practices (FGM…)" → "harmful practices (FGM…)"; "NRPF advice" stays as it is."""
    return name[0].lower() + name[1:] if len(name) > 1 and not name[1].isupper() else name


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def gaps_in_words(result: Coverage) -> list[tuple[Area, list[str]]]:
    """For each area with any gap, plain sentences: needs with no service open regardless of immigration
    status, needs where none of those supports people with no recourse to public funds, and needs with
    only one service open regardless of status."""
    said = []
    for area in result.areas:
        cells = [(need, result.cell(area, need)) for need in result.needs]
        none_open = [_lower_first(need.name) for need, cell in cells if cell.no_open_service]
        no_nrpf = [f"{_lower_first(need.name)} ({services_in_words(cell.open_to_all)})" for need, cell in cells
                   if not cell.no_open_service and cell.no_nrpf_service]
        only_one = [_lower_first(need.name) for need, cell in cells if cell.open_to_all == 1]
        sentences = []
        if none_open:
            sentences.append(f"No service open regardless of immigration status for {_joined(none_open)}.")
        if no_nrpf:
            sentences.append("Services open regardless of status, but none supporting people with no recourse "
                             f"to public funds, for {_joined(no_nrpf)}.")
        if only_one:
            sentences.append(f"Only one service open regardless of status for {_joined(only_one)}.")
        if sentences:
            said.append((area, sentences))
    return said


def filters_in_words(filters: CoverageFilters, languages: dict[str, str], delivery: dict[str, str]) -> str:
    """"Services speaking Polish, led by and for their community": what the counts are narrowed to."""
    parts = []
    if filters.language:
        parts.append(f"speaking {languages.get(filters.language, filters.language)}")
    if filters.led_by_and_for:
        parts.append("led by and for their community")
    if filters.delivery:
        parts.append("offering help " + " or ".join(delivery.get(code, code).lower() for code in filters.delivery))
    if filters.commissioned:
        parts.append("commissioned by the Police and Crime Commissioner")
    return "All active public services" if not parts else "Services " + ", ".join(parts)


def rows_for_export(result: Coverage) -> Iterable[tuple[Area, TermChoice, Cell]]:
    """One row per area and need, in the matrix's order: what the CSV holds."""
    for area in result.areas:
        for need in result.needs:
            yield area, need, result.cell(area, need)


# -- commissioning compliance ----------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceIssue:
    service: Service
    reasons: tuple[str, ...]


def commissioning_compliance(session: Session, today: date, review_months: int) -> list[ComplianceIssue]:
    """Services commissioned by the PCC (published or not, but not closed for good) whose immigration status
    or NRPF answer is not a confirmed yes, or whose check with the service is overdue: never checked first."""
    query = (select(Service).where(Service.commissioned_by_pcc.is_(True), Service.status != ServiceStatus.DEFUNCT)
             .order_by(sa.nulls_first(Service.last_verified_on.asc()), Service.name))
    issues = []
    for service in session.exec(query):
        reasons = []
        for condition, label in ((IMMIGRATION, "Open regardless of immigration status"),
                                 (NRPF, "Supports people with no recourse to public funds")):
            answer = getattr(service, condition.name)
            if not condition.is_yes(answer):
                checked = getattr(service, condition.checked_on)
                when = f", checked {checked.isoformat()}" if checked else ", never checked"
                reasons.append(f"{label}: {condition.wording_for(answer).editor.lower()}{when}")
        if is_overdue(service.last_verified_on, today, review_months):
            reasons.append("Check with the service overdue" if service.last_verified_on else "Never checked")
        if reasons:
            issues.append(ComplianceIssue(service, tuple(reasons)))
    return issues
