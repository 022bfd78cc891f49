"""Batched counters: signing never touches a shared row.

`update_counts` (run by the worker every second) folds rows whose counted
flag disagrees with their state into the Count table in one transaction;
`recount` rebuilds the table from the signatures themselves.

The counted rows are also what partners see through the API (models.PARTNER_VISIBLE):
a row entering them gets a new modified_at (for partners' incremental sync),
and a row leaving them leaves a DeletedSignature (a tombstone) for their next sync.
"""

from collections import Counter

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count as CountOf
from django.db.models import F, Q, Sum
from django.utils import timezone

from .models import Count, DeletedSignature, Signature
from .states import State

BATCH = 20_000
CACHE_SECONDS = 1
_LOCK_KEY = 7_130_001  # PostgreSQL advisory lock: one counter run at a time

# Organizations count once an organizer has approved them; everyone once the
# abuse checks have passed over the row (defence/checks.py).
COUNTABLE = Q(state=State.VERIFIED, checked=True) & (Q(kind=Signature.Kind.INDIVIDUAL) | Q(approved_at__isnull=False))

MILESTONES = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000]


def next_milestone(total: int) -> int:
    """The next goal: it rises as each one is reached (1M, 2.5M, 5M, 10M... past the list)."""
    for milestone in MILESTONES:
        if total < milestone:
            return milestone
    milestone = 1_000_000
    while total >= milestone:
        milestone = milestone * 5 // 2 if str(milestone)[0] == "1" else milestone * 2
    return milestone


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _chunks(ids, size=5_000):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def update_counts(batch: int = BATCH) -> int:
    """Apply the signatures verified or un-verified since the last run; returns how many."""
    fields = ("pk", "campaign_id", "kind", "us_state")
    with transaction.atomic():
        _lock()
        # order_by(): the model's default ordering would make SQLite walk the date index, not the partial ones.
        to_add = list(Signature.objects.filter(COUNTABLE, counted=False).order_by().values_list(*fields)[:batch])
        # A counted row stops counting only by leaving the verified state (checks and
        # approvals are never undone), which keeps this on the sig_to_uncount index.
        to_remove = list(
            Signature.objects.filter(~Q(state=State.VERIFIED), counted=True)
            .order_by()
            .values_list(*fields, "public_id", "person_id")[:batch]
        )
        if not to_add and not to_remove:
            return 0
        deltas = Counter()
        for _pk, campaign_id, kind, us_state in to_add:
            deltas[campaign_id, kind, us_state] += 1
        for _pk, campaign_id, kind, us_state, _public_id, _person_id in to_remove:
            deltas[campaign_id, kind, us_state] -= 1
        for (campaign_id, kind, us_state), delta in deltas.items():
            if delta and not Count.objects.filter(campaign_id=campaign_id, kind=kind, us_state=us_state).update(
                total=F("total") + delta
            ):
                Count.objects.create(campaign_id=campaign_id, kind=kind, us_state=us_state, total=delta)
        now = timezone.now()
        for ids in _chunks([row[0] for row in to_add]):
            Signature.objects.filter(pk__in=ids).update(counted=True, modified_at=now)
        for ids in _chunks([row[0] for row in to_remove]):
            Signature.objects.filter(pk__in=ids).update(counted=False, modified_at=now)
        _leave_tombstones(to_remove, now)
        # Withdrawn rows were kept only to be subtracted; now they can go.
        Signature.objects.filter(state=State.WITHDRAWN, counted=False).delete()
    return len(to_add) + len(to_remove)


def _leave_tombstones(rows, now) -> None:
    """Rows partners could see and no longer can: they delete their copies on their next sync."""
    DeletedSignature.objects.bulk_create(
        (DeletedSignature(campaign_id=row[1], public_id=row[-2], person_id=row[-1], deleted_at=now) for row in rows),
        batch_size=1000,
    )


def _counted_buckets() -> list[dict]:
    """Counted rows per campaign, kind and state: one pass over the whole table."""
    if connection.vendor == "sqlite":
        # SQLite picks an index here and then fetches every row from the table in index order, at
        # random: a plain scan of the table is twice as fast (a million rows in about a second, bench/).
        table = connection.ops.quote_name(Signature._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT campaign_id, kind, us_state, COUNT(*) FROM {table} NOT INDEXED WHERE counted GROUP BY 1, 2, 3")  # noqa: S608
            return [{"campaign_id": c, "kind": k, "us_state": s, "n": n} for c, k, s, n in cursor.fetchall()]
    return list(
        Signature.objects.filter(counted=True).values("campaign_id", "kind", "us_state").annotate(n=CountOf("pk")).order_by()
    )


def recount() -> dict:
    """Rebuild every counter from the signatures, exactly; returns {campaign_id: total}."""
    with transaction.atomic():
        _lock()
        now = timezone.now()
        Signature.objects.filter(COUNTABLE, counted=False).update(counted=True, modified_at=now)
        leaving = Signature.objects.filter(~Q(COUNTABLE), counted=True)
        _leave_tombstones(leaving.order_by().values_list("pk", "campaign_id", "public_id", "person_id").iterator(), now)
        leaving.update(counted=False, modified_at=now)
        Signature.objects.filter(state=State.WITHDRAWN, counted=False).delete()
        buckets = _counted_buckets()
        Count.objects.all().delete()
        Count.objects.bulk_create(
            Count(campaign_id=b["campaign_id"], kind=b["kind"], us_state=b["us_state"], total=b["n"]) for b in buckets
        )
    totals = Counter()
    for b in buckets:
        totals[b["campaign_id"]] += b["n"]
    return dict(totals)


def checkpoint_wal() -> None:
    """SQLite: copy the write-ahead log into the database, run by the worker every second.

    PASSIVE: it never waits for or blocks the web processes' writers. Requests
    leave checkpoints to this job (wal_autocheckpoint in settings.DATABASES).
    Not about counting, but it runs beside the counters, on the same timer.
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:  # (it cannot run inside a transaction)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def public_counts(campaign_id: int) -> dict:
    """What the site shows: totals by kind and by US state (cached for a second)."""
    key = f"counts:{campaign_id}"
    counts = cache.get(key)
    if counts is None:
        rows = Count.objects.filter(campaign_id=campaign_id, total__gt=0).values_list("kind", "us_state", "total")
        individuals = organizations = 0
        by_state = Counter()
        for kind, us_state, total in rows:
            if kind == Signature.Kind.ORGANIZATION:
                organizations += total
            else:
                individuals += total
            if us_state:
                by_state[us_state] += total
        total = individuals + organizations
        counts = {
            "total": total,
            "individuals": individuals,
            "organizations": organizations,
            "by_state": dict(sorted(by_state.items())),
            "next_milestone": next_milestone(total),
        }
        cache.set(key, counts, CACHE_SECONDS)
    return counts


def total_in_table(campaign_id: int) -> int:
    return Count.objects.filter(campaign_id=campaign_id).aggregate(t=Sum("total"))["t"] or 0
