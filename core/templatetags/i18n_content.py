"""Template helpers for a site in several languages.

    {% language_links as links %}      the current page in each language (switch, hreflang)
    <h1{% fallback_lang page "title" %}>  lang="en" where a text is shown untranslated
    <a{% written_in item.language %}>     lang="en" on a Spanish page for a headline written in English
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag
def fallback_lang(obj, field: str) -> str:
    """` lang="en"` when `obj.field` has no text in the current language and the English one is shown."""
    current = get_language() or settings.LANGUAGE_CODE
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if obj is None or current == default:
        return ""
    if getattr(obj, f"{field}_{current}", None):
        return ""
    if not getattr(obj, f"{field}_{default}", None):
        return ""
    return format_html(' lang="{}"', default)


@register.simple_tag
def written_in(language: str) -> str:
    """` lang="xx"` when a text written in `language` (a press headline) is shown on a page in another language."""
    if not language or language == (get_language() or settings.LANGUAGE_CODE):
        return ""
    return format_html(' lang="{}"', language)
