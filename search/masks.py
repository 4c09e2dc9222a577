"""Which documents hold a term, as numpy masks cached per index generation.

Whoosh walks posting lists in pure Python: counting the matches of a broad query, or
applying a filter, means visiting every matching document on every search. Boolean
matching and weighing are done here instead, on masks built once per term per generation (a
posting list walked once) and combined with numpy in microseconds.
"""

import math
from collections import OrderedDict

import numpy as np

# Masks kept per generation, least recently used dropped first: bounds memory whatever is typed.
CACHE_BYTES = 64 * 1024 * 1024
NEAR_WORDS_KEPT = 4096
# BM25's length normalisation (with one occurrence): a match in a short name, or in a service's only
# need, counts more than one among many words or needs.
K1, B = 1.2, 0.75


class TermMasks:
    """Masks over one searcher's documents; deleted documents are never set."""

    def __init__(self, searcher, field_weights: dict[str, float], length_columns: dict[str, str] | None = None):
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.live = self._mask_of(self.reader.all_doc_ids())
        self.field_weights = field_weights
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._capacity = max(64, CACHE_BYTES // max(1, self.size))
        self._near: OrderedDict[tuple[str, str, int], list[str]] = OrderedDict()
        self._empty = np.zeros(self.size, dtype=bool)
        self._empty.flags.writeable = False
        names = self.reader.column_reader("name_sort") if self.size else []
        self._name_order = np.array(sorted(range(self.size), key=lambda d: names[d]), dtype=np.int64)
        self.name_rank = np.empty(self.size, dtype=np.int64)
        self.name_rank[self._name_order] = np.arange(self.size)
        norms = {column: self._length_norm(column) for column in set((length_columns or {}).values())}
        self.norms = {field: norms[column] for field, column in (length_columns or {}).items()}

    def _length_norm(self, column: str) -> np.ndarray:
        """Per document, how much a match counts for the length of the field (1 for an average length)."""
        if not self.size or not self.reader.has_column(column):
            return np.ones(self.size)
        lengths = np.fromiter(self.reader.column_reader(column), float, self.size)
        counted = lengths[self.live & (lengths > 0)]
        average = counted.mean() if counted.size else 1.0
        return (K1 + 1) / (1 + K1 * (1 - B + B * lengths / average))

    def norm(self, field: str):
        """The length norms for a field's matches, or 1 when the field's length is not weighed."""
        return self.norms.get(field, 1.0)

    def near(self, field: str, word: str, distance: int) -> list[str]:
        """Indexed words within `distance` edits of `word`, remembered: the walk of the term list
        that finds them costs milliseconds on a large index."""
        key = (field, word, distance)
        found = self._near.get(key)
        if found is None:
            found = sorted(self.reader.terms_within(field, word, distance, prefix=1))
            self._near[key] = found
            if len(self._near) > NEAR_WORDS_KEPT:
                self._near.popitem(last=False)
        else:
            self._near.move_to_end(key)
        return found

    def __len__(self) -> int:
        """How many term masks are held."""
        return len(self._cache)

    def _mask_of(self, docnums) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[np.fromiter(docnums, dtype=np.int64)] = True
        return mask

    def none(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def term(self, field: str, text: str) -> np.ndarray:
        """Read-only mask of the live documents holding the term."""
        if not self.size or (field, text) not in self.reader:
            return self._empty  # words nobody used cost nothing to remember
        key = (field, text)
        mask = self._cache.get(key)
        if mask is None:
            mask = self._mask_of(self.reader.postings(field, text).all_ids()) & self.live
            mask.flags.writeable = False
            self._cache[key] = mask
            if len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return mask

    def any_term(self, terms: list[tuple[str, str]]) -> np.ndarray:
        mask = self.none()
        for field, text in terms:
            mask |= self.term(field, text)
        return mask

    def weight(self, field: str, text: str) -> float:
        """How much matching this term counts: the field's weight times the term's rarity (idf)."""
        matching = int(np.count_nonzero(self.term(field, text)))
        live = int(np.count_nonzero(self.live))
        return self.field_weights[field] * math.log(1 + live / (1 + matching))

    def in_name_order(self, mask: np.ndarray) -> np.ndarray:
        """Docnums set in the mask, alphabetically by service name."""
        return self._name_order[mask[self._name_order]]
