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
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import chain

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import select

from directory.conditions import by_name
from directory.indexing.documents import database_fingerprint, service_area_code
from directory.listings.queries import NEEDS_TAXONOMY, TermChoice, terms_in
from directory.listings.review import months_before
from directory.models import (
    Address,
    Attribute,
    Language,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from directory.places.gazetteer import SUSSEX, Gazetteer

IMMIGRATION = by_name()["immigration_status"]
NRPF = by_name()["nrpf_support"]
LED_BY_AND_FOR = by_name()["led_by_and_for"]
# A place further than this from every postcode district's centre is not placed in a district.
NEAREST_OUTCODE_MILES = 8.0
# The page names this many of the services shown apart (Sussex has a few dozen); its table by need counts them all.
APART_LISTED = 100
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
    need_names: tuple[str, ...]
    open_to_all: bool
    with_nrpf: bool

    @property
    def needs(self) -> str:
        return ", ".join(self.need_names)


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
    apart: list[ApartService]  # national helplines first, then by name
    checks: ChecksSummary
    filters: CoverageFilters = field(default_factory=CoverageFilters)
    apart_cells: dict[tuple[bool, str], Cell] = field(default_factory=dict)  # (national helplines?, need) → counts

    def cell(self, area: Area, need: TermChoice) -> Cell:
        return self.cells.get((area.code, need.code), Cell())

    def apart_cell(self, helplines: bool, need: TermChoice) -> Cell:
        """How many national helplines (or services beyond Sussex only) there are for `need`, as a matrix cell."""
        return self.apart_cells.get((helplines, need.code), Cell())

    @property
    def apart_listed(self) -> list[ApartService]:
        """The apart services the page names: the first APART_LISTED (the table by need counts them all)."""
        return self.apart[:APART_LISTED]

    @property
    def districts(self) -> list[Area]:
        return [area for area in self.areas if area.kind == "district"]


@dataclass(slots=True)
class _Facts:
    """One service, as the matrix and its filters need it (ten thousand of them: kept light)."""

    id: object
    name: str
    open_to_all: bool
    with_nrpf: bool
    helpline: bool
    last_verified_on: date | None
    led_by_and_for: bool
    commissioned: bool
    needs: frozenset = frozenset()
    delivery: frozenset = frozenset()
    languages: frozenset = frozenset()
    districts: frozenset = frozenset()
    served: tuple = ()  # the matrix's rows (areas) it counts in, by position
    asked: tuple = ()  # the matrix's columns (needs) it counts in, by position

    def matches(self, filters: CoverageFilters) -> bool:
        return ((not filters.language or filters.language in self.languages)
                and (not filters.led_by_and_for or self.led_by_and_for)
                and (not filters.delivery or not self.delivery.isdisjoint(filters.delivery))
                and (not filters.commissioned or self.commissioned))


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


def _only(column, ids: list | None):
    """A condition keeping rows of the services `ids` (all of them when None)."""
    return sa.true() if ids is None else _raw(column).in_(ids)


def _services(session: Session, ids: list | None) -> list[_Facts]:
    query = select(_raw(Service.id), Service.name, _raw(Service.immigration_status), _raw(Service.nrpf_support),
                   Service.national_helpline, Service.last_verified_on, _raw(Service.led_by_and_for),
                   Service.commissioned_by_pcc).where(Service.listed(), _only(Service.id, ids))
    facts = []
    for service_id, name, immigration, nrpf, helpline, verified, led, commissioned in _rows(session, query):
        open_to_all = IMMIGRATION.is_yes(immigration)
        facts.append(_Facts(service_id, name, open_to_all, open_to_all and NRPF.is_yes(nrpf), bool(helpline), verified,
                            LED_BY_AND_FOR.is_yes(led), bool(commissioned)))
    return facts


def _terms_by_service(session: Session, ids: list | None) -> dict[str, dict[object, set[str]]]:
    """The need and delivery codes of each service, by link type."""
    rows = _rows(session, select(Attribute.link_type, _raw(Attribute.link_id), TaxonomyTerm.code)
                        .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
                        .where(Attribute.link_entity == "service", Attribute.link_type.in_(("need", "delivery")),
                               TaxonomyTerm.code.is_not(None), _only(Attribute.link_id, ids)))
    found = {"need": defaultdict(set), "delivery": defaultdict(set)}
    for link_type, service_id, code in rows:
        found[link_type][service_id].add(code)
    return found


def _languages(session: Session, ids: list | None) -> dict[object, set[str]]:
    found = defaultdict(set)
    for service_id, code in _rows(session, select(_raw(Language.service_id), Language.code)
                                  .where(_only(Language.service_id, ids))):
        found[service_id].add(code)
    return found


@dataclass(frozen=True)
class _AreaRow:
    name: str | None
    uri: str | None


def _area_districts(session: Session, gazetteer: Gazetteer, areas: list[Area],
                    ids: list | None) -> dict[object, set[str]]:
    """The districts each service's areas cover (Sussex: all of them; a county: its districts)."""
    covered, known = defaultdict(set), {}
    for service_id, name, uri in _rows(session, select(_raw(ServiceArea.service_id), ServiceArea.name,
                                                       ServiceArea.uri).where(_only(ServiceArea.service_id, ids))):
        if (name, uri) not in known:
            known[name, uri] = _districts_covered(service_area_code(_AreaRow(name, uri), gazetteer), areas)
        covered[service_id] |= known[name, uri]
    return covered


def _place_districts(session: Session, gazetteer: Gazetteer, districts: frozenset[str],
                     ids: list | None) -> dict[object, set[str]]:
    """The district of each service's places, confidential ones too: by postcode district, else by position."""
    rows = _rows(session,
        select(_raw(ServiceAtLocation.service_id), Address.postal_code, Location.latitude, Location.longitude)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .outerjoin(Address, Address.location_id == Location.id).where(_only(ServiceAtLocation.service_id, ids)))
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
    needs = terms_in(session, NEEDS_TAXONOMY)
    codes = tuple(term.code for term in needs)
    counted = [facts for facts in _directory_facts(session, gazetteer, areas, codes) if facts.matches(filters)]
    cells, totals = _tally(areas, needs, [s for s in counted if s.served])
    names = {need.code: need.name for need in needs}
    apart = sorted((ApartService(str(uuid.UUID(str(s.id))), s.name, s.helpline,
                                 tuple(names.get(code, code) for code in sorted(s.needs)), s.open_to_all,
                                 s.with_nrpf)
                    for s in counted if not s.districts),
                   key=lambda service: (not service.helpline, service.name.casefold()))
    apart_cells = {}
    for service in (s for s in counted if not s.districts):
        for key in ((service.helpline, code) for code in service.needs):
            was = apart_cells.get(key, Cell())
            apart_cells[key] = Cell(was.services + 1, was.open_to_all + service.open_to_all,
                                    was.with_nrpf + service.with_nrpf)
    return Coverage(areas, needs, cells, totals, apart, _checks(counted, today, review_months), filters, apart_cells)


_FACTS: dict = {}  # by database and gazetteer: each listed service's last change and facts


def _directory_facts(session: Session, gazetteer: Gazetteer, areas: list[Area], codes: tuple) -> list[_Facts]:
    """Every listed service's facts, read afresh only for services changed since the last call (their last change
    moved on) and for services sharing a place with them, whose district an edit of that place moves too: after
    an edit, one listing is read, not ten thousand. Kept apart for each database, gazetteer and set of need
    codes (`codes`), so a renamed code reads everything again. Each worker keeps its own."""
    key = (str(session.get_bind().url), id(gazetteer), codes)
    stamps = dict(_rows(session, select(_raw(Service.id), _raw(Service.last_modified)).where(Service.listed())))
    known_stamps, known = _FACTS.get(key, ({}, {}))
    changed = [service_id for service_id, stamp in stamps.items() if known_stamps.get(service_id) != stamp]
    if len(changed) > len(stamps) // 4:  # a first read, or an import: everything at once is quicker
        facts = _read_facts(session, gazetteer, areas, codes, None)
    else:
        facts = {service_id: known[service_id] for service_id in stamps if service_id in known}
        if changed:
            facts.update(_read_facts(session, gazetteer, areas, codes, _with_neighbours(session, changed)))
    facts = {service_id: facts[service_id] for service_id in stamps if service_id in facts}
    _FACTS[key] = (stamps, facts)
    return list(facts.values())


def _with_neighbours(session: Session, ids: list) -> list:
    places = select(ServiceAtLocation.location_id).where(_raw(ServiceAtLocation.service_id).in_(ids))
    sharing = _rows(session, select(_raw(ServiceAtLocation.service_id))
                    .where(ServiceAtLocation.location_id.in_(places)))
    return sorted({*ids, *(service_id for service_id, in sharing)})


def _read_facts(session: Session, gazetteer: Gazetteer, areas: list[Area], codes: tuple,
                ids: list | None) -> dict[object, _Facts]:
    """The facts of the listed services `ids` (all when None), each query reading only theirs, with the rows and
    columns of the matrix each counts in (areas, and the needs `codes`)."""
    every_district = areas[-1].districts
    containing = defaultdict(set)  # district → the position of every area containing it
    for i, area in enumerate(areas):
        for district in area.districts:
            containing[district].add(i)
    column = {code: i for i, code in enumerate(codes)}
    terms = _terms_by_service(session, ids)
    languages = _languages(session, ids)
    by_area = _area_districts(session, gazetteer, areas, ids)
    by_place = _place_districts(session, gazetteer, every_district, ids)
    facts = {}
    for service in _services(session, ids):
        service.needs = frozenset(terms["need"].get(service.id, ()))
        service.delivery = frozenset(terms["delivery"].get(service.id, ()))
        service.languages = frozenset(languages.get(service.id, ()))
        if not service.helpline:
            service.districts = frozenset(by_area.get(service.id, set()) | by_place.get(service.id, set()))
            service.served = tuple(sorted(set().union(*(containing[district] for district in service.districts))))
        service.asked = tuple(sorted(column[code] for code in service.needs if code in column))
        facts[service.id] = service
    return facts


def _tally(areas: list[Area], needs: list[TermChoice],
           services: list[_Facts]) -> tuple[dict[tuple[str, str], Cell], dict[str, Cell]]:
    """Every cell at once: services × areas served, and services × needs, as 0/1 matrices multiplied together
    (weighted by each answer), as ten thousand services counted one cell at a time would be slow."""
    served = _ones(len(areas), [s.served for s in services])
    asked = _ones(len(needs), [s.asked for s in services])
    answers = np.array([[1, s.open_to_all, s.with_nrpf] for s in services], dtype=np.float64).reshape(-1, 3)
    # In floating point, which numpy multiplies with BLAS; counts of services are exact far beyond any directory.
    by_answer = [np.rint(served.T @ (asked * answers[:, [k]])) for k in range(3)]  # areas × needs, each answer
    area_totals = np.rint(served.T @ answers)  # areas × the three
    cells, totals = {}, {}
    for i, area in enumerate(areas):
        totals[area.code] = Cell(*map(int, area_totals[i]))
        for j, need in enumerate(needs):
            if by_answer[0][i, j]:
                cells[area.code, need.code] = Cell(*(int(counts[i, j]) for counts in by_answer))
    return cells, totals


def _ones(width: int, positions: list[tuple]) -> np.ndarray:
    """A 0/1 matrix with a row per entry of `positions`, 1 at each position it holds."""
    ones = np.zeros((len(positions), width), dtype=np.float64)
    rows = np.repeat(np.arange(len(positions)), [len(where) for where in positions])
    ones[rows, np.fromiter(chain.from_iterable(positions), dtype=np.int64, count=len(rows))] = 1
    return ones


def _checks(services: list[_Facts], today: date, months: int) -> ChecksSummary:
    dates = [s.last_verified_on for s in services if s.last_verified_on is not None]
    since = months_before(today, months)  # as review.is_overdue judges it
    recent = sum(day >= since for day in dates)
    return ChecksSummary(len(services), recent, months, min(dates, default=None), len(services) - len(dates))


def rows_for_export(result: Coverage) -> Iterable[tuple[Area, TermChoice, Cell]]:
    """One row per area and need, in the matrix's order: what the CSV holds."""
    for area in result.areas:
        for need in result.needs:
            yield area, need, result.cell(area, need)
