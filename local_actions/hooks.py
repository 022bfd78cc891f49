"""What the local fights' app adds to other apps' pages, through their settings registries.

signatures shows `signers_by_state` on a campaign's page (CAMPAIGN_PAGE_EXTRAS); pages shows
`city_spending` on the explainer about profits (PAGE_EXTRAS). Neither app imports this one.
"""

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.extras import Section
from signatures.counting import public_counts

from . import usmap
from .models import LocalAction, Statistic

MAP_CSS = ("css/map.css",)


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
        "total": _usd(sum(stated)) if stated else "",
        "stated_count": len(stated),
        "per_square_mile": [(a, _usd(a.usd_per_square_mile_year)) for a in per_square_mile],
        "cost_statistics": Statistic.objects.filter(topic=Statistic.Topic.COST, published=True),
    }
    return Section(render_to_string("local_actions/city_spending.html", context, request=request), MAP_CSS)
