"""The time zone most of each state's people live in: the default for reading naive times.

States split between zones (Indiana, Kentucky, Tennessee, Texas...) get the
zone of their largest cities; an organizer can change it per import.
"""

CENTRAL, EASTERN, MOUNTAIN, PACIFIC = "America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles"

STATE_ZONES = {
    "AL": CENTRAL, "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": CENTRAL, "CA": PACIFIC,
    "CO": MOUNTAIN, "CT": EASTERN, "DE": EASTERN, "DC": EASTERN, "FL": EASTERN, "GA": EASTERN,
    "HI": "Pacific/Honolulu", "ID": "America/Boise", "IL": CENTRAL, "IN": "America/Indiana/Indianapolis",
    "IA": CENTRAL, "KS": CENTRAL, "KY": "America/Kentucky/Louisville", "LA": CENTRAL, "ME": EASTERN,
    "MD": EASTERN, "MA": EASTERN, "MI": "America/Detroit", "MN": CENTRAL, "MS": CENTRAL, "MO": CENTRAL,
    "MT": MOUNTAIN, "NE": CENTRAL, "NV": PACIFIC, "NH": EASTERN, "NJ": EASTERN, "NM": MOUNTAIN,
    "NY": EASTERN, "NC": EASTERN, "ND": CENTRAL, "OH": EASTERN, "OK": CENTRAL, "OR": PACIFIC,
    "PA": EASTERN, "RI": EASTERN, "SC": EASTERN, "SD": CENTRAL, "TN": CENTRAL, "TX": CENTRAL,
    "UT": MOUNTAIN, "VT": EASTERN, "VA": EASTERN, "WA": PACIFIC, "WV": EASTERN, "WI": CENTRAL, "WY": MOUNTAIN,
}  # fmt: skip


def for_state(state: str) -> str:
    return STATE_ZONES.get(state, CENTRAL)
