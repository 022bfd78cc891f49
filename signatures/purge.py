"""Forgetting what we no longer need (run by the worker every hour)."""

from datetime import timedelta

from django.utils import timezone

from .models import Signature
from .states import State

UNCONFIRMED_DAYS = 7
INVALIDATED_DAYS = 30


def purge(now=None) -> int:
    """Delete unconfirmed signatures after 7 days and invalidated ones after 30; returns how many."""
    now = now or timezone.now()
    unconfirmed = Signature.objects.filter(
        state__in=[State.PENDING, State.FLAGGED],
        verified_at__isnull=True,
        created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS),
    )
    invalidated = Signature.objects.filter(
        state=State.INVALIDATED, counted=False, created_at__lt=now - timedelta(days=INVALIDATED_DAYS)
    )
    return unconfirmed.delete()[0] + invalidated.delete()[0]
