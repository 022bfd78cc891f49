"""Whole-page caching for anonymous, cookie-free pages, in its own cache.

A viral petition page is the same for every visitor for a second or two, so
we render it once per interval and per language and serve the bytes; the
Cache-Control header lets a reverse proxy or browser do the same.

Three rules keep it safe:
- It lives in the "pages" cache alias, apart from anything security depends
  on (used proofs of work and form limits are in tables): filling it evicts
  nothing else.
- What a client can make it store is bounded: keys ignore the query string
  (the pages that opt in do not read it) and the raw Accept-Language header
  (only the language it selects), and only valid hosts are cached.
- Saves that change a cached page (a campaign closed or unpublished, a partner
  renamed, the site name) invalidate every entry at once, in every server
  process: each entry carries the generation it was made in, and a save starts
  a new one (see `forget_public_pages`).

This is the one page cache, and its rule in one place:
- lifetime: `SECONDS` (2 s) for what it keeps, a rendered page (the campaign
  page, the "check your email" reply), or what many pages read (the campaign
  the sign path needs, the main menu); the finished response replayed before the middleware for
  `SERVER_CACHE_SECONDS` (1 s) of that. Browsers and proxies get the same
  `max-age`. The one longer entry is the evidence fact sheet (60 s), whose key
  changes with every import and edit of its city.
- invalidation: a save of a model in settings.PUBLIC_PAGE_MODELS (a signal,
  core/apps.py), or `forget_public_pages()` after a bulk update of one.
Other caches are not page caches: the counts (signatures/counting.py, 1 s in
the default cache), the partners a signer may share their email with
(signatures/forms.py, 5 s), the allow and block lists (defence/lists.py, 10 s
per process), the site settings (pages/models.py, 60 s).
"""

import hashlib
import logging
import os
import secrets

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language, get_language_from_request

logger = logging.getLogger(__name__)

ALIAS = "pages"
SECONDS = 2  # the page cache's one lifetime (see above)
GENERATION_KEY = "pages:generation"


def page_cache():
    return caches[ALIAS]


def generation() -> str:
    """The current generation: a shared cache key (Redis), or the size of a small file all local processes stat."""
    cache = page_cache()
    if not isinstance(cache, LocMemCache):
        value = cache.get(GENERATION_KEY)
        if value is None:  # first use, or evicted: start one (entries of the lost one no longer match)
            cache.add(GENERATION_KEY, secrets.token_hex(8), None)
            value = cache.get(GENERATION_KEY)
        return value or ""
    # The in-process cache is one per server process: a save in one process
    # must reach the others. Each save appends a byte to a file, so its size
    # (and inode) is the generation, read with one stat() call.
    path = settings.PAGE_CACHE_STAMP
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        forget_public_pages()
        try:
            stat = os.stat(path)
        except OSError:  # an unwritable folder: cache anyway, each process expires its own entries
            return ""
    return f"{stat.st_ino}:{stat.st_size}"


def forget_public_pages(**_signal_kwargs) -> None:
    """Start a new generation: every cached page and campaign is stale from now on, in every process."""
    cache = page_cache()
    if not isinstance(cache, LocMemCache):
        cache.set(GENERATION_KEY, secrets.token_hex(8), None)
        return
    try:
        with open(settings.PAGE_CACHE_STAMP, "ab") as stamp:  # appends are atomic: no save is lost
            stamp.write(b".")
    except OSError:
        logger.exception("could not renew the page cache stamp %s", settings.PAGE_CACHE_STAMP)
        cache.clear()  # at least this process forgets


def lookup(key: str) -> tuple[str, object]:
    """(generation, value or None). Pass the generation to `store`, so a page rendered
    while an organizer saved is stored under the old generation and never served."""
    cache = page_cache()
    if isinstance(cache, LocMemCache):
        current, entry = generation(), cache.get(key)
    else:  # one round trip to Redis for both
        found = cache.get_many([GENERATION_KEY, key])
        current, entry = found.get(GENERATION_KEY) or generation(), found.get(key)
    if entry is not None and entry[0] == current:
        return current, entry[1]
    return current, None


def store(key: str, made_in: str, value, seconds: int = SECONDS) -> None:
    page_cache().set(key, (made_in, value), seconds)


def cached_response(request, key: str, seconds: int, render, content_type="text/html; charset=utf-8", swr: int = 30):
    """`render()` returns the body (str or bytes) and is called at most once per `seconds` per cache."""
    full_key = f"page:{get_language()}:{key}"
    made_in, body = lookup(full_key)
    if body is None:
        body = render()
        if isinstance(body, str):
            body = body.encode()
        store(full_key, made_in, body, seconds)
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, public=True, max_age=seconds, stale_while_revalidate=swr)
    return server_cache(response)


SERVER_CACHE_SECONDS = 1


def server_cache(response, seconds: int = SERVER_CACHE_SECONDS):
    """Let PublicCacheMiddleware replay this public response to cookie-less visitors for `seconds`.

    Only for responses that do not depend on the query string: the replay ignores it.
    """
    response.server_cache_seconds = seconds
    return response


class PublicCacheMiddleware:
    """First in MIDDLEWARE: repeat GETs of the responses that opt in are answered from the cache.

    A view opts in with `server_cache()` on a public response (the campaign
    page, its count). For a second the finished response, headers and all, is
    replayed to visitors who send no cookie, without the rest of the
    middleware or the view: what a caching reverse proxy in front would do,
    keyed by scheme, host, path and the language the Accept-Language header
    selects (what the responses vary on). `?utm_source=...` and other query
    strings get the same entry. Rendering is cached below this too; skipping
    the dozen middleware is what takes a 2-core server from about 2,500 to
    thousands more requests a second on these pages (see bench/).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def key(request) -> str | None:
        meta = request.META
        if request.method not in ("GET", "HEAD") or "HTTP_COOKIE" in meta or "HTTP_AUTHORIZATION" in meta:
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # let the rest of the stack answer 400
        language = get_language_from_request(request)
        raw = "\n".join((request.scheme, host, request.path, language))
        return "response:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()

    def __call__(self, request):
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        made_in, hit = lookup(key)
        if hit is not None:
            headers, body, gzipped = (*hit, None)[:3]  # entries made before gzip had two parts
            wants_gzip = gzipped is not None and re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
            response = HttpResponse(gzipped if wants_gzip else body)
            for name, value in headers:
                response.headers[name] = value
            if gzipped is not None:
                patch_vary_headers(response, ("Accept-Encoding",))
            if wants_gzip:  # compressed once when stored (core.middleware.SafeGZipMiddleware leaves it be)
                response.headers["Content-Encoding"] = "gzip"
                response.headers["Content-Length"] = str(len(gzipped))
            return response
        response = self.get_response(request)
        seconds = getattr(response, "server_cache_seconds", 0)
        if seconds and response.status_code == 200 and not response.streaming and not response.cookies:
            vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
            if vary <= {"accept-language"}:
                # These responses are public (no cookie, no token): safe to compress (see SafeGZipMiddleware).
                gzipped = compress_string(response.content) if len(response.content) >= 200 else None
                store(key, made_in, (list(response.items()), response.content, gzipped), seconds)
        return response
