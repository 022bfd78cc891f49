"""Who an update goes to: the signatures of its campaign whose owners asked for updates, narrowed.

Only confirmed signatures that asked for updates and still have an address,
minus suppressed addresses (hard bounces, spam complaints). Narrowing by
place uses the ZIP code and city the signature already holds (from the
offline ZIP table): no geocoding service, no new personal data.
"""

import math
from functools import lru_cache

import zipcodes
from django.db.models import QuerySet

from signatures.models import Signature
from signatures.states import State

from .models import Suppression, Update

EARTH_RADIUS_MILES = 3958.8


class NoPlace(Exception):
    """The local fight has no coordinates, so a radius cannot be drawn around it."""


def signatures_for(update: Update) -> QuerySet:
    rows = Signature.objects.filter(
        campaign_id=update.campaign_id, state=State.VERIFIED, wants_updates=True, email__isnull=False
    ).exclude(email_hash__in=Suppression.objects.values("address_hash"))
    if update.audience == Update.Audience.STATES:
        return rows.filter(us_state__in=update.us_states or [])
    if update.audience == Update.Audience.LOCAL:
        action = update.local_action
        if action is None:
            return rows.none()
        if update.near == Update.Near.RADIUS:
            if action.latitude is None or action.longitude is None:
                raise NoPlace
            return rows.filter(zip_code__in=zips_within(float(action.latitude), float(action.longitude), update.radius_miles or 0))
        return rows.filter(us_state=action.state, city__iexact=action.city)
    return rows


def count(update: Update) -> int:
    return signatures_for(update).count()


@lru_cache(maxsize=1)
def _zip_points() -> list[tuple[str, float, float]]:
    points = []
    for z in zipcodes.list_all():
        try:
            points.append((z["zip_code"], math.radians(float(z["lat"])), math.radians(float(z["long"]))))
        except (KeyError, TypeError, ValueError):
            continue
    return points


def zips_within(latitude: float, longitude: float, miles: float) -> list[str]:
    """ZIP codes whose centre lies within `miles` of a point (haversine, over the 42,000 ZIPs)."""
    lat0, lon0 = math.radians(latitude), math.radians(longitude)
    cos_lat0 = math.cos(lat0)
    limit = math.sin(miles / EARTH_RADIUS_MILES / 2) ** 2
    found = []
    for zip_code, lat, lon in _zip_points():
        a = math.sin((lat - lat0) / 2) ** 2 + cos_lat0 * math.cos(lat) * math.sin((lon - lon0) / 2) ** 2
        if a <= limit:
            found.append(zip_code)
    return found
