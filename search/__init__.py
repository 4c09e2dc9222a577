"""Full-text search over services. Knows nothing of Flask or the database: it is given documents."""

from pathlib import Path

from .index import Fingerprint, IndexMissing, SearchIndex
from .query import Hit, SearchRequest, SearchResults, all_matching, round_the_clock, search
from .synonyms import SynonymTable

__all__ = [
    "Fingerprint",
    "Hit",
    "IndexMissing",
    "SearchEngine",
    "SearchRequest",
    "SearchResults",
]


class SearchEngine:
    """The small interface the rest of the app uses, so another backend could replace Whoosh."""

    def __init__(self, index_dir: str | Path, synonyms_file: str | Path, document_shape: str = "",
                 synonyms_dir: str | Path | None = None):
        # The index is tagged by the whole table (English and every language), so a change to any file rebuilds it.
        self.synonyms = SynonymTable.from_files(synonyms_file, synonyms_dir)
        self.index = SearchIndex(index_dir, self.synonyms, document_shape)

    def is_usable(self) -> bool:
        return self.index.is_usable()

    def identity(self) -> str:
        return self.index.identity()

    def rebuild(self, documents, position: dict | None = None, processes: int = 1) -> int:
        return self.index.rebuild(documents, position, processes)

    def upsert(self, document: dict) -> None:
        self.index.upsert(document)

    def delete(self, service_id: str) -> None:
        self.index.delete(service_id)

    def apply(self, documents: list[dict], deleted_ids: list[str], position: dict | None = None) -> None:
        """Upsert `documents` and remove `deleted_ids` together, then note `position` (see SearchIndex.apply)."""
        self.index.apply(documents, deleted_ids, position)

    def position(self) -> dict | None:
        return self.index.position()

    def following(self, wait_seconds: float | None):
        """The index's lock for bringing it up to date (see SearchIndex.following)."""
        return self.index.following(wait_seconds)

    def fingerprint(self) -> Fingerprint:
        return self.index.fingerprint()

    def search(self, request: SearchRequest) -> SearchResults:
        return search(self.index, self.synonyms, request)

    def all_matching(self, request: SearchRequest) -> list[Hit]:
        return all_matching(self.index, self.synonyms, request)

    def round_the_clock(self, text: str, general_needs: tuple[str, ...], limit: int = 5) -> list[Hit]:
        """Services open 24 hours for what the words ask about, else national ones for `general_needs`."""
        return round_the_clock(self.index, self.synonyms, text, general_needs, limit)

    def close(self) -> None:
        self.index.close()
