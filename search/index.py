"""The Whoosh index: a derived cache of the database, built aside and swapped in.

Layout under the index root:
    CURRENT          JSON naming the live generation and the schema version it was built with
    IDENTITY         a random name for this index folder, made once (the caller registers it)
    FOLLOW           the lock a caller holds while it brings the index up to date (see `following`)
    gen-<stamp>/     one complete Whoosh index per generation, with POSITION: what the caller says
                     the generation holds (how far along its change log), written after each commit

A rebuild writes a new generation, then replaces CURRENT atomically, so a crash mid-rebuild
leaves the previous generation answering. Readers never wait for writers (Whoosh segments
are immutable), and a searcher is reopened, never `refresh()`ed: Whoosh forks have a
segment-merge duplication bug in `Searcher.refresh()`, and 2.7.4 is pinned for that reason.
"""

import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.query import Every
from whoosh.support.charset import accent_map
from whoosh.util.filelock import FileLock, try_for

from .synonyms import WORD_PATTERN, SynonymTable, normalise_words

# Bump when the schema or the document shape changes: an index of another version is rebuilt.
SCHEMA_VERSION = 7

WRITER_TIMEOUT_SECONDS = 10.0

_words = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
STEMMED = _words | StopFilter() | StemFilter()
# Unstemmed words, for typo tolerance: a fuzzy match against stems would need a larger edit distance.
PLAIN = _words | StopFilter()

MICRODEGREES = 1_000_000

def opening_text(ranges) -> str:
    """Weekly opening minute ranges as stored: "480-1200 1920-2640"."""
    return " ".join(f"{int(start)}-{int(end)}" for start, end in ranges)


def to_stored(document: dict, synonyms: SynonymTable) -> dict:
    """The document as Whoosh stores it: tagged with its synonym groups, its point in microdegrees.

    Names, needs and the rest are tagged apart, so a service named for what was asked and offering it
    as a need ranks above one that only mentions it; name and needs lengths are kept to weigh a match
    in a short name, or in a service's only need, above one among many words or needs.
    """
    stored = dict(document)
    name_text = " ".join((document["name"], document["alternate_name"]))
    other_text = " ".join((document["organization"], document["description"], document["details"]))
    stored["name_concepts"] = " ".join(sorted(synonyms.groups_in(name_text)))
    stored["need_concepts"] = " ".join(sorted(synonyms.groups_in(document["needs_text"])))
    stored["text_concepts"] = " ".join(sorted(synonyms.groups_in(other_text)))
    stored["name_words"] = len(normalise_words(document["name"]))
    stored["need_count"] = len([code for code in document["needs"].split(",") if code]) or (
        1 if document["needs_text"] else 0)
    stored["opening"] = opening_text(stored.pop("opening", None) or ())
    latitude, longitude = stored.pop("latitude", None), stored.pop("longitude", None)
    if latitude is not None and longitude is not None:
        stored.update(located="yes", latitude=round(latitude * MICRODEGREES), longitude=round(longitude * MICRODEGREES))
    return stored


def column_only(field):
    """A field kept only as a per-document column (read for ranking, sorting and distances), with no terms.

    Nothing searches these fields' terms, and a number's terms (one per precision step, 8 to 16 per value)
    were a third of what a rebuild had to sort and write.
    """
    field.indexed = False
    return field


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        name=TEXT(analyzer=STEMMED),
        name_exact=ID(),
        alternate_name=TEXT(analyzer=STEMMED),
        organization=TEXT(analyzer=STEMMED),
        needs_text=TEXT(analyzer=STEMMED),
        description=TEXT(analyzer=STEMMED),
        details=TEXT(analyzer=STEMMED),
        spelling=TEXT(analyzer=PLAIN, phrase=False),
        name_concepts=KEYWORD(scorable=True),
        need_concepts=KEYWORD(scorable=True),
        text_concepts=KEYWORD(scorable=True),
        name_words=column_only(NUMERIC(numtype=int, bits=32, sortable=True)),
        need_count=column_only(NUMERIC(numtype=int, bits=32, sortable=True)),
        # When the service is open in a week, as minute ranges from Monday 00:00 UK time (see search/opening.py):
        # "open now" depends on the time of the search, so it is filtered at query time, never indexed as a yes.
        opening=column_only(ID(sortable=True)),
        needs=KEYWORD(commas=True, lowercase=True),
        audience=KEYWORD(commas=True, lowercase=True),
        delivery=KEYWORD(commas=True, lowercase=True),
        languages=KEYWORD(commas=True, lowercase=True),
        flags=KEYWORD(commas=True),
        areas=KEYWORD(commas=True),
        name_sort=column_only(ID(sortable=True)),
        modified=column_only(NUMERIC(numtype=int, bits=64, sortable=True, stored=True)),  # epoch milliseconds
        # Position in microdegrees, for a bounding-box pre-filter and fast distance maths from columns.
        # Confidential services carry a coarse point (their town), never their address's.
        located=ID(),
        latitude=column_only(NUMERIC(numtype=int, bits=32, signed=True, sortable=True)),
        longitude=column_only(NUMERIC(numtype=int, bits=32, signed=True, sortable=True)),
    )


