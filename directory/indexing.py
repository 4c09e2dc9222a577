"""Keeping the search index a faithful copy of the database.

Only active services are indexed, so nothing else can ever come out of a public search.
A confidential place (one any confidential service uses, see listings/confidentiality.py)
is indexed at a coarse point (the town of its address, or the centre of the area the
service serves), never at its own coordinates, whichever service it is indexed for.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TypeVar

from sqlalchemy import bindparam
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlmodel import delete, func, select, update

from directory.conditions import CONDITIONS, confirmed_flags, filter_choices
from directory.listings.confidentiality import (
    has_confidential_place,
    location_is_confidential,
    place_loads,
    public_links,
)
from directory.listings.hours import weekly_opening
from directory.models import (
    Attribute,
    IndexOutbox,
    Location,
    Service,
    ServiceAtLocation,
    utc_now,
)
from directory.places.gazetteer import Gazetteer
from search import Fingerprint, Hit, IndexMissing, SearchEngine, SearchRequest, SearchResults
from search.distance import Point
from search.synonyms import normalise_words

log = logging.getLogger(__name__)
_INDEX_ATTEMPTS = 3
# A search refreshes at most this many waiting entries first, so no visitor waits on a big import.
SEARCH_DRAIN_LIMIT = 50
T = TypeVar("T")
# A rebuild of this many services or more indexes in REBUILD_PROCESSES processes (see search.index); a smaller
# one in this process, as starting processes would cost more than it saves.
PARALLEL_REBUILD_FROM = 2_000
REBUILD_PROCESSES = 2


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


_INDEX_LOADS = (
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


def indexable_documents(session: Session, gazetteer: Gazetteer) -> Iterator[dict]:
    """The search document of every active service: what a full rebuild indexes."""
    for service in session.exec(select(Service).where(Service.listed()).options(*_INDEX_LOADS)):
        yield service_document(service, gazetteer)


def database_fingerprint(session: Session) -> Fingerprint:
    count, newest = session.exec(
        select(func.count(Service.id), func.max(Service.last_modified)).where(
            Service.listed()
        )
    ).one()
    return Fingerprint(count, _milliseconds(newest) if newest else 0)


@dataclass
class Indexer:
    """Everything that writes or reads the index on the directory's behalf."""

    engine: SearchEngine
    gazetteer: Gazetteer

    def rebuild(self, session: Session) -> int:
        """Rebuild the whole index from the database; returns how many services it holds.

        Changes queued before the rebuild began are in it, so they leave the outbox (the caller commits).
        """
        started = utc_now()
        processes = REBUILD_PROCESSES if database_fingerprint(session).count >= PARALLEL_REBUILD_FROM else 1
        count = self.engine.rebuild(indexable_documents(session, self.gazetteer), processes)
        session.exec(delete(IndexOutbox).where(IndexOutbox.queued_at <= started))
        return count

    def is_current(self, session: Session) -> bool:
        """False when the index is missing, of an older schema, or no longer matches the database."""
        return self.engine.is_usable() and self.engine.fingerprint().matches(database_fingerprint(session))

    def ensure(self, session: Session) -> int | None:
        """Rebuild the index if it has drifted from the database; returns the count if it rebuilt."""
        return None if self.is_current(session) else self.rebuild(session)

    def drain(self, session: Session, limit: int = 20_000) -> int:
        """Refresh the entries committed changes queued, in one index write; returns how many still wait.

        The write is tried a few times (another worker may hold the index's lock); if it still
        fails the entries stay queued, and the next drain (after the next edit or search) retries.
        """
        queued = session.exec(select(IndexOutbox.service_id, IndexOutbox.queued_at)
                              .order_by(IndexOutbox.queued_at).limit(limit)).all()
        session.commit()  # read, then index from what is committed now
        if not queued:
            return 0
        ids = [service_id for service_id, _ in queued]
        listed = {service.id: service for service in session.exec(
            select(Service).where(Service.id.in_(ids), Service.listed()).options(*_INDEX_LOADS)
            .execution_options(populate_existing=True))}
        documents = [service_document(service, self.gazetteer) for service in listed.values()]
        gone = [str(service_id) for service_id in ids if service_id not in listed]
        # Only the entries that were read: a change queued meanwhile keeps its row for the next drain.
        this_entry = (IndexOutbox.service_id == bindparam("read_id")) & (IndexOutbox.queued_at == bindparam("read_at"))
        entries = [{"read_id": service_id, "read_at": queued_at} for service_id, queued_at in queued]
        for attempt in range(_INDEX_ATTEMPTS):
            try:
                self.engine.apply(documents, gone)
            except Exception:  # the database changes are safe; the entries wait for the next try
                log.warning("Search index update failed (attempt %d)", attempt + 1, exc_info=True)
                time.sleep(0.05 * 2**attempt)
            else:
                session.connection().execute(delete(IndexOutbox).where(this_entry), entries)
                session.commit()
                return 0
        session.connection().execute(
            update(IndexOutbox).where(this_entry).values(attempts=IndexOutbox.attempts + 1), entries)
        session.commit()
        return len(queued)

    def has_pending(self, session: Session) -> bool:
        return session.exec(select(IndexOutbox.service_id).limit(1)).first() is not None

    def search(self, session: Session, request: SearchRequest) -> SearchResults:
        return self._read(session, lambda: self.engine.search(request))

    def round_the_clock(self, session: Session, text: str, general_needs: tuple[str, ...], limit: int) -> list[Hit]:
        """Services open 24 hours for what the words ask about (see search.query.round_the_clock)."""
        return self._read(session, lambda: self.engine.round_the_clock(text, general_needs, limit))

    def all_matching(self, session: Session, request: SearchRequest) -> list[Hit]:
        """Every hit unpaged (for the API and the pathway): it finds what the public search finds."""
        return self._read(session, lambda: self.engine.all_matching(request))

    def _read(self, session: Session, query: Callable[[], T]) -> T:
        """Refresh queued changes first and rebuild a missing index: the database can always answer."""
        if self.has_pending(session):
            self.drain(session, limit=SEARCH_DRAIN_LIMIT)
        try:
            return query()
        except IndexMissing:
            self.rebuild(session)
            session.commit()  # the outbox rows the rebuild covered: no lock held while a long answer streams
            return query()
