"""A fixed-window counter per network, for the forms that store no network hash (contact, local fights).

It lives in a table, not the cache: every server process sees the same count,
and no burst of other traffic can evict it. These forms are sent a few times
an hour, so a row write per submission costs nothing that matters.
"""

import datetime
import time

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ThrottleBucket, UsedProof


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more submission for `key`; True when this one is past `limit` in the current window."""
    window = int(time.time() // window_seconds)
    bucket = f"{key}:{window}"
    expires = datetime.datetime.fromtimestamp((window + 1) * window_seconds, tz=datetime.UTC)
    with transaction.atomic():
        if not ThrottleBucket.objects.filter(key=bucket).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    ThrottleBucket.objects.create(key=bucket, count=1, expires_at=expires)
            except IntegrityError:  # another process created it first
                ThrottleBucket.objects.filter(key=bucket).update(count=F("count") + 1)
        count = ThrottleBucket.objects.filter(key=bucket).values_list("count", flat=True).get()
    return count > limit


def purge() -> int:
    """Worker job: forget windows that are over and proofs of work that have expired anyway."""
    now = timezone.now()
    deleted, _ = ThrottleBucket.objects.filter(expires_at__lt=now).delete()
    used, _ = UsedProof.objects.filter(expires_at__lt=now).delete()
    return deleted + used
