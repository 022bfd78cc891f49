"""Batched counters: signing never touches a shared row.

`update_counts` (run by the worker every second) folds rows whose counted
flag disagrees with their state into the Count table in one transaction;
`recount` rebuilds the table from the signatures themselves.

The counted rows are also what partners see through the API (models.PARTNER_VISIBLE):
a row entering them gets a new modified_at (for partners' incremental sync),
and a row leaving them leaves a DeletedSignature (a tombstone) for their next sync.
"""

import logging
from collections import Counter

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count as CountOf
from django.db.models import F, Q, Sum
from django.utils import timezone

from core.db import one_sqlite_writer
from core.notify import email_organizers

from .models import Campaign, Count, DeletedSignature, Signature
from .states import State

BATCH = 20_000
CACHE_SECONDS = 1
_LOCK_KEY = 7_130_001  # PostgreSQL advisory lock: one counter run at a time

# Organizations count once an organizer has approved them; everyone once the
# abuse checks have passed over the row (defence/checks.py).
COUNTABLE = Q(state=State.VERIFIED, checked=True) & (Q(kind=Signature.Kind.INDIVIDUAL) | Q(approved_at__isnull=False))

logger = logging.getLogger(__name__)

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


def goal(campaign_goal: int | None, total: int) -> dict:
    """The goal the page shows: the organizers' own while it is ahead, else the next milestone.

    {"goal": the number the progress bar aims at, "own": whether it is the organizers' goal,
    "reached": the organizers' goal once passed, else None}.
    """
    if campaign_goal and total < campaign_goal:
        return {"goal": campaign_goal, "own": True, "reached": None}
    return {"goal": next_milestone(total), "own": False, "reached": campaign_goal or None}


