"""Full-text search over services. Knows nothing of Flask or the database: it is given documents."""

from pathlib import Path

from .index import Fingerprint, IndexMissing, SearchIndex
from .query import Hit, SearchRequest, SearchResults, all_matching, search
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

    def __init__(self, index_dir: str | Path, synonyms_file: str | Path, document_shape: str = ""):
        self.synonyms = SynonymTable.from_file(synonyms_file)
        self.index = SearchIndex(index_dir, self.synonyms, document_shape)

    def is_usable(self) -> bool:
        return self.index.is_usable()

    def rebuild(self, documents) -> int:
        return self.index.rebuild(documents)

    def upsert(self, document: dict) -> None:
        self.index.upsert(document)

    def delete(self, service_id: str) -> None:
        self.index.delete(service_id)

    def apply(self, documents: list[dict], deleted_ids: list[str]) -> None:
        """Upsert `documents` and remove `deleted_ids` together."""
        self.index.apply(documents, deleted_ids)

    def fingerprint(self) -> Fingerprint:
        return self.index.fingerprint()

    def search(self, request: SearchRequest) -> SearchResults:
        return search(self.index, self.synonyms, request)

    def all_matching(self, request: SearchRequest) -> list[Hit]:
        return all_matching(self.index, self.synonyms, request)

    def close(self) -> None:
        self.index.close()
