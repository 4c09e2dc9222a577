"""Distances for many services at once, from position arrays held per index generation.

Whoosh's numeric range queries walk many posting lists and cost ~100 ms at 10k services;
a vectorised haversine over every located service costs a few milliseconds at 100k. The
arrays are rebuilt when the searcher is reopened (the index changed), never per query.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .distance import EARTH_RADIUS_MILES, Point
from .index import MICRODEGREES


def _column(reader, name: str) -> Iterator:
    """A column's value for every document in number order, 0 where a document has no place.

    Whoosh's reader over several segments leaves out a segment lacking the column (a change saving only
    helplines writes one with no positions), which would shift every later document's position.
    """
    for leaf, _offset in reader.leaf_readers():
        yield from leaf.column_reader(name)


@dataclass
class GeoTable:
    """Per-document position in radians, indexed by Whoosh document number (0 where there is none)."""

    latitude: np.ndarray
    longitude: np.ndarray

    @classmethod
    def of(cls, searcher) -> "GeoTable":
        reader = searcher.reader()
        size = reader.doc_count_all()
        if not reader.has_column("latitude"):
            return cls(np.zeros(size), np.zeros(size))
        return cls(
            np.radians(np.fromiter(_column(reader, "latitude"), float, size) / MICRODEGREES),
            np.radians(np.fromiter(_column(reader, "longitude"), float, size) / MICRODEGREES),
        )

    def miles_from(self, centre: Point, candidates: np.ndarray) -> np.ndarray:
        """Haversine distance in miles from the centre to each candidate document."""
        lat0, lon0 = np.radians(centre.latitude), np.radians(centre.longitude)
        lat, lon = self.latitude[candidates], self.longitude[candidates]
        h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))
