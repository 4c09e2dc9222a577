"""Turning a search request (words, filters, page) into ranked service ids.

The words a person types are never handed to Whoosh's query parser: they are split into
concepts (a word, or a phrase from the synonym table), and each concept is matched across
the text fields, so syntax characters, SQL fragments or a 10,000-character paste are just text.
"""

from dataclasses import dataclass, field
from math import ceil

import numpy as np
from whoosh.query import And, Every, FuzzyTerm, Or, Query, Term

from .distance import Point
from .index import STEMMED, SearchIndex
from .nearby import GeoTable, matching
from .synonyms import Concept, SynonymTable, normalise_words

MAX_QUERY_CHARACTERS = 500
MAX_QUERY_WORDS = 16
MAX_PER_PAGE = 100
# Field weights live in the schema; these are the fields a word without synonyms is looked for in.
TEXT_FIELDS = ("name", "alternate_name", "organization", "needs_text", "description", "details")
EXACT_NAME_BOOST = 25.0
TYPO_BOOST = 0.6
MAX_NATIONAL_HELPLINES = 10
NATIONAL = Term("flags", "national_helpline")


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
    # Where: services are then ordered nearest first, those whose service area covers one of
    # `area_codes` follow, and national helplines are returned apart.
    point: Point | None = None
    radius_miles: float | None = None
    area_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One matching service: its relevance score, or its distance when the search had a place."""

    service_id: str
    score: float = 0.0
    distance_miles: float | None = None
    covers_area: bool = False


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    words: list[str] = field(default_factory=list)
    national: list[Hit] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def query_words(text: str) -> list[str]:
    """The words of a query, bounded so that no input can make a search expensive."""
    return normalise_words(text[:MAX_QUERY_CHARACTERS])[:MAX_QUERY_WORDS]


def _typo_query(word: str, reader) -> Query | None:
    """A fuzzy match for a word the index has never seen (most likely a typo)."""
    if len(word) < 4 or word.isdigit() or reader.doc_frequency("spelling", word):
        return None
    distance = 1 if len(word) <= 6 else 2
    return FuzzyTerm("spelling", word, boost=TYPO_BOOST, maxdist=distance, prefixlength=1)


def _concept_query(concept: Concept, reader) -> Query | None:
    """A synonym group is one tag lookup (tagged at index time); any other word is looked up
    in each text field, with a fuzzy match on top when the index has never seen it."""
    if concept.group:
        return Or([Term("name_concepts", concept.group), Term("text_concepts", concept.group)])
    word = concept.words[0]
    parts: list[Query] = [Term(name, token.text) for token in STEMMED(word) for name in TEXT_FIELDS]
    typo = _typo_query(word, reader)
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


def _text_query(searcher, synonyms: SynonymTable, words: list[str]) -> Query:
    """Every concept must match; if nothing has them all, any will do (best first)."""
    reader = searcher.reader()
    concepts = [q for q in (_concept_query(c, reader) for c in synonyms.split(words)) if q is not None]
    if not concepts:
        return Every()
    exact_name = Term("name_exact", " ".join(words), boost=EXACT_NAME_BOOST)
    strict = Or([And(concepts), exact_name])
    if len(concepts) > 1 and next(iter(searcher.docs_for_query(strict)), None) is None:
        return Or(concepts)
    return strict


def _all_of(*queries: Query | None) -> Query:
    """And of the queries, leaving out "everything" (which would only slow the intersection)."""
    parts = [q for q in queries if q is not None and not isinstance(q, Every)]
    if not parts:
        return Every()
    return parts[0] if len(parts) == 1 else And(parts)


def _located_ranking(searcher, geo: GeoTable, query: Query, request: SearchRequest) -> list[tuple]:
    """(docnum, miles, covers_area): local services nearest first, then those farther (or placeless)
    whose service area covers the place."""
    matches = matching(searcher, geo, None if isinstance(query, Every) else query) & ~geo.national
    local = np.flatnonzero(matches & geo.located)
    miles = geo.miles_from(request.point, local)
    if request.radius_miles is not None:
        within = miles <= request.radius_miles
        local, miles = local[within], miles[within]
    order = np.argsort(miles, kind="stable")
    ranked = [(int(d), float(m), False) for d, m in zip(local[order], miles[order])]

    if request.area_codes:
        covers = matches & geo.covering(searcher, request.area_codes)
        covers[local] = False
        beyond = np.flatnonzero(covers & geo.located)
        beyond_miles = geo.miles_from(request.point, beyond)
        order = np.argsort(beyond_miles, kind="stable")
        ranked += [(int(d), float(m), True) for d, m in zip(beyond[order], beyond_miles[order])]
        placeless = [int(d) for d in np.flatnonzero(covers & ~geo.located)]
        if placeless:
            names = searcher.reader().column_reader("name_sort")
            ranked += [(d, None, True) for d in sorted(placeless, key=lambda d: names[d])]
    return ranked


def _hits(searcher, ranked: list[tuple]) -> list[Hit]:
    return [
        Hit(service_id=searcher.stored_fields(docnum)["id"], distance_miles=distance, covers_area=covers_area)
        for docnum, distance, covers_area in ranked
    ]


def _national(searcher, text_query: Query, filter_query: Query | None, limit: int | None) -> list[Hit]:
    results = searcher.search(_all_of(text_query, NATIONAL), filter=filter_query, limit=limit,
                              sortedby="name_sort" if isinstance(text_query, Every) else None)
    return [Hit(service_id=hit["id"], score=hit.score or 0.0) for hit in results]


def _prepared(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest):
    words = query_words(request.text)
    searcher = index.searcher()
    return words, searcher, _text_query(searcher, synonyms, words), _filter_query(request)


def search(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest) -> SearchResults:
    """Find services for a request: by relevance (exact names first), or nearest first given a place."""
    per_page = max(1, min(request.per_page, MAX_PER_PAGE))
    page = max(1, request.page)
    start, end = (page - 1) * per_page, page * per_page
    words, searcher, text_query, filter_query = _prepared(index, synonyms, request)

    if request.point is None:
        sortedby = "name_sort" if isinstance(text_query, Every) else None
        results = searcher.search(text_query, filter=filter_query, limit=end, sortedby=sortedby)
        hits = [Hit(service_id=hit["id"], score=hit.score or 0.0) for hit in results[start:]]
        return SearchResults(hits=hits, total=len(results), page=page, per_page=per_page, words=words)

    geo = index.derived(searcher, "geo", GeoTable.of)
    ranked = _located_ranking(searcher, geo, _all_of(text_query, filter_query), request)
    return SearchResults(
        hits=_hits(searcher, ranked[start:end]), total=len(ranked), page=page, per_page=per_page, words=words,
        national=_national(searcher, text_query, filter_query, MAX_NATIONAL_HELPLINES),
    )


def all_matching(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest) -> list[Hit]:
    """Every match in the order a person would see them (national helplines last), unpaged: for the API."""
    words, searcher, text_query, filter_query = _prepared(index, synonyms, request)
    if request.point is None:
        sortedby = "name_sort" if isinstance(text_query, Every) else None
        results = searcher.search(text_query, filter=filter_query, limit=None, sortedby=sortedby)
        return [Hit(service_id=hit["id"], score=hit.score or 0.0) for hit in results]
    geo = index.derived(searcher, "geo", GeoTable.of)
    ranked = _located_ranking(searcher, geo, _all_of(text_query, filter_query), request)
    return _hits(searcher, ranked) + _national(searcher, text_query, filter_query, None)
