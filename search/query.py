"""Turning a search request (words, filters, page) into ranked service ids.

The words a person types are never handed to Whoosh's query parser: they are split into
concepts (a word, or a phrase from the synonym table), and each concept is matched across
the text fields, so syntax characters, SQL fragments or a 10,000-character paste are just text.
"""

from dataclasses import dataclass, field
from math import ceil

from whoosh.query import And, Every, FuzzyTerm, Or, Phrase, Query, Term

from .index import STEMMED, SearchIndex
from .synonyms import SynonymTable, normalise_words

MAX_QUERY_CHARACTERS = 500
MAX_QUERY_WORDS = 16
MAX_PER_PAGE = 100
# Field weights live in the schema; these are the fields a word is looked for in.
TEXT_FIELDS = ("name", "alternate_name", "organization", "needs_text", "description", "details")
EXACT_NAME_BOOST = 25.0
TYPO_BOOST = 0.6


@dataclass(frozen=True)
class SearchRequest:
    """What to look for. Values within one filter group are alternatives; groups must all hold."""

    text: str = ""
    needs: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    """One matching service. The score lets a caller re-rank, e.g. by distance."""

    service_id: str
    score: float
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    words: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def query_words(text: str) -> list[str]:
    """The words of a query, bounded so that no input can make a search expensive."""
    return normalise_words(text[:MAX_QUERY_CHARACTERS])[:MAX_QUERY_WORDS]


def _phrase_query(words: tuple[str, ...]) -> Query | None:
    terms = [token.text for token in STEMMED(" ".join(words))]
    if not terms:
        return None
    if len(terms) == 1:
        return Or([Term(name, terms[0]) for name in TEXT_FIELDS])
    return Or([Phrase(name, terms) for name in TEXT_FIELDS])


def _typo_query(word: str, reader) -> Query | None:
    """A fuzzy match for a word the index has never seen (most likely a typo)."""
    if len(word) < 4 or word.isdigit() or reader.doc_frequency("spelling", word):
        return None
    distance = 1 if len(word) <= 6 else 2
    return FuzzyTerm("spelling", word, boost=TYPO_BOOST, maxdist=distance, prefixlength=1)


def _concept_query(phrases: list[tuple[str, ...]], reader) -> Query | None:
    parts = [q for q in (_phrase_query(phrase) for phrase in phrases) if q is not None]
    if len(phrases) == 1 and len(phrases[0]) == 1:
        typo = _typo_query(phrases[0][0], reader)
        if typo is not None:
            parts.append(typo)
    return Or(parts) if parts else None


def _filter_query(request: SearchRequest) -> Query | None:
    groups = [
        Or([Term(field_name, value.lower()) for value in values])
        for field_name, values in (
            ("needs", request.needs),
            ("audience", request.audience),
            ("delivery", request.delivery),
            ("languages", request.languages),
        )
        if values
    ]
    groups += [Term("flags", flag) for flag in request.flags]
    return And(groups) if groups else None


def search(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest) -> SearchResults:
    """Find services matching the request: exact names first, then by relevance, paginated."""
    per_page = max(1, min(request.per_page, MAX_PER_PAGE))
    page = max(1, request.page)
    words = query_words(request.text)
    searcher = index.searcher()
    reader = searcher.reader()
    concepts = [q for q in (_concept_query(c, reader) for c in synonyms.split(words)) if q is not None]
    filter_query = _filter_query(request)
    limit = page * per_page

    if not concepts:
        results = searcher.search(Every(), limit=limit, filter=filter_query, sortedby="name_sort")
    else:
        exact_name = Term("name_exact", " ".join(words), boost=EXACT_NAME_BOOST)
        results = searcher.search(Or([And(concepts), exact_name]), limit=limit, filter=filter_query)
        if results.is_empty() and len(concepts) > 1:
            # Nothing has every word: show what has some of them, best first.
            results = searcher.search(Or(concepts), limit=limit, filter=filter_query)

    start = (page - 1) * per_page
    hits = [
        Hit(
            service_id=hit["id"],
            score=hit.score or 0.0,
            latitude=hit.get("latitude"),
            longitude=hit.get("longitude"),
        )
        for hit in results[start:limit]
    ]
    return SearchResults(hits=hits, total=len(results), page=page, per_page=per_page, words=words)
