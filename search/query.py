"""Turning a search request (words, filters, page) into ranked service ids.

The words a person types are never handed to Whoosh's query parser: they are split into
concepts (a word, or a phrase from the synonym table), and each concept is matched across
the text fields, so syntax characters, SQL fragments or a 10,000-character paste are just text.
"""

from dataclasses import dataclass, field
from math import ceil

import numpy as np
from whoosh.support.levenshtein import damerau_levenshtein

from .distance import Point
from .index import STEMMED, SearchIndex
from .masks import TermMasks
from .nearby import GeoTable
from .opening import OpeningTable
from .synonyms import Concept, SynonymTable, normalise_words

MAX_QUERY_CHARACTERS = 500
MAX_QUERY_WORDS = 16
MAX_PER_PAGE = 100
# The fields a word without synonyms is looked for in.
TEXT_FIELDS = ("name", "alternate_name", "organization", "needs_text", "description", "details")
# How much a match in each field counts (times the term's rarity): names and needs above prose.
FIELD_WEIGHTS = {"name": 4.0, "alternate_name": 3.0, "needs_text": 3.0, "organization": 2.0, "description": 1.0,
                 "details": 0.5, "name_concepts": 4.0, "need_concepts": 3.0, "text_concepts": 1.0}
# The synonym groups a document is tagged with, by where it said them (see index.to_stored).
CONCEPT_FIELDS = ("name_concepts", "need_concepts", "text_concepts")
# Fields whose matches are weighed by the field's length: (field, the column holding its length).
LENGTH_COLUMNS = {"name": "name_words", "name_concepts": "name_words",
                  "needs_text": "need_count", "need_concepts": "need_count"}
