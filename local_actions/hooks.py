"""What the map adds to other apps' pages, through their settings registries.

signatures shows `nearest_local_fight` on the thank-you page after signing
(SIGNATURE_THANKS_EXTRAS), by the signer's ZIP code. signatures does not import this app.
"""

import math
from functools import lru_cache

import zipcodes
from django.template.loader import render_to_string

from .models import LocalAction, Status

# Fights still to win: the city uses it, is about to, or is arguing about it.
OPEN_FIGHTS = [Status.CONTESTED, Status.PROPOSED, Status.ACTIVE, Status.EXPANDED]


@lru_cache(maxsize=1)
def _zip_positions() -> dict[str, tuple[float, float]]:
    table = {}
    for z in zipcodes.list_all():
        try:
            table[z["zip_code"]] = (float(z["lat"]), float(z["long"]))
        except (TypeError, ValueError):
            continue
    return table


def _miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(a))


def nearest_local_fight(request, zip_code: str = "") -> str:
    """On the thank-you page: the open local fight nearest the signer's ZIP, or the map without one."""
    position = _zip_positions().get(zip_code[:5]) if zip_code else None
    nearest = miles = None
    if position:
        actions = LocalAction.objects.published().filter(status__in=OPEN_FIGHTS, latitude__isnull=False)
        ranked = sorted(
            ((_miles(*position, float(a.latitude), float(a.longitude)), a) for a in actions), key=lambda pair: pair[0]
        )
        if ranked:
            miles, nearest = ranked[0]
    return render_to_string(
        "local_actions/nearest.html",
        {"action": nearest, "miles": round(miles) if miles is not None else None},
        request=request,
    )
