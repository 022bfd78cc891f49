"""A small fixed-window counter in the cache, for forms that store no network hash (contact).

With Redis (REDIS_URL) the count is shared by every server process; with the
in-process cache each process counts alone, which still slows a flood.
"""

import time

from django.core.cache import cache


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    bucket = f"throttle:{key}:{int(time.time() // window_seconds)}"
    cache.add(bucket, 0, window_seconds)
    try:
        return cache.incr(bucket) > limit
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, window_seconds)
        return False
