"""The synonym and abbreviation table, kept as data (one group of equivalents a line)."""

import re
import unicodedata
from pathlib import Path

_WORD = re.compile(r"\w+")


def normalise_words(text: str) -> list[str]:
    """Lower-case, accent-folded words: the form both the table and the query are matched in."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(folded)


class SynonymTable:
    """Maps a phrase (a tuple of words) to every phrase of its group, longest match first."""

    def __init__(self, groups: list[list[str]]):
        self._groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for group in groups:
            phrases = [tuple(normalise_words(member)) for member in group]
            phrases = [phrase for phrase in phrases if phrase]
            for phrase in phrases:
                self._groups.setdefault(phrase, [])
                for other in phrases:
                    if other not in self._groups[phrase]:
                        self._groups[phrase].append(other)
        self.longest = max((len(phrase) for phrase in self._groups), default=1)

    @classmethod
    def from_file(cls, path: str | Path) -> "SynonymTable":
        groups = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                groups.append([member.strip() for member in line.split(",") if member.strip()])
        return cls(groups)

    def split(self, words: list[str]) -> list[list[tuple[str, ...]]]:
        """Split a query into concepts: each is the list of phrases that may stand for it.

        A word with no synonym is a concept of one phrase, itself.
        """
        concepts = []
        position = 0
        while position < len(words):
            for size in range(min(self.longest, len(words) - position), 0, -1):
                phrase = tuple(words[position : position + size])
                if phrase in self._groups:
                    concepts.append(self._groups[phrase])
                    position += size
                    break
            else:
                concepts.append([(words[position],)])
                position += 1
        return concepts
