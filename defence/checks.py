"""Checks that can wait: run by the worker on new signatures before they count.

Modelled on the UK Parliament's petitions site: a signature over a limit is
not refused (that would tell the bot where the limit is); it is flagged and
never counted. The order: allow lists, block lists, disposable addresses, then
the per-network and per-domain windows (stricter without proof of work).
"""

import bisect
from collections import defaultdict
from datetime import timedelta

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.utils.translation import gettext_noop

from core.verdicts import ALLOW, Action, Verdict
from signatures import services as signature_services
from signatures.models import Signature
from signatures.states import CAN_FLAG

from . import lists
from .models import NetworkAllowance, RateLimit

BATCH = 2_000


class _Window:
    """Arrival times of the signatures sharing one key (a network or a domain, in one campaign).

    Filled once per batch from the database with at most the limit's number
    of latest earlier rows, then with the batch's own rows as they are
    checked: a row's check costs a bisection, however big a flood from that
    key is. (Counting the key's rows in the database again for every row
    made a flood of 10,000 cost quadratic time and held up everyone.)
    """

    def __init__(self, first, column: str, value: str, seconds: int, cap: int):
        # The latest `cap` rows before the key's first row in the batch are enough: a row's
        # window holds the latest earlier rows, and we only ever ask whether it holds `cap` or fewer.
        earlier = Signature.objects.filter(
            campaign_id=first.campaign_id,
            created_at__gte=first.created_at - timedelta(seconds=seconds),
            created_at__lte=first.created_at,
            pk__lt=first.pk,
            **{column: value},
        )
        self.times = sorted(earlier.order_by("-created_at").values_list("created_at", flat=True)[:cap])

    def count_since(self, moment) -> int:
        return len(self.times) - bisect.bisect_left(self.times, moment)

    def add(self, moment) -> None:
        bisect.insort(self.times, moment)


class _Windows:
    """The windows of one batch, made on a key's first row."""

    def __init__(self):
        self.windows: dict[tuple, _Window] = {}

    def keys(self, row, limits: RateLimit) -> list[tuple[str, str]]:
        keys = [("ip_hash", row.ip_hash)] if row.ip_hash else []
        if row.email_domain and row.email_domain not in limits.exempt:
            keys.append(("email_domain", row.email_domain))
        return keys

    def get(self, row, column: str, value: str, limits: RateLimit) -> _Window:
        key = (row.campaign_id, column, value)
        if key not in self.windows:
            if column == "ip_hash":
                caps = (limits.network_burst, limits.network_sustained, limits.network_burst_without_check,
                        limits.network_sustained_without_check)  # fmt: skip
            else:
                caps = (limits.domain_burst, limits.domain_sustained)
            seconds = max(limits.burst_seconds, limits.sustained_seconds)
            self.windows[key] = _Window(row, column, value, seconds, max(caps))
        return self.windows[key]


def _over(window: _Window, row, limit: int, seconds: int) -> bool:
    """Whether `limit` or more signatures with this key came in the `seconds` before this one."""
    return window.count_since(row.created_at - timedelta(seconds=seconds)) >= limit


class _Allowances:
    """The networks allowed past their limits (an event's shared Wi-Fi) at some time of this batch."""

    def __init__(self, rows):
        first, last = min(row.created_at for row in rows), max(row.created_at for row in rows)
        self.spans = defaultdict(list)
        for ip_hash, starts, ends in NetworkAllowance.objects.filter(starts_at__lte=last, ends_at__gt=first).values_list(
            "ip_hash", "starts_at", "ends_at"
        ):
            self.spans[ip_hash].append((starts, ends))

    def covers(self, row) -> bool:
        return any(starts <= row.created_at < ends for starts, ends in self.spans.get(row.ip_hash, ()))


def reason_to_flag(row, limits: RateLimit, windows: _Windows, network_allowed: bool = False) -> str:
    """Why this signature should not count, or '' when it may.

    `network_allowed`: an organizer allowed this network for an event; its per-network limits do not apply.
    """
    if "allow" in (row.network_listed, lists.email_mark(row.email_hash, row.email_domain)):
        return ""
    if row.network_listed == "block" or lists.email_mark(row.email_hash, row.email_domain) == "block":
        return gettext_noop("on a block list")
    if row.email_domain in DISPOSABLE_DOMAINS:
        return gettext_noop("disposable email domain")
    if row.ip_hash and not network_allowed:
        burst, sustained = (
            (limits.network_burst, limits.network_sustained)
            if row.proof_of_work
            else (limits.network_burst_without_check, limits.network_sustained_without_check)
        )
        network = windows.get(row, "ip_hash", row.ip_hash, limits)
        if _over(network, row, burst, limits.burst_seconds):
            return gettext_noop("network over the burst limit")
        if _over(network, row, sustained, limits.sustained_seconds):
            return gettext_noop("network over the sustained limit")
    if row.email_domain and row.email_domain not in limits.exempt:
        domain = windows.get(row, "email_domain", row.email_domain, limits)
        if _over(domain, row, limits.domain_burst, limits.burst_seconds):
            return gettext_noop("email domain over the burst limit")
        if _over(domain, row, limits.domain_sustained, limits.sustained_seconds):
            return gettext_noop("email domain over the sustained limit")
    return ""


def check_new_signatures(batch: int = BATCH) -> int:
    """Judge the signatures not checked yet, in arrival order, and hand the verdicts to the signatures app.

    Returns how many it checked. Nothing here writes a signature: signatures/services.py applies the verdicts.
    """
    rows = list(
        Signature.objects.filter(checked=False)
        .only(
            "pk", "campaign_id", "ip_hash", "email_domain", "email_hash", "created_at", "proof_of_work", "network_listed", "state"
        )
        .order_by("pk")[:batch]
    )
    if not rows:
        return 0
    return signature_services.record_checks([row.pk for row in rows], verdicts(rows))


def verdicts(rows: list) -> dict[int, Verdict]:
    """FLAG (with the reason) or ALLOW for each row, by pk; rows in arrival order."""
    limits = {}
    windows = _Windows()
    allowances = _Allowances(rows)
    found = {}
    for row in rows:
        if row.campaign_id not in limits:
            limits[row.campaign_id] = RateLimit.for_campaign(row.campaign_id)
            limits[row.campaign_id].exempt = limits[row.campaign_id].exempt_domains()
        reason = reason_to_flag(row, limits[row.campaign_id], windows, network_allowed=allowances.covers(row))
        found[row.pk] = Verdict(Action.FLAG, reason) if reason and row.state in CAN_FLAG else ALLOW
        # Every row counts towards its keys' limits, whatever became of it.
        for column, value in windows.keys(row, limits[row.campaign_id]):
            windows.get(row, column, value, limits[row.campaign_id]).add(row.created_at)
    return found
