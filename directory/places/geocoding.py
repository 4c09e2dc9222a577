"""Optional online geocoding through geopy, off unless configured (GEOCODER=nominatim).

Only what the offline gazetteer cannot answer is sent, and any failure (timeout, service
down, refusal) counts as "not found" so the offline answer stands. Never a 500.
"""

import logging
from typing import Callable

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from search.distance import Point

log = logging.getLogger(__name__)


def online_geocoder(name: str | None, user_agent: str | None, timeout: float = 3.0,
                    domain: str | None = None) -> Callable[[str], Point | None] | None:
    """A lookup function for the configured geocoder, or None when none is configured."""
    if not name:
        return None
    if name != "nominatim":
        raise ValueError(f"GEOCODER={name!r} is not supported; use 'nominatim' or leave it unset")
    if not user_agent:
        raise ValueError("GEOCODER=nominatim needs GEOCODER_USER_AGENT (Nominatim's usage policy requires one)")
    options = {"user_agent": user_agent, "timeout": timeout}
    if domain:
        options["domain"] = domain
    geocoder = Nominatim(**options)

    def lookup(text: str) -> Point | None:
        try:
            found = geocoder.geocode(text, country_codes="gb", exactly_one=True)
        except GeopyError as error:
            # The error's class says enough; the place itself is never logged.
            log.warning("Online geocoder unavailable (%s); using offline places only", type(error).__name__)
            return None
        return Point(found.latitude, found.longitude) if found else None

    return lookup
