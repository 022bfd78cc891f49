"""Whole-page caching for anonymous, cookie-free pages.

A viral petition page is the same for every visitor for a second or two, so
we render it once per interval and per language and serve the bytes; the
Cache-Control header lets a reverse proxy or browser do the same.
"""

import hashlib

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
    return server_cache(response)


SERVER_CACHE_SECONDS = 1


def server_cache(response, seconds: int = SERVER_CACHE_SECONDS):
    """Let PublicCacheMiddleware replay this public response to cookie-less visitors for `seconds`."""
    response.server_cache_seconds = seconds
    return response


class PublicCacheMiddleware:
    """First in MIDDLEWARE: repeat GETs of the responses that opt in are answered from the cache.

    A view opts in with `server_cache()` on a public response (the campaign
    page, its count). For a second the finished response, headers and all, is
    replayed to visitors who send no cookie, without the rest of the
    middleware or the view: what a caching reverse proxy in front would do,
    keyed the same way (scheme, host, path and query, and the Accept-Language
    the responses vary on). Rendering is cached below this too; skipping the
    dozen middleware is what takes a 2-core server from about 2,500 to
    thousands more requests a second on these pages (see bench/).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def key(request) -> str | None:
        meta = request.META
        if request.method not in ("GET", "HEAD") or "HTTP_COOKIE" in meta or "HTTP_AUTHORIZATION" in meta:
            return None
        raw = "\n".join(
            (request.scheme, meta.get("HTTP_HOST", ""), request.get_full_path(), meta.get("HTTP_ACCEPT_LANGUAGE", ""))
        )
        return "response:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()

    def __call__(self, request):
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        hit = cache.get(key)
        if hit is not None:
            headers, body = hit
            response = HttpResponse(body)
            for name, value in headers:
                response.headers[name] = value
            return response
        response = self.get_response(request)
        seconds = getattr(response, "server_cache_seconds", 0)
        if seconds and response.status_code == 200 and not response.streaming and not response.cookies:
            vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
            if vary <= {"accept-language"}:
                cache.set(key, (list(response.items()), response.content), seconds)
        return response
