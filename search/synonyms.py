"""The synonym and abbreviation table, kept as data (one group of equivalents a line).

Synonyms are applied at index time: wherever a document says any phrase of a group, it is
tagged with the group's concept id, so a search for "dv" is one term lookup rather than a
phrase search for every way of saying domestic abuse. Phrases are compared word by word on
stems, so "refuges" matches "refuge" and "trafficked" matches "trafficking".

The English file holds the groups. Victims' languages live beside it, one file per language
code (data/synonyms/pl.txt, ...): each line names at least one English member, and joins its
foreign phrases to that member's group, so "przemoc domowa" finds what "domestic abuse" finds.
A line may also say `narrower phrases => broader phrase, ...`: searching a narrower phrase also
finds the broader groups (weighed lower), but not the other way round, so "strangled" finds
domestic abuse services while "domestic abuse" is not widened to every mention of strangulation.
"""

import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from whoosh.lang.porter import stem
from whoosh.support.levenshtein import damerau_levenshtein


def _ranges(characters: list[int]) -> str:
    """A regex character class body for these code points, as ranges."""
    parts, start, previous = [], None, None
    for code in characters + [-2]:
        if previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous != start else ""))
        start = previous = code
    return "".join(parts)


# Python's \w leaves out vowel signs and other marks, which would cut Bengali, Urdu or Hindi words
# into pieces; marks are word characters here. Han characters are single words: Chinese is written
# without spaces, so each character is a token, and a phrase is a run of them (see SynonymTable.split).
_MARKS = _ranges([c for c in range(min(sys.maxunicode, 0xFFFF) + 1)
                  if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")])
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_PATTERN = rf"[{_HAN}]|(?:[^\W{_HAN}]|[{_MARKS}])+"
_WORD = re.compile(WORD_PATTERN)
# Letters typed differently on Arabic, Persian and Urdu keyboards, and the tatweel (a stretching
# stroke), folded to one form; and Latin letters with no decomposition that people often type plain
# (Vietnamese đ, Polish ł, Turkish dotless ı).
_FOLDS = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "ة": "ه", "ۀ": "ه", "ـ": None,
                        "đ": "d", "ł": "l", "ı": "i", "ø": "o"})
# Combining classes kept: the virama (9) and nukta (7) change an Indic word's letters, unlike accents.
_KEPT_COMBINING = {7, 9}


def normalise_words(text: str) -> list[str]:
    """Lower-case, accent-folded words: the form both the table and the query are matched in.

    Accents and Arabic short vowels go; Indic viramas stay; Han characters are one word each.
    """
    if text.isascii():  # nothing to fold: the same words, without the Unicode passes (indexing calls this a lot)
        return _WORD.findall(text.lower())
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if unicodedata.combining(ch) in _KEPT_COMBINING
                     or not unicodedata.combining(ch))
    return _WORD.findall(unicodedata.normalize("NFC", folded).translate(_FOLDS))


@lru_cache(maxsize=65_536)  # words repeat: a rebuild stems each document's words several times
def word_stem(word: str) -> str:
    """The Porter stem of an English-looking word; any other word as it is (Porter knows only English)."""
    return stem(word) if word.isascii() else word


def _stems(words: list[str]) -> tuple[str, ...]:
    return tuple(word_stem(word) for word in words)


@dataclass(frozen=True)
class Concept:
    """One idea in a query: a synonym group (by id) and the broader groups it implies, or a word."""

    words: tuple[str, ...]
    group: str | None = None
    implies: tuple[str, ...] = ()


@dataclass(frozen=True)
class SynonymLine:
    """One line of a synonym file: its phrases, and the broader phrases it implies (after `=>`)."""

    members: tuple[str, ...]
    broader: tuple[str, ...] = ()
    where: str = ""  # file:line, for messages


class SynonymFileError(ValueError):
    """A synonym file line that cannot be used, with where it is."""


def read_lines(path: str | Path) -> list[SynonymLine]:
    lines = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        members, _, broader = line.partition("=>")
        lines.append(SynonymLine(
            tuple(m.strip() for m in members.split(",") if m.strip()),
            tuple(b.strip() for b in broader.split(",") if b.strip()),
            f"{Path(path).name}:{number}",
        ))
    return lines


