"""US ZIP codes to city and state, offline (the `zipcodes` package's data)."""

from functools import lru_cache

import zipcodes

from core.us_states import PLACE_NAMES as STATE_NAMES  # the places a ZIP code can be in

__all__ = ["STATE_NAMES", "lookup"]



@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, str]]:
    # One dict built once per process: a lookup on the sign path is a dict get.
    return {z["zip_code"]: (z["city"], z["state"]) for z in zipcodes.list_all()}


def lookup(zip_code: str) -> tuple[str, str] | None:
    """(city, state) for a 5-digit ZIP (or ZIP+4), or None when it does not exist."""
    return _table().get(zip_code.strip()[:5])

