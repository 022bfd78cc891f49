"""Forgetting letters no one confirmed (run by the worker every hour)."""

from datetime import timedelta

from django.utils import timezone

from .models import Letter

UNCONFIRMED_DAYS = 7


def purge(now=None) -> int:
    now = now or timezone.now()
    stale = Letter.objects.filter(confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS))
    return stale.delete()[0]
