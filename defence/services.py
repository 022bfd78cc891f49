from django.db import transaction

from audit import services as audit
from signatures import services as signature_services
from signatures.models import Signature

from .models import Invalidation


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