@dataclass(frozen=True)
class Fingerprint:
    """Enough to tell whether the index still matches the database, cheaply."""

    count: int
    last_modified_ms: int

    def matches(self, other: "Fingerprint") -> bool:
        return self == other


class SearchIndex:
    """One index root on disk; safe to share between threads of one process."""

    def __init__(self, root: str | os.PathLike, synonyms: SynonymTable, document_shape: str = ""):
        self.root = Path(root)
        self.synonyms = synonyms
        # Whatever else decides what documents hold (the caller's list of flags, say): an index built
        # for another shape is not used, so a change there rebuilds the index instead of drifting.
        self.document_shape = document_shape
        self._lock = threading.Lock()
        self._searcher = None
        self._searcher_generation = None
        self._derived: dict = {}

    # -- generations -------------------------------------------------------------------------

    @property
    def _current_file(self) -> Path:
        return self.root / "CURRENT"

    def _read_current(self) -> dict | None:
        try:
            return json.loads(self._current_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def _is_ours(self, current: dict | None) -> bool:
        """Built by this schema version, with this synonym table (documents are tagged by it) and document shape."""
        return bool(current) and current.get("schema_version") == SCHEMA_VERSION and (
            current.get("synonyms") == self.synonyms.fingerprint) and (
            current.get("document_shape", "") == self.document_shape)

    def is_usable(self) -> bool:
        """True when a complete index of this schema version and synonym table is in place."""
        current = self._read_current()
        return self._is_ours(current) and whoosh_index.exists_in(self.root / current["generation"])

    def _live_generation(self) -> str:
        current = self._read_current()
        if not self._is_ours(current):
            raise IndexMissing(f"No search index of version {SCHEMA_VERSION} under {self.root}")
        return current["generation"]

    def _open(self):
        generation = self._live_generation()
        return generation, whoosh_index.open_dir(self.root / generation)

    def identity(self) -> str:
        """This folder's own random name, made the first time it is asked for (by whichever process is first)."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "IDENTITY"
        if not path.exists():
            temporary = self.root / f"IDENTITY.{uuid.uuid4().hex}"
            temporary.write_text(uuid.uuid4().hex)
            try:
                os.link(temporary, path)  # never replaces one another process made meanwhile
            except FileExistsError:
                pass
            finally:
                temporary.unlink()
        return path.read_text().strip()

    def rebuild(self, documents: Iterable[dict], position: dict | None = None, processes: int = 1) -> int:
        """Build a whole new generation from `documents`, then swap it in. Returns the count.

        `position` is the caller's note of what the documents hold, kept with the generation.
        With `processes` > 1, Whoosh's multiprocess writer indexes batches of documents in that many
        child processes while this one reads the next, and keeps each child's segment as it is (no merge
        pass); a big directory is then rebuilt in a fraction of the time, at the cost of a few segments.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        generation = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path = self.root / generation
        path.mkdir()
        ix = whoosh_index.create_in(path, build_schema())
        count = 0
        parallel = {"procs": processes, "multisegment": True} if processes > 1 else {}
        writer = ix.writer(limitmb=128, **parallel)
        try:
            for document in documents:
                writer.add_document(**to_stored(document, self.synonyms))
                count += 1
            writer.commit(optimize=not parallel)
            with ix.searcher() as searcher:
                # The multiprocess writer drops a child's segment without a word if the child fails.
                if searcher.doc_count() != count:
                    raise RuntimeError(f"The new index holds {searcher.doc_count()} of {count} documents")
        except BaseException:
            writer.cancel()
            shutil.rmtree(path, ignore_errors=True)
            raise
        if position is not None:
            self._write_position(generation, position)
        temporary = self.root / f"CURRENT.{uuid.uuid4().hex}"
        temporary.write_text(json.dumps(
            {"generation": generation, "schema_version": SCHEMA_VERSION, "synonyms": self.synonyms.fingerprint,
             "document_shape": self.document_shape}
        ))
        os.replace(temporary, self._current_file)
        self._remove_old_generations(keep={generation})
        return count

    def _remove_old_generations(self, keep: set[str]) -> None:
        """Keep the live generation and the one before it (a searcher elsewhere may still read it)."""
        generations = sorted(p for p in self.root.glob("gen-*") if p.is_dir())
        stale = [p for p in generations if p.name not in keep][:-1]
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)

    # -- incremental updates -----------------------------------------------------------------

    def upsert(self, document: dict) -> None:
        _, ix = self._open()
        with ix.writer(timeout=WRITER_TIMEOUT_SECONDS) as writer:
            writer.update_document(**to_stored(document, self.synonyms))

    def delete(self, service_id: str) -> None:
        _, ix = self._open()
        with ix.writer(timeout=WRITER_TIMEOUT_SECONDS) as writer:
            writer.delete_by_term("id", service_id)

    def apply(self, documents: list[dict], deleted_ids: list[str], position: dict | None = None) -> None:
        """Many changes in one writer and one commit: a segment per change would make big imports crawl.

        `position`, the caller's note of what the index now holds, is written after the commit: a
        crash between the two only has the same changes applied again.
        """
        generation, ix = self._open()
        with ix.writer(timeout=WRITER_TIMEOUT_SECONDS, limitmb=128) as writer:
            for service_id in deleted_ids:
                writer.delete_by_term("id", service_id)
            for document in documents:
                writer.update_document(**to_stored(document, self.synonyms))
        if position is not None:
            self._write_position(generation, position)

    def position(self) -> dict | None:
        """The note kept with the live generation's last write (None if there is none); IndexMissing if none is live."""
        generation = self._live_generation()
        try:
            return json.loads((self.root / generation / "POSITION").read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def _write_position(self, generation: str, position: dict) -> None:
        temporary = self.root / generation / f"POSITION.{uuid.uuid4().hex}"
        temporary.write_text(json.dumps(position))
        os.replace(temporary, self.root / generation / "POSITION")

    @contextmanager
    def following(self, wait_seconds: float | None):
        """Hold this folder's FOLLOW lock while bringing the index up to date; yields whether it is held.

        The caller reads what is new since `position()`, applies it and records where it got to, all
        under the lock, so two processes sharing the folder never apply older documents over newer ones
        or write positions out of order. It yields False if another process held the lock for
        `wait_seconds` (None: however long it takes).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / "FOLLOW"))
        if wait_seconds is None:
            held = lock.acquire(blocking=True)
        else:
            held = try_for(lock.acquire, timeout=wait_seconds, delay=0.02)
        try:
            yield held
        finally:
            if held:
                lock.release()

    # -- reading -----------------------------------------------------------------------------

    def searcher(self):
        """A searcher on the live generation, reopened when the index has changed."""
        with self._lock:
            current = self._read_current()
            generation = current and current.get("generation")
            stale = (
                self._searcher is None
                or generation != self._searcher_generation
                or not self._searcher.up_to_date()
            )
            if stale:
                if self._searcher is not None:
                    self._searcher.close()
                    self._searcher = None  # if the index has gone, the next call must not reuse a closed one
                self._searcher_generation, ix = self._open()
                self._searcher = ix.searcher()
                self._derived = {}
            return self._searcher

    def derived(self, searcher, name: str, build):
        """A value computed from one searcher (e.g. position arrays), kept until the index changes."""
        with self._lock:
            if searcher is not self._searcher:
                return build(searcher)
            if name not in self._derived:
                self._derived[name] = build(searcher)
            return self._derived[name]

    def fingerprint(self) -> Fingerprint:
        searcher = self.searcher()
        count = searcher.doc_count()
        if not count:
            return Fingerprint(0, 0)
        newest = searcher.search(Every(), limit=1, sortedby="modified", reverse=True)
        return Fingerprint(count, newest[0]["modified"])

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


class IndexMissing(RuntimeError):
    """The index has not been built, or was built by another schema version."""
