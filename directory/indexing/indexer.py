"""This app host's index, following the change log: caught up before it answers, rebuilt when it cannot be."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlmodel import select

from directory.indexing.changes import Position, changes_since, prune, register, seen, starting_position
from directory.indexing.documents import INDEX_LOADS, database_fingerprint, indexable_services, service_document
from directory.models import Service
from directory.places.gazetteer import Gazetteer
from search import Hit, IndexMissing, SearchEngine, SearchRequest, SearchResults

log = logging.getLogger(__name__)
_INDEX_ATTEMPTS = 3
# A search applies at most this many lines of the log first, so no visitor waits on a big import;
# the rest is applied by the next searches, or by the editor's own request.
SEARCH_DRAIN_LIMIT = 50
# A rebuild of this many services or more indexes in REBUILD_PROCESSES processes (see search.index); a smaller
# one in this process, as starting processes would cost more than it saves.
PARALLEL_REBUILD_FROM = 2_000
REBUILD_PROCESSES = 2
# A search waits this long for another worker already bringing the index up to date, then answers.
SEARCH_LOCK_WAIT_SECONDS = 0.5
# A host with nothing to apply still tells the register it is alive this often...
SEEN_EVERY_SECONDS = 15 * 60
# ...and prunes the log at most this often, after applying lines.
PRUNE_EVERY_SECONDS = 10 * 60
T = TypeVar("T")


@dataclass
class Indexer:
    """Everything that writes or reads this host's index on the directory's behalf."""

    engine: SearchEngine
    gazetteer: Gazetteer
    # An index not seen this long stops holding back pruning, and rebuilds if it comes back.
    forget_after: timedelta = timedelta(days=7)
    _seen_at: float = field(default=float("-inf"), repr=False)
    _pruned_at: float = field(default=float("-inf"), repr=False)

    def rebuild(self, session: Session) -> int:
        """Rebuild the whole index from the database; returns how many services it holds. Commits.

        It holds the index's lock throughout, so no worker applies lines or moves this index's
        registration meanwhile; it registers first, then reads the services, so pruning waits for it
        and every line logged after its starting position is applied by the next catch-up.
        """
        with self.engine.following(wait_seconds=None):
            position = starting_position(session, time.time())
            register(session, self.engine.identity(), position.low_water(time.time()))
            session.commit()
            documents = (service_document(s, self.gazetteer) for s in indexable_services(session))
            processes = REBUILD_PROCESSES if database_fingerprint(session).count >= PARALLEL_REBUILD_FROM else 1
            count = self.engine.rebuild(documents, position.as_record(), processes)
        self._seen_at = time.monotonic()
        return count

    def is_current(self, session: Session) -> bool:
        """False when the index is missing, of an older schema, or no longer matches the database."""
        return self.engine.is_usable() and self.engine.fingerprint().matches(database_fingerprint(session))

    def ensure(self, session: Session) -> int | None:
        """Catch up with the log, and rebuild if the index cannot or has drifted; returns the count if it rebuilt."""
        try:
            rebuilt = self.catch_up(session)
        except IndexMissing:
            return self.rebuild(session)
        if rebuilt is None and not self.is_current(session):
            return self.rebuild(session)
        return rebuilt

    def catch_up(self, session: Session, limit: int = 20_000, wait_seconds: float = 10.0) -> int | None:
        """Apply the log's new lines (up to `limit`) in one index write; returns the count if it had to rebuild.

        Nothing new is one query. An index with no position, or that the register forgot, rebuilds.
        The write is tried a few times; if it still fails, or another worker holds the index for
        `wait_seconds`, the lines stay in the log for the next catch-up (after the next edit or search).
        Raises IndexMissing if there is no index at all.
        """
        record, now = self.engine.position(), time.time()
        if record is None:
            return self.rebuild(session)
        if time.monotonic() - self._seen_at > SEEN_EVERY_SECONDS:
            if not seen(session, self.engine.identity(), Position.from_record(record).low_water(now)):
                return self._rebuild_forgotten(session)
            session.commit()
            self._seen_at = time.monotonic()
        if not changes_since(session, Position.from_record(record), now, 1):
            return None
        session.commit()  # no read transaction held while waiting for the index
        for attempt in range(_INDEX_ATTEMPTS):
            try:
                with self.engine.following(wait_seconds) as held:
                    if not held:
                        log.info("Another worker is bringing the search index up to date")
                        return None
                    known = self._apply_new_lines(session, limit)
            except IndexMissing:
                raise
            except Exception:  # the database is the truth; the lines wait for the next try
                session.rollback()
                log.warning("Search index update failed (attempt %d)", attempt + 1, exc_info=True)
                time.sleep(0.05 * 2**attempt)
                continue
            if not known:
                return self._rebuild_forgotten(session)
            self._prune_now_and_then(session)
            return None
        return None

    def _apply_new_lines(self, session: Session, limit: int) -> bool:
        """Under the index's lock: apply what is new and register how far the index got.

        False if the register no longer knows this index (it was away too long), which must then rebuild.
        """
        position, now = Position.from_record(self.engine.position() or {"seq": 0}), time.time()
        lines = changes_since(session, position, now, limit)
        if not lines:
            session.commit()
            return True
        ids = {service_id for _, service_id in lines}
        listed = {service.id: service for service in session.exec(
            select(Service).where(Service.id.in_(ids), Service.listed()).options(*INDEX_LOADS)
            .execution_options(populate_existing=True))}
        advanced = position.advanced([seq for seq, _ in lines], now)
        self.engine.apply([service_document(service, self.gazetteer) for service in listed.values()],
                          [str(service_id) for service_id in ids if service_id not in listed], advanced.as_record())
        known = seen(session, self.engine.identity(), advanced.low_water(now))
        session.commit()
        return known

    def _rebuild_forgotten(self, session: Session) -> int:
        session.commit()
        log.warning("The change log's register forgot this search index: rebuilding it")
        return self.rebuild(session)

    def _prune_now_and_then(self, session: Session) -> None:
        if time.monotonic() - self._pruned_at > PRUNE_EVERY_SECONDS:
            self.prune(session)

    def prune(self, session: Session) -> int:
        """Delete the log's lines every index seen lately has passed; returns how many went. Commits."""
        session.commit()  # from a fresh look at the register, not an older transaction's
        pruned = prune(session, self.forget_after)
        session.commit()
        self._pruned_at = time.monotonic()
        return pruned

    def is_behind(self, session: Session) -> bool:
        """True when the log holds a line this index has not applied (or the index has no position)."""
        record = self.engine.position()
        behind = record is None or bool(changes_since(session, Position.from_record(record), time.time(), 1))
        session.commit()
        return behind

    def health(self, session: Session) -> str | None:
        """Why this host should not take visitors now, in a few words; None when it should.

        It catches up first, as a search would (rebuilding a missing index), so a host that has only
        fallen behind answers again, and one the balancer took out of service mends itself.
        """
        try:
            session.connection().exec_driver_sql("SELECT 1")
        except SQLAlchemyError:
            session.rollback()
            return "database unreachable"
        try:
            self._catch_up_or_rebuild(session)
            if self.is_behind(session):
                return "search index behind the change log"
            if not self.is_current(session):
                return "search index does not match the database"
        except (IndexMissing, OSError):  # none could be built: the folder cannot be written
            log.warning("This host has no usable search index", exc_info=True)
            return "search index unavailable"
        return None

    def search(self, session: Session, request: SearchRequest) -> SearchResults:
        return self._read(session, lambda: self.engine.search(request))

    def round_the_clock(self, session: Session, text: str, general_needs: tuple[str, ...], limit: int) -> list[Hit]:
        """Services open 24 hours for what the words ask about (see search.query.round_the_clock)."""
        return self._read(session, lambda: self.engine.round_the_clock(text, general_needs, limit))

    def all_matching(self, session: Session, request: SearchRequest) -> list[Hit]:
        """Every hit unpaged (for the API and the pathway): it finds what the public search finds."""
        return self._read(session, lambda: self.engine.all_matching(request))

    def _read(self, session: Session, query: Callable[[], T]) -> T:
        """Catch up with the log first and rebuild a missing index: the database can always answer."""
        self._catch_up_or_rebuild(session)
        try:
            return query()
        except IndexMissing:  # removed meanwhile
            self.rebuild(session)
            session.commit()  # no lock held while a long answer streams
            return query()

    def _catch_up_or_rebuild(self, session: Session) -> None:
        try:
            self.catch_up(session, limit=SEARCH_DRAIN_LIMIT, wait_seconds=SEARCH_LOCK_WAIT_SECONDS)
        except IndexMissing:
            self.rebuild(session)
            session.commit()
