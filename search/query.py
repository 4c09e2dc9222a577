"""Turning a search request (words, filters, page) into ranked service ids.

The words a person types are never handed to Whoosh's query parser: they are split into
concepts (a word, or a phrase from the synonym table), and each concept is matched across
the text fields, so syntax characters, SQL fragments or a 10,000-character paste are just text.
"""

from dataclasses import dataclass, field
from math import ceil

import numpy as np

from .distance import Point
from .index import STEMMED, SearchIndex
from .masks import TermMasks
from .nearby import GeoTable
from .synonyms import Concept, SynonymTable, normalise_words

MAX_QUERY_CHARACTERS = 500
MAX_QUERY_WORDS = 16
MAX_PER_PAGE = 100
# The fields a word without synonyms is looked for in.
TEXT_FIELDS = ("name", "alternate_name", "organization", "needs_text", "description", "details")
# How much a match in each field counts (times the term's rarity): names and needs above prose.
FIELD_WEIGHTS = {"name": 4.0, "alternate_name": 3.0, "needs_text": 3.0, "organization": 2.0, "description": 1.0,
                 "details": 0.5, "name_concepts": 4.0, "text_concepts": 1.0, "spelling": 0.6}
EXACT_NAME_BOOST = 1000.0
MAX_NATIONAL_HELPLINES = 10
NATIONAL = ("flags", "national_helpline")


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


def _group_terms(group: str) -> list[tuple[str, str]]:
    return [("name_concepts", group), ("text_concepts", group)]


def _typo_terms(word: str, masks: TermMasks, synonyms: SynonymTable) -> list[tuple[str, str]]:
    """For a word the index has never seen (a typo): the indexed words near it, and the synonym
    groups those words belong to, so "trafficing" finds what "trafficking" finds."""
    if len(word) < 4 or word.isdigit() or masks.reader.doc_frequency("spelling", word):
        return []
    terms = []
    for near in masks.near("spelling", word, 1 if len(word) <= 6 else 2):
        terms.append(("spelling", near))
        group = synonyms.split([near])[0].group
        if group:
            terms += _group_terms(group)
    return list(dict.fromkeys(terms))


def _concept_terms(concept: Concept, masks: TermMasks, synonyms: SynonymTable) -> list[tuple[str, str]]:
    """A synonym group is one tag (tagged at index time); any other word is looked up in each
    text field, and near it when the index has never seen it."""
    if concept.group:
        return _group_terms(concept.group)
    word = concept.words[0]
    exact = [(name, token.text) for token in STEMMED(word) for name in TEXT_FIELDS]
    return exact + _typo_terms(word, masks, synonyms)


def _filter_mask(request: SearchRequest, masks: TermMasks):
    """Documents passing every filter group (values within a group are alternatives), or None."""
    groups = [
        [(field_name, value.lower()) for value in values]
        for field_name, values in (
            ("needs", request.needs),
            ("audience", request.audience),
            ("delivery", request.delivery),
            ("languages", request.languages),
        )
        if values
    ]
    groups += [[("flags", flag)] for flag in request.flags]
    if not groups:
        return None
    mask = masks.live.copy()
    for group in groups:
        mask &= masks.any_term(group)
    return mask


@dataclass(frozen=True)
class _Text:
    """The words as terms to weigh, and the mask of documents they match."""

    terms: list[tuple[str, str]]
    exact_name: tuple[str, str] | None
    matches: np.ndarray


def _text(masks: TermMasks, synonyms: SynonymTable, words: list[str], allowed) -> _Text:
    """Every concept must match, or the exact name; if nothing the filters allow has them all,
    any concept will do (best first)."""
    concepts = [terms for terms in (_concept_terms(c, masks, synonyms) for c in synonyms.split(words)) if terms]
    if not concepts:
        return _Text([], None, allowed)
    exact_name = ("name_exact", " ".join(words))
    strict = allowed.copy()
    for terms in concepts:
        strict &= masks.any_term(terms)
    strict |= masks.term(*exact_name) & allowed
    everything = [term for terms in concepts for term in terms]
    if strict.any() or len(concepts) == 1:
        return _Text(everything, exact_name, strict)
    return _Text(everything, exact_name, masks.any_term(everything) & allowed)


