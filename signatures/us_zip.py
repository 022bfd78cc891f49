"""US ZIP codes to city and state, offline (the `zipcodes` package's data)."""

from functools import lru_cache

import zipcodes

# Postal abbreviations of the 50 states, DC and the territories ZIPs cover.
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
    "GU": "Guam", "AS": "American Samoa", "MP": "Northern Mariana Islands", "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe", "AP": "Armed Forces Pacific",
}  # fmt: skip


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, str]]:
    # One dict built once per process: a lookup on the sign path is a dict get.
    return {z["zip_code"]: (z["city"], z["state"]) for z in zipcodes.list_all()}


def warm() -> None:
    """Build the table now (config/asgi.py, at start-up): 0.6 s of CPU that a first sign request would wait for."""
    _table()


def lookup(zip_code: str) -> tuple[str, str] | None:
    """(city, state) for a 5-digit ZIP (or ZIP+4), or None when it does not exist."""
    return _table().get(zip_code.strip()[:5])

