from django.db.models import Q

from .models import Campaign, Signature
from .states import State


def public_signers(campaign: Campaign):
    """Confirmed signers who chose to be listed, and organizations an organizer approved; newest first."""
    listed = Q(kind=Signature.Kind.INDIVIDUAL, show_name=True) | Q(
        kind=Signature.Kind.ORGANIZATION, approved_at__isnull=False
    )
    return (
        Signature.objects.filter(listed, campaign=campaign, state=State.VERIFIED)
        .only("kind", "name", "city", "us_state", "organization", "organization_url", "verified_at")
        .order_by("-verified_at", "-pk")
    )
