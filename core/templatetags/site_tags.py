from django import template

from core import markdown, partial_dates

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return markdown.render(text)


@register.filter
def partial_date(value):
    return partial_dates.display(value)


# The explainers' icons (core/static/img/icons/), by page address; other pages get a generic one.
PAGE_ICONS = {"racist-data", "algorithmic-bias", "profits"}


@register.filter
def page_icon(slug) -> str:
    """The static path of a content page's icon."""
    return f"img/icons/{slug if slug in PAGE_ICONS else 'document'}.svg"
