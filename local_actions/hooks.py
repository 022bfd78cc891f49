"""What the local fights' app adds to other apps' pages, through their settings registries.

signatures shows `signers_by_state` on a campaign's page (CAMPAIGN_PAGE_EXTRAS) and
`nearest_local_fight` on the thank-you page after signing (SIGNATURE_THANKS_EXTRAS), by the
signer's ZIP code; pages shows `city_spending` on the explainer about profits (PAGE_EXTRAS).
Neither app imports this one.
"""

import math
from functools import lru_cache

import zipcodes
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.extras import Section, shown
from signatures.counting import public_counts

from . import usmap
from .models import LocalAction, Statistic, Status

MAP_CSS = ("css/map.css",)

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
        actions = actions.exclude(pk__in=shown(request, "local_action"))  # a city the letters section just named
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


def signers_by_state(request, campaign) -> Section | str:
    """The campaign's confirmed signatures on a map of the states (from the cached public counts)."""
    by_state = public_counts(campaign.pk)["by_state"]
    if not by_state:
        return ""
    title = _("Confirmed signatures by state")
    context = {**usmap.choropleth(by_state, _("signatures")), "title": title, "table_caption": title}
    return Section(render_to_string("local_actions/signers_by_state.html", context, request=request), MAP_CSS)


def _usd(amount) -> str:
    return _("$%(amount)s") % {"amount": number_format(amount, force_grouping=True)}


def city_spending(request, page) -> Section | str:
    """What cities paid (for the profits explainer), from the local actions' money fields."""
    actions = list(LocalAction.objects.published().exclude(money="").prefetch_related("sources"))
    if not actions:
        return ""
    actions.sort(key=lambda a: (a.amount_usd is None, -(a.amount_usd or 0), a.city))
    stated = [a.amount_usd for a in actions if a.amount_usd is not None]
    per_square_mile = sorted((a for a in actions if a.usd_per_square_mile_year), key=lambda a: -a.usd_per_square_mile_year)
    context = {
        "actions": actions,
        "chart": spending_chart([a for a in actions if a.amount_usd]),
        "total": _usd(sum(stated)) if stated else "",
        "stated_count": len(stated),
        "per_square_mile": [(a, _usd(a.usd_per_square_mile_year)) for a in per_square_mile],
        "cost_statistics": Statistic.objects.filter(topic=Statistic.Topic.COST, published=True),
    }
    return Section(render_to_string("local_actions/city_spending.html", context, request=request), MAP_CSS)


CHART_ROW = 46  # px: a line of text, the bar under it, and a gap


def spending_chart(actions) -> dict:
    """Bars of what each city paid, largest first, for a server-drawn SVG (city_spending.html).

    Bar lengths are percentages of the largest, so the chart fits any width while its text stays
    at the page's size; the table beside it has the same numbers for screen readers and print.
    """
    if not actions:
        return {}
    top = max(a.amount_usd for a in actions)
    bars = [
        {
            "label": f"{a.city}, {a.state}",
            "amount": _usd(a.amount_usd),
            "percent": max(0.5, 100 * a.amount_usd / top),
            "y": i * CHART_ROW,
        }
        for i, a in enumerate(actions)
    ]
    return {"bars": bars, "height": len(bars) * CHART_ROW}
