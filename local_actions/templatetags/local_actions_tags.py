from django import template

from local_actions import usmap
from local_actions.models import STATUS_STYLE

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