IMPLIED_GROUP_FACTOR = 0.5
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
    # Only services open at this minute of the week (Monday 00:00 is 0, local time): "open now".
    open_at_minute: int | None = None
    # Only national helplines: for a place outside the area the directory covers.
    national_only: bool = False


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
    # The words as searched, when a typo was corrected ("domestic abuse" for "domestc abuse"), else "".
    corrected: str = ""

    @property
    def page_count(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def query_words(text: str) -> list[str]:
    """The words of a query, bounded so that no input can make a search expensive."""
    return normalise_words(text[:MAX_QUERY_CHARACTERS])[:MAX_QUERY_WORDS]


# A term to weigh: field, text, and how much of its weight counts (less for a broader group a phrase implies).
Term = tuple[str, str, float]


def _group_terms(group: str, factor: float = 1.0) -> list[Term]:
    return [(field_name, group, factor) for field_name in CONCEPT_FIELDS]


def _known(word: str, masks: TermMasks, synonyms: SynonymTable) -> bool:
    """Whether any service says the word (in any text field), or the synonym table has it."""
    if masks.reader.doc_frequency("spelling", word) or synonyms.knows(word):
        return True
    return any(masks.reader.doc_frequency(name, token.text) for token in STEMMED(word) for name in TEXT_FIELDS)


def corrected_word(word: str, masks: TermMasks, synonyms: SynonymTable) -> str:
    """The word, or for a word neither the index nor the synonym table knows (a typo), the nearest
    word that one of them knows: fewest edits, then the one most services use.

    Correcting before synonyms are looked up lets a typo inside a phrase find the phrase's group:
    "domestc abuse" is read as "domestic abuse", and finds "dv" and "domestic violence" too. The first
    letter is kept; up to six letters one edit is allowed, beyond that two; under four, none.
    """
    if len(word) < 4 or word.isdigit() or _known(word, masks, synonyms):
        return word
    distance = 1 if len(word) <= 6 else 2
    candidates = set(masks.near("spelling", word, distance)) | set(synonyms.words_near(word, distance))
    if not candidates:
        return word

    def closeness(candidate: str):
        return (damerau_levenshtein(word, candidate), -masks.reader.doc_frequency("spelling", candidate), candidate)

    return min(candidates, key=closeness)


def _concept_terms(concept: Concept) -> list[Term]:
    """A synonym group is one tag (tagged at index time), with the broader groups it implies weighed
    lower; any other word is looked up in each text field."""
    if concept.group:
        terms = _group_terms(concept.group)
        for broader in concept.implies:
            terms += _group_terms(broader, IMPLIED_GROUP_FACTOR)
        return terms
    word = concept.words[0]
    return [(name, token.text, 1.0) for token in STEMMED(word) for name in TEXT_FIELDS]


def _filter_mask(request: SearchRequest, masks: TermMasks, opening: OpeningTable | None):
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
    if request.national_only:
        groups.append([NATIONAL])
    if not groups and opening is None:
        return None
    mask = masks.live.copy()
    for group in groups:
        mask &= masks.any_term(group)
    if opening is not None:
        mask &= opening.open_at(request.open_at_minute)
    return mask


@dataclass(frozen=True)
class _Text:
    """The words as terms to weigh, and the mask of documents they match."""

    terms: list[Term]
    exact_name: tuple[str, str] | None
    matches: np.ndarray


def _mask(masks: TermMasks, terms: list[Term]) -> np.ndarray:
    return masks.any_term([(field_name, text) for field_name, text, _ in terms])


def _text(masks: TermMasks, synonyms: SynonymTable, words: list[str], allowed, strict_only: bool = False) -> _Text:
    """Every concept must match, or the exact name; if nothing the filters allow has them all,
    any concept will do (best first), unless `strict_only`."""
    concepts = [terms for terms in map(_concept_terms, synonyms.split(words)) if terms]
    if not concepts:
        return _Text([], None, allowed)
    exact_name = ("name_exact", " ".join(words))
    strict = allowed.copy()
    for terms in concepts:
        strict &= _mask(masks, terms)
    strict |= masks.term(*exact_name) & allowed
    everything = [term for terms in concepts for term in terms]
    if strict.any() or len(concepts) == 1 or strict_only:
        return _Text(everything, exact_name, strict)
    return _Text(everything, exact_name, _mask(masks, everything) & allowed)


def _ranked(searcher, masks: TermMasks, text: _Text, mask, limit: int | None) -> list[Hit]:
    """The matches in the mask, best first: weighted terms (rarer counts more), exact name on top,
    then alphabetical; alphabetical alone when there are no words."""
    if not text.terms:
        docnums, scores = masks.in_name_order(mask)[:limit], None
    else:
        candidates = np.flatnonzero(mask)
        scores = np.zeros(len(candidates))
        for field_name, term, factor in text.terms:
            norm = masks.norm(field_name)
            weight = masks.weight(field_name, term) * factor
            scores += masks.term(field_name, term)[candidates] * weight * (
                norm[candidates] if isinstance(norm, np.ndarray) else norm)
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
    return index.derived(searcher, "masks", lambda s: TermMasks(s, FIELD_WEIGHTS, LENGTH_COLUMNS))


def _opening(index: SearchIndex, searcher) -> OpeningTable:
    return index.derived(searcher, "opening", OpeningTable.of)


def _prepared(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest):
    """Words (typos corrected), searcher, masks, the text to weigh and the mask of everything that matches."""
    searcher = index.searcher()
    masks = term_masks(index, searcher)
    words = [corrected_word(word, masks, synonyms) for word in query_words(request.text)]
    opening = _opening(index, searcher) if request.open_at_minute is not None else None
    filtered = _filter_mask(request, masks, opening)
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
    typed = query_words(request.text)
    corrected = " ".join(words) if words != typed else ""

    if request.point is None:
        hits = _ranked(searcher, masks, text, matches, end)[start:]
        total = int(np.count_nonzero(matches))
        return SearchResults(hits=hits, total=total, page=page, per_page=per_page, words=typed, corrected=corrected)

    geo = index.derived(searcher, "geo", GeoTable.of)
    ranked = _located_ranking(searcher, masks, geo, matches, request)
    return SearchResults(
        hits=_hits(searcher, ranked[start:end]), total=len(ranked), page=page, per_page=per_page, words=typed,
        national=_national(searcher, masks, text, matches, MAX_NATIONAL_HELPLINES), corrected=corrected,
    )


def round_the_clock(index: SearchIndex, synonyms: SynonymTable, text: str, general_needs: tuple[str, ...],
                    limit: int) -> list[Hit]:
    """Services open 24 hours a day, every day, for what the words ask about, best first; when the
    words say nothing any of them offers (or there are none), the national ones for `general_needs`.

    No filters and no place: this is what a search that found little still offers, so it must not
    be narrowed by whatever narrowed the search to nothing.
    """
    searcher = index.searcher()
    masks = term_masks(index, searcher)
    always = _opening(index, searcher).always_open()
    words = [corrected_word(word, masks, synonyms) for word in query_words(text)]
    found = _text(masks, synonyms, words, always & masks.live)
    if words and found.terms and found.matches.any():
        return _ranked(searcher, masks, found, found.matches, limit)
    general = always & masks.term(*NATIONAL) & masks.any_term([("needs", need) for need in general_needs])
    return _ranked(searcher, masks, _Text([], None, general), general, limit)


def all_matching(index: SearchIndex, synonyms: SynonymTable, request: SearchRequest) -> list[Hit]:
    """Every match in the order a person would see them (national helplines last), unpaged: for the API."""
    _, searcher, masks, text, matches = _prepared(index, synonyms, request)
    if request.point is None:
        return _ranked(searcher, masks, text, matches, None)
    geo = index.derived(searcher, "geo", GeoTable.of)
    return _hits(searcher, _located_ranking(searcher, masks, geo, matches, request)) + _national(
        searcher, masks, text, matches, None)
