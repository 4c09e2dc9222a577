"""Keeping the search index a faithful copy of the database.

Only active services are indexed, so nothing else can ever come out of a public search.
Confidential services are indexed without any coordinates of their own.
"""

from datetime import datetime, timezone

from sqlalchemy.orm import Session, selectinload
from sqlmodel import func, select

from search import Fingerprint, IndexMissing, SearchEngine, SearchRequest, SearchResults
from search.synonyms import normalise_words

from .models import Answer, ImmigrationStatus, Service, ServiceAtLocation, ServiceStatus


def _milliseconds(moment: datetime) -> int:
    """Epoch milliseconds; the database may hand back naive datetimes, which are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def service_flags(service: Service) -> list[str]:
    """The yes-only facts a search can filter on: unknown and no never appear here."""
    flags = []
    if service.immigration_status == ImmigrationStatus.OPEN_TO_ALL:
        flags.append("open_to_all")
    for name in ("nrpf_support", "interpreters", "self_referral", "free", "no_id_needed", "police_independent"):
        if getattr(service, name) == Answer.YES:
            flags.append(name)
    if service.national_helpline:
        flags.append("national_helpline")
    return flags


def terms_of(service: Service, link_type: str) -> list:
    return [a.taxonomy_term for a in service.attributes if a.link_type == link_type]


def _public_point(service: Service) -> tuple[float | None, float | None]:
    if service.confidential_location:
        return None, None
    for link in service.service_at_locations:
        if link.location.latitude is not None and link.location.longitude is not None:
            return link.location.latitude, link.location.longitude
    return None, None


def service_document(service: Service) -> dict:
    """The search document for one service: the only shape search/ ever sees."""
    needs = terms_of(service, "need")
    latitude, longitude = _public_point(service)
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
        "areas": ",".join(area.uri.rsplit("/", 1)[-1] for area in service.service_areas if area.uri),
        "name_sort": service.name.casefold(),
        "modified": _milliseconds(service.last_modified),
        "latitude": latitude,
        "longitude": longitude,
    }


def _indexable_services(session: Session):
    return session.exec(
        select(Service)
        .where(Service.status == ServiceStatus.ACTIVE)
        .options(
            selectinload(Service.organization),
            selectinload(Service.attributes),
            selectinload(Service.languages),
            selectinload(Service.service_areas),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
        )
    )


def rebuild_index(session: Session, engine: SearchEngine) -> int:
    """Rebuild the whole index from the database; returns how many services it holds."""
    return engine.rebuild(service_document(service) for service in _indexable_services(session))


def database_fingerprint(session: Session) -> Fingerprint:
    count, newest = session.exec(
        select(func.count(Service.id), func.max(Service.last_modified)).where(
            Service.status == ServiceStatus.ACTIVE
        )
    ).one()
    return Fingerprint(count, _milliseconds(newest) if newest else 0)


def index_is_current(session: Session, engine: SearchEngine) -> bool:
    """False when the index is missing, of an older schema, or no longer matches the database."""
    return engine.is_usable() and engine.fingerprint().matches(database_fingerprint(session))


def ensure_index(session: Session, engine: SearchEngine) -> int | None:
    """Rebuild the index if it has drifted from the database; returns the count if it rebuilt."""
    if index_is_current(session, engine):
        return None
    return rebuild_index(session, engine)


def reindex_service(session: Session, engine: SearchEngine, service: Service) -> None:
    """Bring one service's entry in line with the database, after its change was committed."""
    if service.status == ServiceStatus.ACTIVE:
        engine.upsert(service_document(service))
    else:
        engine.delete(str(service.id))


def search_services(session: Session, engine: SearchEngine, request: SearchRequest) -> SearchResults:
    """Search, rebuilding the index first if it has gone missing: the database can always answer."""
    try:
        return engine.search(request)
    except IndexMissing:
        rebuild_index(session, engine)
        return engine.search(request)
