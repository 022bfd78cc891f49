"""Checks that can wait: run by the worker on new signatures before they count.

Modelled on the UK Parliament's petitions site: a signature over a limit is
not refused (that would tell the bot where the limit is); it is flagged and
never counted. The order: allow lists, block lists, disposable addresses, then
the per-network and per-domain windows (stricter without proof of work).
"""

from datetime import timedelta

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.db import transaction
from django.utils.translation import gettext_noop

from signatures.models import Signature
from signatures.services import one_sqlite_writer
from signatures.states import CAN_FLAG

from . import lists
from .models import RateLimit

BATCH = 2_000


def _over(row, limit: int, window_seconds: int, **match) -> bool:
    """Whether `limit` or more signatures of the same campaign and key came in the window before this one.

    It stops counting at `limit`: walking the (campaign, key, time) index from
    the start of the window, it reads at most about `limit` entries however
    big a flood from that key is. (Counting them all, again for every row,
    made a 10,000-signature flood cost quadratic time and held up everyone.)
    """
    if limit <= 0:
        return True
    earlier = Signature.objects.filter(
        campaign_id=row.campaign_id,
        created_at__gte=row.created_at - timedelta(seconds=window_seconds),
        pk__lt=row.pk,
        **match,
    )
    return earlier.order_by("created_at")[:limit].count() >= limit


def reason_to_flag(row, limits: RateLimit) -> str:
    """Why this signature should not count, or '' when it may."""
    if "allow" in (row.network_listed, lists.email_mark(row.email_hash, row.email_domain)):
        return ""
    if row.network_listed == "block" or lists.email_mark(row.email_hash, row.email_domain) == "block":
        return gettext_noop("on a block list")
    if row.email_domain in DISPOSABLE_DOMAINS:
        return gettext_noop("disposable email domain")
    if row.ip_hash:
        burst, sustained = (
            (limits.network_burst, limits.network_sustained)
            if row.proof_of_work
            else (limits.network_burst_without_check, limits.network_sustained_without_check)
        )
        if _over(row, burst, limits.burst_seconds, ip_hash=row.ip_hash):
            return gettext_noop("network over the burst limit")
        if _over(row, sustained, limits.sustained_seconds, ip_hash=row.ip_hash):
            return gettext_noop("network over the sustained limit")
    if row.email_domain and row.email_domain not in limits.exempt_domains():
        if _over(row, limits.domain_burst, limits.burst_seconds, email_domain=row.email_domain):
            return gettext_noop("email domain over the burst limit")
        if _over(row, limits.domain_sustained, limits.sustained_seconds, email_domain=row.email_domain):
            return gettext_noop("email domain over the sustained limit")
    return ""


def check_new_signatures(batch: int = BATCH) -> int:
    """Check the signatures not checked yet, in arrival order; returns how many it checked."""
    rows = list(
        Signature.objects.filter(checked=False)
        .only(
            "pk", "campaign_id", "ip_hash", "email_domain", "email_hash", "created_at", "proof_of_work", "network_listed", "state"
        )
        .order_by("pk")[:batch]
    )
    if not rows:
        return 0
    limits = {}
    flagged = {}
    for row in rows:
        if row.campaign_id not in limits:
            limits[row.campaign_id] = RateLimit.for_campaign(row.campaign_id)
        reason = reason_to_flag(row, limits[row.campaign_id])
        if reason and row.state in CAN_FLAG:
            flagged[row.pk] = reason
    with one_sqlite_writer(), transaction.atomic():
        for pk, reason in flagged.items():
            Signature.objects.filter(pk=pk, state__in=CAN_FLAG).update(state="flagged", flag_reason=reason)
        Signature.objects.filter(pk__in=[row.pk for row in rows]).update(checked=True)
    return len(rows)
