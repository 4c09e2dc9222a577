"""What the search index holds for a service, and how to tell whether it still matches the database.

Only active services are indexed, so nothing else can ever come out of a public search.
A confidential place (one any confidential service uses, see listings/confidentiality.py)
is indexed at a coarse point (the town of its address, or the centre of the area the
service serves), never at its own coordinates, whichever service it is indexed for.
"""

import hashlib
from datetime import datetime, timezone

from sqlalchemy.orm import Session, joinedload, selectinload
from sqlmodel import func, select

from directory.conditions import CONDITIONS, confirmed_flags, filter_choices
from directory.listings.confidentiality import (
    has_confidential_place,
    location_is_confidential,
    place_loads,
    public_links,
)
from directory.listings.hours import weekly_opening
from directory.models import Attribute, Location, Service, ServiceAtLocation
from directory.places.gazetteer import Gazetteer
from search import Fingerprint
from search.distance import Point
from search.synonyms import normalise_words


def _milliseconds(moment: datetime) -> int:
    """Epoch milliseconds; the database may hand back naive datetimes, which are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def document_shape(conditions=CONDITIONS) -> str:
    """What decides a search document's flags: the filterable conditions. A change rebuilds the index."""
    return hashlib.sha256(",".join(flag for flag, _ in filter_choices(conditions)).encode()).hexdigest()[:16]


def service_flags(service: Service) -> list[str]:
    """The yes-only facts a search can filter on: unknown and no never appear here."""
    flags = confirmed_flags(service)
    if service.national_helpline:
        flags.append("national_helpline")
    return flags


def terms_of(service: Service, link_type: str) -> list:
    return [a.taxonomy_term for a in service.attributes if a.link_type == link_type]


def service_area_code(area, gazetteer: Gazetteer) -> str | None:
    """The ONS code a service area stands for: from its URI, else from its name."""
    if area.uri:
        return area.uri.rstrip("/").rsplit("/", 1)[-1]
    return gazetteer.area_code_for_name(area.name or "")


def _ranking_point(service: Service, gazetteer: Gazetteer) -> Point | None:
    """Where to measure distances from: the first publishable located place, else a coarse point.

    A confidential place only ever gives the centre of its town (or of the service's area).
    """
    for link in public_links(service):
        location = link.location
        if location.latitude is not None and location.longitude is not None:
            return Point(location.latitude, location.longitude)
    for link in service.service_at_locations:
        if location_is_confidential(link.location):
            for address in link.location.addresses:
                coarse = gazetteer.coarse_point(address.city)
                if coarse:
                    return coarse
    if has_confidential_place(service):
        for area in service.service_areas:
            coarse = gazetteer.coarse_point(area.name or "")
            if coarse:
                return coarse
    return None


def service_document(service: Service, gazetteer: Gazetteer) -> dict:
    """The search document for one service: the only shape search/ ever sees."""
    needs = terms_of(service, "need")
    point = None if service.national_helpline else _ranking_point(service, gazetteer)
    spelling = " ".join(
        filter(None, [service.name, service.organization.name, *(t.name for t in needs), service.description])
    )
    return {
        "id": str(service.id),
        "name": service.name,
        "name_exact": " ".join(normalise_words(service.name)),
        "alternate_name": service.alternate_name or "",
        "organization": service.organization.name,
        "needs_text": " ".join(t.name for t in needs),
        "description": service.description or "",
        "details": " ".join(
            filter(
                None,
                [
                    service.eligibility_description,
                    service.application_process,
                    service.interpretation_services,
                    *(area.name for area in service.service_areas),
                ],
            )
        ),
        "spelling": spelling,
        "needs": ",".join(t.code for t in needs if t.code),
        "audience": ",".join(t.code for t in terms_of(service, "audience") if t.code),
        "delivery": ",".join(t.code for t in terms_of(service, "delivery") if t.code),
        "languages": ",".join(language.code for language in service.languages if language.code),
        "flags": ",".join(service_flags(service)),
        "areas": ",".join(filter(None, (service_area_code(area, gazetteer) for area in service.service_areas))),
        "name_sort": service.name.casefold(),
        "modified": _milliseconds(service.last_modified),
        "latitude": point.latitude if point else None,
        "longitude": point.longitude if point else None,
        "opening": weekly_opening(service.schedules),
    }


INDEX_LOADS = (
    joinedload(Service.organization),
    selectinload(Service.attributes).joinedload(Attribute.taxonomy_term),
    selectinload(Service.languages),
    selectinload(Service.service_areas),
    selectinload(Service.schedules),
    selectinload(Service.service_at_locations)
    .joinedload(ServiceAtLocation.location)
    .selectinload(Location.addresses),
    *place_loads(),
)


def indexable_services(session: Session):
    return session.exec(select(Service).where(Service.listed()).options(*INDEX_LOADS))


def database_fingerprint(session: Session) -> Fingerprint:
    count, newest = session.exec(
        select(func.count(Service.id), func.max(Service.last_modified)).where(
            Service.listed()
        )
    ).one()
    return Fingerprint(count, _milliseconds(newest) if newest else 0)
