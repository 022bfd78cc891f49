from django import template

from core import markdown, partial_dates

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return markdown.render(text)


@register.filter
def partial_date(value):
    return partial_dates.display(value)
