"""Which places may be published: the one rule every public output follows (pages, search, API, exports).

Confidentiality is a service's flag, but an address belongs to a location, and HSDS lets services
share locations. So a place is confidential if ANY service there is confidential: a refuge's
address stays hidden on every other service's page, API record, export and search entry too,
however the link came about (an older import, say). Outputs ask these functions, never
`service.confidential_location` alone, whenever an address, a place's name or coordinates are at stake.
"""

import uuid

from sqlalchemy.orm import Session, aliased, selectinload
from sqlmodel import select

from directory.models import Location, Service, ServiceAtLocation


def location_is_confidential(location: Location) -> bool:
    """Whether any service at this place, public or not, keeps its address confidential."""
    return any(link.service.confidential_location for link in location.service_links)


def public_links(service: Service) -> list[ServiceAtLocation]:
    """The service's places that may be published: none for a confidential service, and never a refuge's place."""
    if service.confidential_location:
        return []
    return [link for link in service.service_at_locations if not location_is_confidential(link.location)]


def has_confidential_place(service: Service) -> bool:
    """Whether anything said about where the service is (a distance, a ranking point) must stay coarse."""
    return service.confidential_location or any(
        location_is_confidential(link.location) for link in service.service_at_locations)


def services_with_confidential_place(session: Session, service_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these services `has_confidential_place`, in one query: the same rule, for a list of results."""
    if not service_ids:
        return set()
    theirs = aliased(ServiceAtLocation)
    sharing = (select(ServiceAtLocation.service_id)
               .join(theirs, theirs.location_id == ServiceAtLocation.location_id)
               .join(Service, Service.id == theirs.service_id)
               .where(ServiceAtLocation.service_id.in_(service_ids), Service.confidential_location.is_(True)))
    own = select(Service.id).where(Service.id.in_(service_ids), Service.confidential_location.is_(True))
    return set(session.execute(sharing.union(own)).scalars())


def with_place_services(path):
    """A loader option that brings the services at each place along (for location_is_confidential)."""
    return path.selectinload(Location.service_links).joinedload(ServiceAtLocation.service)


def place_loads():
    """Load options for a service's places with what the rule needs, in a few queries."""
    return (with_place_services(selectinload(Service.service_at_locations).joinedload(ServiceAtLocation.location)),)
