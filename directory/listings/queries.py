"""Reading the directory, as plain functions taking a session: what pages, forms and the API show.

Nothing here writes: changes go through editing.py, which records history and queues the index.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session, joinedload, selectinload
from sqlmodel import SQLModel, func, select

from directory.listings.confidentiality import place_loads
from directory.models import (
    Attribute,
    Language,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.places.gazetteer import Gazetteer, Place, Resolution
from directory.places.postcodes import postcode_point
from search.distance import Point

NEEDS_TAXONOMY = "Safe Space Sussex needs"
AUDIENCE_TAXONOMY = "Safe Space Sussex audience"
DELIVERY_TAXONOMY = "Safe Space Sussex delivery"

# Everything a service page or the listing editor shows, loaded in a few queries: each list in a query of its
# own, and what a row points to (organisation, term, place) joined to that row's query.
SERVICE_PAGE_LOADS = (
    joinedload(Service.organization),
    selectinload(Service.phones),
    selectinload(Service.contacts),
    selectinload(Service.schedules),
    selectinload(Service.service_areas),
    selectinload(Service.languages),
    selectinload(Service.attributes).joinedload(Attribute.taxonomy_term),
    selectinload(Service.service_at_locations)
    .joinedload(ServiceAtLocation.location)
    .selectinload(Location.addresses),
    selectinload(Service.service_at_locations)
    .joinedload(ServiceAtLocation.location)
    .selectinload(Location.accessibility),
    *place_loads(),
)


def parse_id(text: str) -> uuid.UUID | None:
    """A UUID from a URL, or None for anything else (so it is a 404, never a 500)."""
    try:
        return uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return None


def public_service(session: Session, service_id: uuid.UUID) -> Service | None:
    """An active service with everything its page shows, or None (unknown or not public)."""
    service = session.exec(
        select(Service).where(Service.id == service_id).options(*SERVICE_PAGE_LOADS)
    ).first()
    return service if service is not None and service.is_public else None


def public_services_in_order(session: Session, service_ids: list[str], nested: bool = True) -> list[Service]:
    """Active services for a page of search hits, in the order the search ranked them.

    `nested=False` loads only what a list of names needs (the API's list shape).
    """
    ids = [uuid.UUID(value) for value in service_ids]
    found = session.exec(
        select(Service)
        .where(Service.id.in_(ids), Service.listed())
        .options(*(SERVICE_PAGE_LOADS if nested else (selectinload(Service.organization),)))
    ).all()
    by_id = {service.id: service for service in found}
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class TermChoice:
    code: str
    name: str
    description: str = ""


def terms_in(session: Session, taxonomy_name: str) -> list[TermChoice]:
    """The terms of one of our taxonomies, in a stable order, for browsing and filters."""
    rows = session.exec(
        select(TaxonomyTerm.code, TaxonomyTerm.name, TaxonomyTerm.description)
        .join(Taxonomy, TaxonomyTerm.taxonomy_id == Taxonomy.id)
        .where(Taxonomy.name == taxonomy_name, TaxonomyTerm.code.is_not(None))
        .order_by(TaxonomyTerm.name)
    ).all()  # columns, not whole terms: every search page asks this three times
    return [TermChoice(code, name, description) for code, name, description in rows]


def spoken_languages(session: Session) -> list[TermChoice]:
    """Languages that at least one public service offers, by name."""
    rows = session.exec(
        select(Language.code, func.min(Language.name))
        .join(Service, Language.service_id == Service.id)
        .where(Service.listed(), Language.code.is_not(None))
        .group_by(Language.code)
        .order_by(func.min(Language.name))
    ).all()
    return [TermChoice(code, name or code) for code, name in rows]


def listed_service_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every public service, by name: for choosing one in a form."""
    rows = session.exec(select(Service.id, Service.name).where(Service.listed()).order_by(Service.name)).all()
    return [(str(service_id), name) for service_id, name in rows]


def organisation_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of every organisation, by name: for choosing one in a form."""
    rows = session.exec(select(Organization.id, Organization.name).order_by(Organization.name)).all()
    return [(str(organisation_id), name) for organisation_id, name in rows]


def directory_is_empty(session: Session) -> bool:
    return session.exec(select(func.count(Service.id))).one() == 0


def find_place(session: Session, gazetteer: Gazetteer, where: str, online=None) -> Resolution:
    """Resolve what someone typed in "where": the postcode table first, then the gazetteer."""
    return gazetteer.resolve(where, postcode_lookup=lambda postcode: postcode_point(session, postcode),
                             online=online)


def place_for_search(session: Session, gazetteer: Gazetteer, where: str, browser_point: Point | None,
                     online=None) -> tuple[Resolution | None, Place | None]:
    """Where to search from: the browser's (already rounded) position, else what was typed."""
    if browser_point is not None:
        return None, gazetteer.around(browser_point)
    if not where.strip():
        return None, None
    resolution = find_place(session, gazetteer, where, online)
    return resolution, resolution.place


# -- what staff browse and edit -----------------------------------------------------------------

OUR_TAXONOMIES = (NEEDS_TAXONOMY, AUDIENCE_TAXONOMY, DELIVERY_TAXONOMY)


def all_services(session: Session, text: str = "", state: str = "") -> list[Service]:
    """Every listing for the staff list, public or not, filtered by name and editorial state."""
    query = select(Service).options(selectinload(Service.organization)).order_by(Service.name)
    if text:
        query = query.where(Service.name.ilike(f"%{text}%"))
    if state == "draft":
        query = query.where(Service.draft.is_not(None) | Service.published.is_(False))
    elif state == "unpublished":
        query = query.where(Service.published.is_(False))
    elif state == "published":
        query = query.where(Service.published.is_(True))
    return list(session.exec(query))


def organisations_with_listing_counts(session: Session) -> tuple[list[Organization], dict[uuid.UUID, int]]:
    """Every organisation by name, and how many listings (public or not) each has."""
    counts = dict(session.exec(
        select(Service.organization_id, func.count(Service.id)).group_by(Service.organization_id)).all())
    return list(session.exec(select(Organization).order_by(Organization.name))), counts


def organisation_by_id(session: Session, organisation_id: uuid.UUID) -> Organization | None:
    return session.get(Organization, organisation_id)


def services_of(session: Session, organisation_id: uuid.UUID) -> list[Service]:
    """An organisation's listings, public or not, by name."""
    return list(session.exec(select(Service).where(Service.organization_id == organisation_id).order_by(Service.name)))


def our_taxonomies(session: Session) -> list[Taxonomy]:
    """The taxonomies editors keep (needs, audience, delivery), by name."""
    return list(session.exec(select(Taxonomy).where(Taxonomy.name.in_(OUR_TAXONOMIES)).order_by(Taxonomy.name)))


def terms_by_taxonomy(session: Session, taxonomies: list[Taxonomy]) -> dict[uuid.UUID, list[TaxonomyTerm]]:
    return {taxonomy.id: list(session.exec(select(TaxonomyTerm).where(TaxonomyTerm.taxonomy_id == taxonomy.id)
                                           .order_by(TaxonomyTerm.name))) for taxonomy in taxonomies}


def term_by_id(session: Session, term_id: uuid.UUID) -> TaxonomyTerm | None:
    return session.get(TaxonomyTerm, term_id)


def term_code_taken(session: Session, taxonomy_id: uuid.UUID, code: str) -> bool:
    """Whether a list already has a term with this code: codes are what filters and links use."""
    return session.exec(select(TaxonomyTerm.id).where(TaxonomyTerm.taxonomy_id == taxonomy_id,
                                                      TaxonomyTerm.code == code)).first() is not None


def current_record(session: Session, record: SQLModel) -> SQLModel | None:
    """The record as the database has it now (after someone else's save)."""
    return session.get(type(record), record.id)