def _ranked(searcher, masks: TermMasks, text: _Text, mask, limit: int | None) -> list[Hit]:
    """The matches in the mask, best first: weighted terms (rarer counts more), exact name on top,
    then alphabetical; alphabetical alone when there are no words."""
    if not text.terms:
        docnums, scores = masks.in_name_order(mask)[:limit], None
    else:
        candidates = np.flatnonzero(mask)
        scores = np.zeros(len(candidates))
        for term in text.terms:
            scores += masks.term(*term)[candidates] * masks.weight(*term)
        scores += masks.term(*text.exact_name)[candidates] * EXACT_NAME_BOOST
        order = np.lexsort((masks.name_rank[candidates], -scores))[:limit]
        docnums, scores = candidates[order], scores[order]
    return [
        Hit(service_id=searcher.stored_fields(int(docnum))["id"], score=float(scores[i]) if scores is not None else 0.0)
        for i, docnum in enumerate(docnums)
    ]


def _located_ranking(searcher, masks: TermMasks, geo: GeoTable, matches, request: SearchRequest) -> list[tuple]:
    """(docnum, miles, covers_area): local services nearest first, then those farther (or placeless)
    whose service area covers the place."""
    matches = matches & ~masks.term(*NATIONAL)
    located = masks.term("located", "yes")
    local = np.flatnonzero(matches & located)
    miles = geo.miles_from(request.point, local)
    if request.radius_miles is not None:
        within = miles <= request.radius_miles
        local, miles = local[within], miles[within]
    order = np.argsort(miles, kind="stable")
    ranked = [(int(d), float(m), False) for d, m in zip(local[order], miles[order])]

    if request.area_codes:
        covers = matches & masks.any_term([("areas", code) for code in request.area_codes])
        covers[local] = False
        beyond = np.flatnonzero(covers & located)
        beyond_miles = geo.miles_from(request.point, beyond)
        order = np.argsort(beyond_miles, kind="stable")
        ranked += [(int(d), float(m), True) for d, m in zip(beyond[order], beyond_miles[order])]
        ranked += [(int(d), None, True) for d in masks.in_name_order(covers & ~located)]
    return ranked


def _hits(searcher, ranked: list[tuple]) -> list[Hit]:
    return [
        Hit(service_id=searcher.stored_fields(docnum)["id"], distance_miles=distance, covers_area=covers_area)
        for docnum, distance, covers_area in ranked
    ]


def term_masks(index: SearchIndex, searcher) -> TermMasks:
    """The term masks of this searcher's generation, made on first use."""
    return index.derived(searcher, "masks", lambda s: TermMasks(s, FIELD_WEIGHTS))


def _prepared(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest):
    """Words, searcher, masks, the text to weigh and the mask of everything that matches."""
    words = query_words(request.text)
    searcher = index.searcher()
    masks = term_masks(index, searcher)
    filtered = _filter_mask(request, masks)
    text = _text(masks, synonyms, words, masks.live if filtered is None else filtered)
    return words, searcher, masks, text, text.matches


def _national(searcher, masks: TermMasks, text: _Text, matches, limit: int | None) -> list[Hit]:
    return _ranked(searcher, masks, text, matches & masks.term(*NATIONAL), limit)


def search(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest) -> SearchResults:
    """Find services for a request: by relevance (exact names first), or nearest first given a place."""
    per_page = max(1, min(request.per_page, MAX_PER_PAGE))
    page = max(1, request.page)
    start, end = (page - 1) * per_page, page * per_page
    words, searcher, masks, text, matches = _prepared(index, synonyms, request)

    if request.point is None:
        hits = _ranked(searcher, masks, text, matches, end)[start:]
        total = int(np.count_nonzero(matches))
        return SearchResults(hits=hits, total=total, page=page, per_page=per_page, words=words)

    geo = index.derived(searcher, "geo", GeoTable.of)
    ranked = _located_ranking(searcher, masks, geo, matches, request)
    return SearchResults(
        hits=_hits(searcher, ranked[start:end]), total=len(ranked), page=page, per_page=per_page, words=words,
        national=_national(searcher, masks, text, matches, MAX_NATIONAL_HELPLINES),
    )


def all_matching(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest) -> list[Hit]:
    """Every match in the order a person would see them (national helplines last), unpaged: for the API."""
    _, searcher, masks, text, matches = _prepared(index, synonyms, request)
    if request.point is None:
        return _ranked(searcher, masks, text, matches, None)
    geo = index.derived(searcher, "geo", GeoTable.of)
    return _hits(searcher, _located_ranking(searcher, masks, geo, matches, request)) + _national(
        searcher, masks, text, matches, None)
