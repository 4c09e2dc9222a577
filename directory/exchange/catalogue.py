"""What the Open Referral API lists: public records, filtered and paged. No Flask here.

Words and places go through the same search layer as the public pages, so the same query
finds the same services; the other filters (taxonomy, organisation, dates, ages) are exact
and applied in the database, and opening hours are read from the schedules as the public pages
read them (listings/hours.py). All filters combine with AND, as HSDS requires.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from math import ceil

from sqlalchemy.orm import Session, selectinload
from sqlmodel import and_, exists, or_, select

from directory.exchange.openreferral import (
    ACCESS_TAXONOMY_ID,
    ACCESS_TAXONOMY_NAME,
    ACCESS_TERMS,
    access_taxonomy_json,
    access_term_json,
    taxonomy_json,
    taxonomy_term_json,
)
from directory.indexing import Indexer
from directory.listings.confidentiality import location_is_confidential, with_place_services
from directory.listings.hours import OpeningWindow, open_during, weekly_opening
from directory.listings.queries import find_place, public_services_in_order
from directory.models import (
    Attribute,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.places.gazetteer import Place, normalise_postcode
from search import SearchRequest

METRES_PER_MILE = 1609.344


@dataclass(frozen=True)
class ServiceFilters:
    search: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    postcode: str | None = None
    proximity_metres: float | None = None
    opening: OpeningWindow | None = None


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, everything: list, page: int, per_page: int | None) -> "Page":
        """One page; a per_page of None puts every record on the first."""
        per_page = per_page or max(1, len(everything))
        start = (page - 1) * per_page
        return cls(everything[start : start + per_page], len(everything), page, per_page)

    def envelope(self, contents: list[dict]) -> dict:
        """HSDS's page, and the page size used: a consumer who asked for more than the most we serve sees it here."""
        pages = max(1, ceil(self.total / self.per_page))
        return {
            "total_items": self.total,
            "total_pages": pages,
            "page_number": self.page,
            "size": len(contents),
            "per_page": self.per_page,
            "first_page": self.page == 1,
            "last_page": self.page >= pages,
            "empty": not contents,
            "contents": contents,
        }


def _has_term(term_id: uuid.UUID):
    return exists().where(Attribute.link_id == Service.id, Attribute.link_entity == "service",
                          Attribute.taxonomy_term_id == term_id)


def _has_taxonomy(taxonomy_id: uuid.UUID):
    return exists().where(Attribute.link_id == Service.id, Attribute.link_entity == "service",
                          Attribute.taxonomy_term_id == TaxonomyTerm.id, TaxonomyTerm.taxonomy_id == taxonomy_id)


def _exact_conditions(filters: ServiceFilters) -> list:
    conditions = [Service.listed()]
    if filters.organization_id:
        conditions.append(Service.organization_id == filters.organization_id)
    if filters.modified_after:
        moment = filters.modified_after
        conditions.append(Service.last_modified >= (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)))
    # Our access-condition taxonomy describes every service, so filtering by it keeps them all.
    if filters.taxonomy_term_id and filters.taxonomy_term_id not in {t[0] for t in ACCESS_TERMS.values()}:
        conditions.append(_has_term(filters.taxonomy_term_id))
    if filters.taxonomy_id and filters.taxonomy_id != ACCESS_TAXONOMY_ID:
        conditions.append(_has_taxonomy(filters.taxonomy_id))
    if filters.minimum_age is not None:
        conditions.append(or_(Service.maximum_age.is_(None), Service.maximum_age >= filters.minimum_age))
    if filters.maximum_age is not None:
        conditions.append(or_(Service.minimum_age.is_(None), Service.minimum_age <= filters.maximum_age))
    return conditions


def _search_request(filters: ServiceFilters, place: Place | None) -> SearchRequest | None:
    """The search-layer request for words and place; None when there are neither."""
    if place is None:
        return SearchRequest(text=filters.search) if filters.search else None
    # Without a proximity, a postcode is a coverage check: only services whose area covers it.
    radius = filters.proximity_metres / METRES_PER_MILE if filters.proximity_metres is not None else 0.0
    return SearchRequest(text=filters.search, point=place.point, radius_miles=radius, area_codes=place.area_codes)


def matching_service_ids(session: Session, indexer: Indexer, filters: ServiceFilters) -> list[uuid.UUID]:
    """Ids of public services matching every filter: in search order given words or a place, else by name."""
    place = None
    if filters.postcode:
        place = find_place(session, indexer.gazetteer, normalise_postcode(filters.postcode) or "").place
        if place is None:
            return []  # a postcode nobody can place finds nothing
    conditions = _exact_conditions(filters)
    exact = select(Service.id).where(and_(*conditions))
    request = _search_request(filters, place)
    if request is None:
        found = list(session.exec(exact.order_by(Service.name, Service.id)).all())
    else:
        ranked = dict.fromkeys(uuid.UUID(hit.service_id) for hit in indexer.all_matching(session, request))
        # With only "active", the index holds nothing else.
        allowed = set(session.exec(exact).all()) if len(conditions) > 1 else ranked
        found = [service_id for service_id in ranked if service_id in allowed]
    return _open_during(session, found, filters.opening) if filters.opening else found


def _open_during(session: Session, service_ids: list[uuid.UUID], window: OpeningWindow) -> list[uuid.UUID]:
    """The services, in order, whose recorded weekly hours meet the window (none recorded: not known to be open)."""
    schedules = defaultdict(list)
    for schedule in session.exec(select(Schedule.service_id, Schedule.freq, Schedule.byday, Schedule.opens_at,
                                        Schedule.closes_at).where(Schedule.service_id.in_(service_ids))):
        schedules[schedule.service_id].append(schedule)
    return [service_id for service_id in service_ids if open_during(weekly_opening(schedules[service_id]), window)]


