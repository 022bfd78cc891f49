"""What a token may read: the signatures partners see (signatures.models.PARTNER_VISIBLE) of its campaigns."""

import hashlib

from django.core.cache import cache

from signatures.models import PARTNER_VISIBLE, DeletedSignature, EmailShare, Signature
from signatures.states import State

FIELDS = (
    "pk", "public_id", "person_id", "campaign_id", "kind", "name", "city", "us_state", "email", "organization",
    "organization_url", "role", "created_at", "modified_at",
)  # fmt: skip
COUNT_CACHE_SECONDS = 30


def signatures(campaign_ids):
    return Signature.objects.filter(PARTNER_VISIBLE, campaign_id__in=list(campaign_ids)).only(*FIELDS)


def deleted(campaign_id):
    return DeletedSignature.objects.filter(campaign_id=campaign_id)


def page_of(queryset, page) -> list:
    """One page in position order: from a next link's position, or by offset (ids first, from the index alone)."""
    queryset = queryset.order_by("pk")
    if page.after is not None:
        return list(queryset.filter(pk__gt=page.after)[: page.per_page])
    ids = list(queryset.values_list("pk", flat=True)[page.offset : page.offset + page.per_page])
    if not ids:
        return []
    if queryset.model is Signature:
        # By primary key alone: with the visibility filters repeated, PostgreSQL may walk the whole
        # partial index for 25 ids (bench/api_paging.py). A row that left meanwhile is dropped here.
        rows = Signature.objects.filter(pk__in=ids).only(*FIELDS, "state", "counted").order_by("pk")
        return [r for r in rows if r.counted and r.state == State.VERIFIED]
    return list(queryset.model.objects.filter(pk__in=ids).order_by("pk"))


def count(queryset, key: str) -> int:
    """An exact count, cached briefly: a client paging through a filtered collection asks on every page."""
    cache_key = "api-count:" + hashlib.sha256(key.encode()).hexdigest()
    total = cache.get(cache_key)
    if total is None:
        total = queryset.order_by().count()
        cache.set(cache_key, total, COUNT_CACHE_SECONDS)
    return total


def emails_visible(caller, rows) -> set[int]:
    """The rows whose signer chose to share their email with the caller's organization (if its token may see them)."""
    if not caller.token.can_see_emails or not rows:
        return set()
    return set(
        EmailShare.objects.filter(signature_id__in=[r.pk for r in rows], organization_id=caller.organization_id).values_list(
            "signature_id", flat=True
        )
    )
