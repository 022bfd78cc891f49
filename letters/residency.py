"""Is a writer a resident? Their ZIP code's city, or within a short distance of the fight's city.

Offline, from the `zipcodes` package's data (the same source as signatures.us_zip).
A letter from elsewhere is still accepted, marked, and delivered after the residents'.
"""

import math
from functools import lru_cache

import zipcodes

NEAR_KM = 15.0


@lru_cache(maxsize=1)
def _positions() -> dict[str, tuple[str, str, float, float]]:
    table = {}
    for z in zipcodes.list_all():
        try:
            table[z["zip_code"]] = (z["city"], z["state"], float(z["lat"]), float(z["long"]))
        except (TypeError, ValueError):
            table[z["zip_code"]] = (z["city"], z["state"], math.nan, math.nan)
    return table


def place(zip_code: str) -> tuple[str, str, float, float] | None:
    """(city, state, latitude, longitude) of a 5-digit ZIP, or None when it does not exist."""
    return _positions().get(zip_code.strip()[:5])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def is_resident(zip_code: str, local_action) -> bool:
    found = place(zip_code)
    if not found:
        return False
    city, state, lat, lon = found
    if state != local_action.state:
        return False
    if city.casefold() == local_action.city.casefold():
        return True
    if local_action.latitude is None or math.isnan(lat):
        return False
    return distance_km(lat, lon, float(local_action.latitude), float(local_action.longitude)) <= NEAR_KM
