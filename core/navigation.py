"""The site's main navigation, made by the apps: settings.NAVIGATION names a function per app,
each returning its links as (label, path) pairs, in the order the menu shows them.

Core's template only draws the list (core/nav_items.html); which pages and sections are
in it is each app's business (the content pages say it by their kind, pages/navigation.py).
Kept in the page cache, so a saved page (settings.PUBLIC_PAGE_MODELS) changes the menu at once.
"""

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import get_language

from . import http_cache


def links() -> list[tuple[str, str]]:
    key = f"navigation:{get_language()}"
    made_in, found = http_cache.lookup(key)
    if found is None:
        found = [(str(label), path) for hook in settings.NAVIGATION for label, path in import_string(hook)()]
        http_cache.store(key, made_in, found)
    return found
