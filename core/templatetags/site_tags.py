import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

from core import markdown, partial_dates

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return markdown.render(text)


@register.filter
def partial_date(value):
    return partial_dates.display(value)


TAG_RE = re.compile(r"(<[^>]+>)")
CITATION_RE = re.compile(r"\[(\d{1,3})\]")


@register.filter(needs_autoescape=True)
def cite(value, sources, autoescape=True):
    """Each "[n]" in the text becomes a link to source n of the list below (`#source-n`).

    `sources` is the list (or its length); numbers beyond it and text already in a link stay as
    they are. Takes plain text (escaped first) or safe HTML such as rendered Markdown.
    """
    count = sources if isinstance(sources, int) else len(sources)
    html = str(value) if isinstance(value, SafeData) or not autoescape else str(conditional_escape(value))
    if not count:
        return mark_safe(html)  # noqa: S308 - escaped or already safe
    out, in_link = [], 0
    for part in TAG_RE.split(html):
        if part.startswith("<"):
            if re.match(r"<a[\s>]", part):
                in_link += 1
            elif part.startswith("</a"):
                in_link = max(0, in_link - 1)
        elif not in_link:
            part = CITATION_RE.sub(
                lambda m: f'<a class="cite" href="#source-{m[1]}">[{m[1]}]</a>' if 1 <= int(m[1]) <= count else m[0], part
            )
        out.append(part)
    return mark_safe("".join(out))  # noqa: S308 - only our own links added to escaped or safe HTML


# The explainers' icons (core/static/img/icons/), by page address; other pages get a generic one.
PAGE_ICONS = {"racist-data", "algorithmic-bias", "profits"}


@register.filter
def page_icon(slug) -> str:
    """The static path of a content page's icon."""
    return f"img/icons/{slug if slug in PAGE_ICONS else 'document'}.svg"
