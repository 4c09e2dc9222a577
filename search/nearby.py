"""Distances for many services at once, from arrays held per index generation.

Whoosh's numeric range queries walk many posting lists and cost ~100 ms at 10k services;
a vectorised haversine over every located service costs a few milliseconds at 100k. The
arrays are rebuilt when the searcher is reopened (the index changed), never per query.
"""

from dataclasses import dataclass, field

import numpy as np
from whoosh.query import Query, Term

from .distance import EARTH_RADIUS_MILES, Point
from .index import MICRODEGREES


@dataclass
class GeoTable:
    """Per-document position and status, indexed by Whoosh document number."""

    latitude: np.ndarray  # radians
    longitude: np.ndarray  # radians
    located: np.ndarray  # bool
    national: np.ndarray  # bool
    live: np.ndarray  # bool: not deleted
    _area_masks: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, searcher) -> "GeoTable":
        reader = searcher.reader()
        size = reader.doc_count_all()
        latitude = np.zeros(size)
        longitude = np.zeros(size)
        if reader.has_column("latitude"):
            latitude = np.radians(np.fromiter(reader.column_reader("latitude"), float, size) / MICRODEGREES)
            longitude = np.radians(np.fromiter(reader.column_reader("longitude"), float, size) / MICRODEGREES)
        return cls(
            latitude=latitude,
            longitude=longitude,
            located=_mask(searcher, Term("located", "yes"), size),
            national=_mask(searcher, Term("flags", "national_helpline"), size),
            live=_docs_mask(reader.all_doc_ids(), size),
        )

    def covering(self, searcher, area_codes: tuple[str, ...]) -> np.ndarray:
        """Documents whose service area is any of these codes (one cached mask per code)."""
        mask = np.zeros(len(self.live), dtype=bool)
        for code in area_codes:
            if code not in self._area_masks:
                self._area_masks[code] = _mask(searcher, Term("areas", code), len(self.live))
            mask |= self._area_masks[code]
        return mask

    def miles_from(self, centre: Point, candidates: np.ndarray) -> np.ndarray:
        """Haversine distance in miles from the centre to each candidate document."""
        lat0, lon0 = np.radians(centre.latitude), np.radians(centre.longitude)
        lat, lon = self.latitude[candidates], self.longitude[candidates]
        h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
        return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _docs_mask(docnums, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[np.fromiter(docnums, dtype=np.int64)] = True
    return mask


def _mask(searcher, query: Query, size: int) -> np.ndarray:
    return _docs_mask(searcher.docs_for_query(query), size)


def matching(searcher, geo: GeoTable, query: Query | None) -> np.ndarray:
    """Mask of live documents matching the query (None: all of them)."""
    if query is None:
        return geo.live.copy()
    return _mask(searcher, query, len(geo.live))
