"""Forgetting what we no longer need (run by the worker every hour)."""

from datetime import timedelta

from django.utils import timezone

from .models import DeletedSignature, Signature
from .states import State

UNCONFIRMED_DAYS = 7
INVALIDATED_DAYS = 30
# Partners must sync at least this often to see every deletion (README, "For partners").
TOMBSTONE_DAYS = 90


def purge(now=None) -> int:
    """Delete unconfirmed signatures after 7 days, invalidated ones after 30; returns how many.

    Partners' tombstones go after TOMBSTONE_DAYS (not counted in the return value).
    """
    now = now or timezone.now()
    unconfirmed = Signature.objects.filter(
        state__in=[State.PENDING, State.FLAGGED],
        verified_at__isnull=True,
        created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS),
    )
    invalidated = Signature.objects.filter(
        state=State.INVALIDATED, counted=False, created_at__lt=now - timedelta(days=INVALIDATED_DAYS)
    )
    DeletedSignature.objects.filter(deleted_at__lt=now - timedelta(days=TOMBSTONE_DAYS)).delete()
    return sum(rows.delete()[1].get("signatures.Signature", 0) for rows in (unconfirmed, invalidated))
