"""Points and great-circle distances: enough geometry to rank services by how far away they are."""

import math
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.7613


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    def rounded(self, places: int = 2) -> "Point":
        """About a kilometre at two places: enough to rank by, too coarse to find a home."""
        return Point(round(self.latitude, places), round(self.longitude, places))


def miles_between(a: Point, b: Point) -> float:
    """Haversine distance: about 1 µs, against ~80 µs for geopy's geodesic, and within 0.5% of it."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))

