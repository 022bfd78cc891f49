from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from local_actions import usmap
from local_actions.models import STATUS_STYLE, LocalAction, Statistic

register = template.Library()


@register.inclusion_tag("local_actions/status_badge.html")
def status_badge(action):
    """The status in words, with its map shape and colour beside it."""
    return {
        "label": action.get_status_display(),
        "status": action.status,
        "icon": usmap.legend_icon(STATUS_STYLE[action.status]["shape"]),
        "colour": STATUS_STYLE[action.status]["colour"],
    }


@register.inclusion_tag("local_actions/choropleth.html")
def us_choropleth(values, unit, title, table_caption=""):
    """A map of the states coloured by a number, with its legend and a table of the numbers.

    {% load local_actions_tags %}
    {% translate "signatures" as unit %}{% translate "Signatures by state" as title %}
    {% us_choropleth signatures_by_state unit title %}

    `values` is {postal code: number}; link css/map.css in the page's {% block meta %}.
    """
    return {**usmap.choropleth(values, str(unit)), "title": title, "table_caption": table_caption or title}


def _usd(amount) -> str:
    return _("$%(amount)s") % {"amount": number_format(amount, force_grouping=True)}


@register.inclusion_tag("local_actions/city_spending.html")
def city_spending():
    """What cities paid (for the profits explainer), from the local actions' money fields."""
    actions = list(LocalAction.objects.published().exclude(money="").prefetch_related("sources"))
    actions.sort(key=lambda a: (a.amount_usd is None, -(a.amount_usd or 0), a.city))
    stated = [a.amount_usd for a in actions if a.amount_usd is not None]
    per_square_mile = sorted((a for a in actions if a.usd_per_square_mile_year), key=lambda a: -a.usd_per_square_mile_year)
    return {
        "actions": actions,
        "chart": spending_chart([a for a in actions if a.amount_usd]),
        "total": _usd(sum(stated)) if stated else "",
        "stated_count": len(stated),
        "per_square_mile": [(a, _usd(a.usd_per_square_mile_year)) for a in per_square_mile],
        "cost_statistics": Statistic.objects.filter(topic=Statistic.Topic.COST, published=True),
    }


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
