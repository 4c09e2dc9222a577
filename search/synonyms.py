"""The synonym and abbreviation table, kept as data (one group of equivalents a line).

Synonyms are applied at index time: wherever a document says any phrase of a group, it is
tagged with the group's concept id, so a search for "dv" is one term lookup rather than a
phrase search for every way of saying domestic abuse. Phrases are compared word by word on
stems, so "refuges" matches "refuge" and "trafficked" matches "trafficking".
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from whoosh.lang.porter import stem

_WORD = re.compile(r"\w+")


def normalise_words(text: str) -> list[str]:
    """Lower-case, accent-folded words: the form both the table and the query are matched in."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(folded)


def _stems(words: list[str]) -> tuple[str, ...]:
    return tuple(stem(word) for word in words)


@dataclass(frozen=True)
class Concept:
    """One idea in a query: a synonym group (by id), or a single word with no synonyms."""

    words: tuple[str, ...]
    group: str | None = None


class SynonymTable:
    """Finds the synonym groups a run of words mentions, longest phrase first."""

    def __init__(self, groups: list[list[str]]):
        self._group_of: dict[tuple[str, ...], str] = {}
        for number, group in enumerate(groups):
            for member in group:
                phrase = _stems(normalise_words(member))
                if phrase:
                    self._group_of.setdefault(phrase, f"syn{number}")
        self.longest = max((len(phrase) for phrase in self._group_of), default=1)
        self.fingerprint = hashlib.sha256(repr(sorted(self._group_of.items())).encode()).hexdigest()[:16]

    @classmethod
    def from_file(cls, path: str | Path) -> "SynonymTable":
        groups = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                groups.append([member.strip() for member in line.split(",") if member.strip()])
        return cls(groups)

    def _match_at(self, stems: tuple[str, ...], position: int) -> tuple[str, int] | None:
        for size in range(min(self.longest, len(stems) - position), 0, -1):
            group = self._group_of.get(stems[position : position + size])
            if group:
                return group, size
        return None

    def split(self, words: list[str]) -> list[Concept]:
        """Split a query into concepts; a word with no synonym is a concept of its own."""
        stems = _stems(words)
        concepts, position = [], 0
        while position < len(words):
            match = self._match_at(stems, position)
            size = match[1] if match else 1
            concepts.append(Concept(tuple(words[position : position + size]), match[0] if match else None))
            position += size
        return concepts

    def groups_in(self, text: str) -> set[str]:
        """Every group any phrase of `text` belongs to: the concept tags a document is indexed with."""
        stems = _stems(normalise_words(text))
        found = set()
        for position in range(len(stems)):
            for size in range(1, min(self.longest, len(stems) - position) + 1):
                group = self._group_of.get(stems[position : position + size])
                if group:
                    found.add(group)
        return found