def reached_milestone(total: int) -> int:
    """The last goal reached (0 below the first): what a share image shows, so it changes only at a milestone."""
    reached, milestone = 0, MILESTONES[0]
    while total >= milestone:
        reached, milestone = milestone, next_milestone(milestone)
    return reached


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _flip(condition: Q, counted: bool, batch: int, now) -> list[tuple]:
    """Set `counted` on up to `batch` rows matching `condition`; returns, for each row it changed,
    (campaign_id, kind, us_state, public_id, person_id).

    One UPDATE ... RETURNING, so the deltas come from exactly the rows that
    changed: the fold and the state changes cannot disagree. On PostgreSQL
    the UPDATE locks each row and checks the condition again on a row another
    transaction just changed (a withdrawal, an invalidation) before touching
    it; the withdrawal in turn waits for the fold and then finds the row
    counted, so it leaves it for the next fold to subtract. (Reading the rows
    first and writing later let a withdrawal slip in between and left the
    count one too high until `recount`.)
    """
    picked = Signature.objects.filter(condition).order_by().values("pk")[:batch]
    query = Signature.objects.filter(condition, pk__in=picked).query
    where, params = query.get_compiler(connection=connection).compile(query.where)
    quote = connection.ops.quote_name
    field = Signature._meta.get_field
    columns = ", ".join(quote(field(name).column) for name in ("campaign", "kind", "us_state", "public_id", "person_id"))
    modified = field("modified_at").get_db_prep_save(now, connection)
    sql = (
        f"UPDATE {quote(Signature._meta.db_table)} SET {quote('counted')} = %s, {quote('modified_at')} = %s"  # noqa: S608
        f" WHERE {where} RETURNING {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [counted, modified, *params])
        return cursor.fetchall()


def update_counts(batch: int = BATCH) -> int:
    """Apply the signatures verified or un-verified since the last run; returns how many."""
    with one_sqlite_writer(), transaction.atomic():
        _lock()
        now = timezone.now()
        added = _flip(COUNTABLE & Q(counted=False), True, batch, now)
        # A counted row stops counting only by leaving the verified state (checks and
        # approvals are never undone), which keeps this on the sig_to_uncount index.
        removed = _flip(~Q(state=State.VERIFIED) & Q(counted=True), False, batch, now)
        if not added and not removed:
            return 0
        deltas = Counter()
        for row in added:
            deltas[row[:3]] += 1
        for row in removed:
            deltas[row[:3]] -= 1
        _apply(deltas)
        _leave_tombstones(((row[0], row[3], row[4]) for row in removed), now)
        # Withdrawn rows were kept only to be subtracted; now they can go.
        Signature.objects.filter(state=State.WITHDRAWN, counted=False).delete()
    return len(added) + len(removed)


def _leave_tombstones(rows, now) -> None:
    """Rows partners could see and no longer can, as (campaign_id, public_id, person_id): partners delete
    their copies on their next sync."""
    DeletedSignature.objects.bulk_create(
        (
            DeletedSignature(campaign_id=c, public_id=public_id, person_id=person_id, deleted_at=now)
            for c, public_id, person_id in rows
        ),
        batch_size=1000,
    )


def _apply(deltas: Counter) -> None:
    for (campaign_id, kind, us_state), delta in deltas.items():
        if delta and not Count.objects.filter(campaign_id=campaign_id, kind=kind, us_state=us_state).update(
            total=F("total") + delta
        ):
            Count.objects.create(campaign_id=campaign_id, kind=kind, us_state=us_state, total=delta)


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
    with one_sqlite_writer(), transaction.atomic():
        _lock()
        now = timezone.now()
        Signature.objects.filter(COUNTABLE, counted=False).update(counted=True, modified_at=now)
        leaving = Signature.objects.filter(~Q(COUNTABLE), counted=True)
        _leave_tombstones(leaving.order_by().values_list("campaign_id", "public_id", "person_id").iterator(), now)
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


def _drifted_buckets() -> list[tuple]:
    """Buckets whose count differs from its counted rows: (campaign_id, kind, us_state, rows, count).

    One statement, so one consistent snapshot on both databases, and no lock:
    the web keeps signing and the fold keeps folding while it reads.
    """
    quote = connection.ops.quote_name
    signatures, counts = quote(Signature._meta.db_table), quote(Count._meta.db_table)
    not_indexed = "NOT INDEXED" if connection.vendor == "sqlite" else ""  # see _counted_buckets
    sql = f"""
        SELECT campaign_id, kind, us_state, SUM(n), SUM(t) FROM (
            SELECT campaign_id, kind, us_state, COUNT(*) AS n, 0 AS t FROM {signatures} {not_indexed}
            WHERE counted GROUP BY campaign_id, kind, us_state
            UNION ALL
            SELECT campaign_id, kind, us_state, 0, total FROM {counts}
        ) buckets GROUP BY campaign_id, kind, us_state HAVING SUM(n) <> SUM(t)
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(c, k, s, int(n), int(t)) for c, k, s, n, t in cursor.fetchall()]


def check_drift() -> int:
    """The worker's daily check: compare the counts with a recount, repair and report any difference.

    The fold keeps each count equal to the number of its rows marked counted,
    in one transaction; a difference means a bug or a hand edit (the UK
    petitions site runs the same check). Returns how many counts were wrong.
    """
    if not _drifted_buckets():
        return 0
    with one_sqlite_writer(), transaction.atomic():
        _lock()  # no fold in between: what differs now is drift, not a fold half-seen
        drifted = _drifted_buckets()
        for campaign_id, kind, us_state, rows, _shown in drifted:
            Count.objects.update_or_create(campaign_id=campaign_id, kind=kind, us_state=us_state, defaults={"total": rows})
    if drifted:
        _report(drifted)
    return len(drifted)


def _report(drifted: list[tuple]) -> None:
    campaigns = Campaign.objects.in_bulk({row[0] for row in drifted})
    lines = [
        {"campaign": campaigns.get(c), "kind": k, "us_state": s or "-", "was": shown, "now": rows}
        for c, k, s, rows, shown in drifted
    ]
    for line in lines:
        logger.error("count drift repaired: %(campaign)s %(kind)s %(us_state)s was %(was)s, is %(now)s", line)
    email_organizers("signatures/emails/drift", {"lines": lines})


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
