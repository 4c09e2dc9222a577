"""Which services are open at a minute of the week, from opening ranges held per index generation.

"Open now" depends on when the search is made, so it cannot be indexed as a yes or no: each
document carries its weekly opening as minute ranges (Monday 00:00 is minute 0, in the local time
the caller uses), and a search passes the minute it is made at. The ranges are read into arrays
once per index generation; a query is then a vectorised comparison.
"""

from dataclasses import dataclass

import numpy as np

MINUTES_IN_WEEK = 7 * 24 * 60


@dataclass
class OpeningTable:
    """Every opening range of every document: parallel arrays of docnum, first minute, end minute."""

    size: int
    docnums: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, searcher) -> "OpeningTable":
        reader = searcher.reader()
        size = reader.doc_count_all()
        docnums, starts, ends = [], [], []
        if reader.has_column("opening"):
            for docnum, text in enumerate(reader.column_reader("opening")):
                text = text.decode() if isinstance(text, bytes) else (text or "")
                for span in text.split():
                    start, _, end = span.partition("-")
                    docnums.append(docnum)
                    starts.append(int(start))
                    ends.append(int(end))
        return cls(size, np.array(docnums, dtype=np.int64), np.array(starts), np.array(ends))

    def open_at(self, minute: int) -> np.ndarray:
        """Mask of documents open at this minute of the week (a range may run past Sunday midnight)."""
        minute %= MINUTES_IN_WEEK
        inside = ((self.starts <= minute) & (minute < self.ends)) | (
            (self.starts <= minute + MINUTES_IN_WEEK) & (minute + MINUTES_IN_WEEK < self.ends))
        mask = np.zeros(self.size, dtype=bool)
        mask[self.docnums[inside]] = True
        return mask

    def always_open(self) -> np.ndarray:
        """Mask of documents open every minute of the week (ranges as given: not overlapping)."""
        covered = np.zeros(self.size)
        np.add.at(covered, self.docnums, self.ends - self.starts)
        return covered >= MINUTES_IN_WEEK