def services_page(session: Session, indexer: Indexer, filters: ServiceFilters, page: int, per_page: int | None,
                  nested: bool) -> Page:
    """One page of matching services, loading only that page's records (and only what the shape needs)."""
    ids = Page.of(matching_service_ids(session, indexer, filters), page, per_page)
    return Page(public_services_in_order(session, [str(i) for i in ids.items], nested), ids.total, page,
                ids.per_page)


def services_in_batches(session: Session, indexer: Indexer, filters: ServiceFilters, nested: bool,
                        batch: int = 200):
    """Every matching service, loaded a batch at a time (for streaming ndjson)."""
    ids = matching_service_ids(session, indexer, filters)
    for start in range(0, len(ids), batch):
        yield from public_services_in_order(session, [str(i) for i in ids[start : start + batch]], nested)


def _is_public(link: ServiceAtLocation) -> bool:
    """A public service at a place that may be published (no confidential service is there)."""
    return link.service.is_public and not location_is_confidential(link.location)


def public_links(session: Session, indexer: Indexer, filters: ServiceFilters) -> list[ServiceAtLocation]:
    """Service-at-locations of public services at publishable places, in the services' order."""
    order = {service_id: rank for rank, service_id in enumerate(matching_service_ids(session, indexer, filters))}
    links = session.exec(
        select(ServiceAtLocation)
        .where(ServiceAtLocation.service_id.in_(list(order)))
        .options(selectinload(ServiceAtLocation.service).selectinload(Service.organization),
                 selectinload(ServiceAtLocation.location).selectinload(Location.addresses),
                 selectinload(ServiceAtLocation.location).selectinload(Location.accessibility),
                 with_place_services(selectinload(ServiceAtLocation.location)))
    ).all()
    return sorted((link for link in links if _is_public(link)), key=lambda link: (order[link.service_id], str(link.id)))


def public_link(session: Session, link_id: uuid.UUID) -> ServiceAtLocation | None:
    link = session.get(ServiceAtLocation, link_id)
    return link if link is not None and _is_public(link) else None


def _public_organization_ids(session: Session):
    return select(Service.organization_id).where(Service.listed())


def public_organizations(session: Session, search: str) -> list[Organization]:
    """Organisations with at least one public service."""
    query = select(Organization).where(Organization.id.in_(_public_organization_ids(session)))
    if search:
        query = query.where(Organization.name.ilike(f"%{search}%"))
    return list(session.exec(query.order_by(Organization.name, Organization.id)).all())


def public_services_of(session: Session, organizations: list[Organization],
                       nested: bool) -> list[tuple[Organization, list[Service]]]:
    """Each organisation with its public services by name, loaded together (fully, for the nested shape)."""
    ids = session.exec(
        select(Service.id).where(Service.organization_id.in_([o.id for o in organizations]), Service.listed())
        .order_by(Service.name, Service.id)
    ).all()
    services = defaultdict(list)
    for service in public_services_in_order(session, [str(i) for i in ids], nested):
        services[service.organization_id].append(service)
    return [(organization, services[organization.id]) for organization in organizations]


def public_organization(session: Session, organization_id: uuid.UUID,
                        nested: bool = False) -> tuple[Organization, list[Service]] | None:
    organization = session.get(Organization, organization_id)
    if organization is None:
        return None
    ((_, services),) = public_services_of(session, [organization], nested)
    return (organization, services) if services else None


def _matches(text: str, search: str) -> bool:
    return not search or search.casefold() in text.casefold()


def taxonomy_list(session: Session, search: str) -> list[dict]:
    """Our taxonomies, with the access-condition taxonomy the API publishes besides them."""
    stored = session.exec(select(Taxonomy).order_by(Taxonomy.name)).all()
    listed = [taxonomy_json(t) for t in stored if _matches(t.name, search)]
    return listed + ([access_taxonomy_json()] if _matches(ACCESS_TAXONOMY_NAME, search) else [])


def find_taxonomy(session: Session, taxonomy_id: uuid.UUID) -> dict | None:
    if taxonomy_id == ACCESS_TAXONOMY_ID:
        return access_taxonomy_json()
    taxonomy = session.get(Taxonomy, taxonomy_id)
    return taxonomy_json(taxonomy) if taxonomy else None


def taxonomy_term_list(session: Session, search: str, taxonomy_id: uuid.UUID | None, parent_id: uuid.UUID | None,
                       top_only: bool) -> list[dict]:
    query = select(TaxonomyTerm).order_by(TaxonomyTerm.taxonomy, TaxonomyTerm.name)
    if taxonomy_id:
        query = query.where(TaxonomyTerm.taxonomy_id == taxonomy_id)
    if parent_id:
        query = query.where(TaxonomyTerm.parent_id == parent_id)
    if top_only:
        query = query.where(TaxonomyTerm.parent_id.is_(None))
    listed = [taxonomy_term_json(t) for t in session.exec(query).all() if _matches(t.name, search)]
    if taxonomy_id in (None, ACCESS_TAXONOMY_ID) and parent_id is None:
        listed += [access_term_json(code) for code, (_, name, _) in ACCESS_TERMS.items() if _matches(name, search)]
    return listed


def find_taxonomy_term(session: Session, term_id: uuid.UUID) -> dict | None:
    for code, (access_id, _, _) in ACCESS_TERMS.items():
        if access_id == term_id:
            return access_term_json(code)
    term = session.get(TaxonomyTerm, term_id)
    return taxonomy_term_json(term) if term else None