class SynonymTable:
    """Finds the synonym groups a run of words mentions, longest phrase first."""

    def __init__(self, groups: list[list[str]], implied: dict[int, list[str]] | None = None):
        self._group_of: dict[tuple[str, ...], str] = {}
        for number, group in enumerate(groups):
            for member in group:
                phrase = _stems(normalise_words(member))
                if phrase:
                    self._group_of.setdefault(phrase, f"syn{number}")
        self._implies: dict[str, tuple[str, ...]] = {}
        for number, broader in (implied or {}).items():
            found = tuple(dict.fromkeys(g for g in map(self.group_of_phrase, broader) if g and g != f"syn{number}"))
            if found:
                self._implies[f"syn{number}"] = found
        self.longest = max((len(phrase) for phrase in self._group_of), default=1)
        # The words the table knows (for spelling: a word here is no typo, and typos may be corrected to it).
        self.vocabulary = frozenset(word for phrase in self._group_of for word in phrase)
        self.words = frozenset(word for group in groups for member in group for word in normalise_words(member))
        self.fingerprint = hashlib.sha256(
            repr((sorted(self._group_of.items()), sorted(self._implies.items()))).encode()).hexdigest()[:16]

    @classmethod
    def from_file(cls, path: str | Path) -> "SynonymTable":
        return cls.from_files(path)

    @classmethod
    def from_files(cls, english: str | Path, languages: str | Path | None = None) -> "SynonymTable":
        """The English groups, joined by every language file's lines (a union: lines that share a member merge)."""
        lines = read_lines(english)
        english_phrases = {_stems(normalise_words(m)) for line in lines for m in line.members}
        if languages is not None:
            for path in sorted(Path(languages).glob("*.txt")):
                for line in read_lines(path):
                    if not any(_stems(normalise_words(m)) in english_phrases for m in line.members):
                        raise SynonymFileError(f"{line.where}: name at least one English phrase of a group "
                                               f"in {Path(english).name}, so the line joins that group")
                    lines.append(line)
        return cls(*_merged(lines))

    def group_of_phrase(self, text: str) -> str | None:
        return self._group_of.get(_stems(normalise_words(text)))

    def knows(self, word: str) -> bool:
        return word in self.words or word_stem(word) in self.vocabulary

    def words_near(self, word: str, distance: int) -> list[str]:
        """The table's words within `distance` edits of `word`, with the same first letter."""
        return [known for known in self.words
                if known[:1] == word[:1] and abs(len(known) - len(word)) <= distance
                and damerau_levenshtein(word, known, distance) <= distance]

    def _match_at(self, stems: tuple[str, ...], position: int) -> tuple[str, int] | None:
        for size in range(min(self.longest, len(stems) - position), 0, -1):
            group = self._group_of.get(stems[position : position + size])
            if group:
                return group, size
        return None

    def split(self, words: list[str]) -> list[Concept]:
        """Split a query into concepts; a word with no synonym is a concept of its own.

        Phrases are found anywhere in the words, so a phrase inside a run of Han characters
        ("我遭受家庭暴力": "I suffer domestic violence") is found as if it had been typed alone.
        """
        stems = _stems(words)
        concepts, position = [], 0
        while position < len(words):
            match = self._match_at(stems, position)
            size = match[1] if match else 1
            group = match[0] if match else None
            concepts.append(Concept(tuple(words[position : position + size]), group, self._implies.get(group, ())))
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


def _merged(lines: list[SynonymLine]) -> tuple[list[list[str]], dict[int, list[str]]]:
    """Groups from lines, where lines sharing a phrase become one group (union-find on phrases)."""
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_line: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(lines):
        for member in line.members:
            phrase = _stems(normalise_words(member))
            if phrase in first_line:
                parent[root(number)] = root(first_line[phrase])
            else:
                first_line[phrase] = number
    groups: dict[int, list[str]] = {}
    broader: dict[int, list[str]] = {}
    for number, line in enumerate(lines):
        groups.setdefault(root(number), []).extend(line.members)
        if line.broader:
            broader.setdefault(root(number), []).extend(line.broader)
    order = list(groups)
    return [groups[r] for r in order], {order.index(r): b for r, b in broader.items()}
