"""Whole-page caching for anonymous, cookie-free pages.

A viral petition page is the same for every visitor for a second or two, so
we render it once per interval and per language and serve the bytes; the
Cache-Control header lets a reverse proxy or browser do the same.
"""

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language


def cached_response(request, key: str, seconds: int, render, content_type="text/html; charset=utf-8", swr: int = 30):
    """`render()` returns the body (str or bytes) and is called at most once per `seconds` per process/cache."""
    full_key = f"page:{get_language()}:{key}"
    body = cache.get(full_key)
    if body is None:
        body = render()
        if isinstance(body, str):
            body = body.encode()
        cache.set(full_key, body, seconds)
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, public=True, max_age=seconds, stale_while_revalidate=swr)
    return response
