from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from signatures import services as signature_services
from signatures.models import Signature

from .models import Invalidation, NetworkAllowance


def matching(invalidation: Invalidation):
    rows = Signature.objects.filter(campaign=invalidation.campaign)
    if invalidation.ip_hash:
        rows = rows.filter(ip_hash=invalidation.ip_hash)
    if invalidation.email_domain:
        rows = rows.filter(email_domain=invalidation.email_domain.lower())
    if invalidation.signed_from:
        rows = rows.filter(created_at__gte=invalidation.signed_from)
    if invalidation.signed_until:
        rows = rows.filter(created_at__lt=invalidation.signed_until)
    return rows


def invalidate_in_bulk(invalidation: Invalidation, user) -> int:
    """Invalidate every signature the criteria match and record who did it and how many."""
    with transaction.atomic():
        invalidation.created_by = user
        invalidation.matched = signature_services.invalidate(matching(invalidation), actor=None)  # recorded below
        invalidation.save()
        criteria = [name for name in ("ip_hash", "email_domain", "signed_from", "signed_until") if getattr(invalidation, name)]
        audit.record(user, "defence.invalidate_in_bulk", invalidation, rows=invalidation.matched, data={"criteria": criteria})
    return invalidation.matched


ALLOWANCE_HOURS = (2, 4, 6, 8, 12)


def allow_network(ip_hash: str, hours: int, note: str, *, actor) -> NetworkAllowance:
    """Let one network (its keyed hash) skip the per-network limits from now for `hours` (an event on shared Wi-Fi)."""
    if hours not in ALLOWANCE_HOURS:
        raise ValueError(f"hours must be one of {ALLOWANCE_HOURS}")
    now = timezone.now()
    with transaction.atomic():
        allowance = NetworkAllowance.objects.create(
            ip_hash=ip_hash, note=note.strip()[:200], starts_at=now, ends_at=now + timedelta(hours=hours), created_by=actor
        )
        audit.record(actor, "defence.allow_network", allowance, data={"hours": hours})
    return allowance


def end_allowance(allowance: NetworkAllowance, *, actor) -> bool:
    """Stop an allowance now (signatures already checked under it stay as they are); False if it had ended."""
    now = timezone.now()
    with transaction.atomic():
        ended = NetworkAllowance.objects.filter(pk=allowance.pk, ends_at__gt=now, starts_at__lt=now).update(ends_at=now)
        if ended:
            audit.record(actor, "defence.end_allowance", allowance)
    return bool(ended)
