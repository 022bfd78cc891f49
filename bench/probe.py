"""Database-side steps of the benchmarks, run in a child process with the site's settings.

    python -m bench.probe rows PREFIX SENT_PER_THREAD_JSON
    python -m bench.probe seed N verified|pending
    python -m bench.probe scale
    python -m bench.probe export
    python -m bench.probe outbox
    python -m bench.probe states PREFIX

Each prints one JSON line. Seeding is a bulk insert (executemany on SQLite,
COPY on PostgreSQL), not the ORM row by row: a million rows take seconds.
"""

import functools
import hashlib
import json
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count as CountOf  # noqa: E402
from django.utils import timezone  # noqa: E402

from signatures import counting, export, us_zip  # noqa: E402
from signatures.emails import person_id  # noqa: E402
from signatures.models import Campaign, Signature  # noqa: E402

SLUG = "stop-surveilling-our-communities"


def campaign() -> Campaign:
    return Campaign.objects.get(slug=SLUG)


def rss_kb(field: str = "VmRSS") -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (same machine: /proc); 0 on SQLite."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, repeat: int = 1, before=None) -> tuple[float, object]:
    """Median wall time in ms over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        if before:
            before()
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 3), result


# --- sign check ----------------------------------------------------------------
def rows(prefix: str, sent_per_thread: str) -> dict:
    """Rows stored by one sign run: all distinct, and every one an address the load generator sent."""
    sent = {int(k): v for k, v in json.loads(sent_per_thread).items()}
    pattern = re.compile(rf"^{re.escape(prefix)}-t(\d+)-(\d+)@example\.org$")
    emails = list(Signature.objects.filter(email__startswith=prefix + "-t").values_list("email", "email_hash"))
    foreign = 0
    for email, _ in emails:
        match = pattern.match(email)
        if not match or int(match.group(2)) > sent.get(int(match.group(1)), 0):
            foreign += 1
    return {
        "rows": len(emails),
        "distinct_emails": len({e for e, _ in emails}),
        "distinct_hashes": len({h for _, h in emails}),
        "foreign": foreign,
        # Stored as made with a proof of work: the proofs were bound to the right network and domain.
        "with_proof": Signature.objects.filter(email__startswith=prefix + "-t", proof_of_work=True).count(),
    }


# --- bulk seeding ----------------------------------------------------------------
@functools.cache
def _zip_pool(size: int = 3000) -> list[tuple[str, str, str]]:
    table = us_zip._table()
    rng = random.Random(7)
    zips = sorted(z for z, (_, state) in table.items() if state in us_zip.STATE_NAMES)
    return [(z, *table[z]) for z in rng.sample(zips, min(size, len(zips)))]


def _generate(n: int, kind: str, campaign_id: int):
    """Rows as dicts of the fields that vary; the others get their model default."""
    rng = random.Random(42)
    pool = _zip_pool()
    now = timezone.now()
    for i in range(n):
        zip_code, city, state = pool[rng.randrange(len(pool))]
        wants_updates = kind == "pending" or rng.random() < 0.1
        created = now - timedelta(seconds=rng.randrange(86400 * 3))
        yield {
            "campaign_id": campaign_id,
            "state": "pending" if kind == "pending" else "verified",
            "name": f"Seeded Signer {i}",
            "email": f"seed-{i}@example.org" if wants_updates else None,
            "email_hash": hashlib.sha256(f"seed-{i}".encode()).hexdigest(),
            "email_domain": "example.org",
            "zip_code": zip_code,
            "city": city,
            "us_state": state,
            "show_name": rng.random() < 0.5,
            "wants_updates": wants_updates,
            "created_at": created,
            "verified_at": None if kind == "pending" else created + timedelta(minutes=5),
            "email_due": "confirm" if kind == "pending" else "",
            "checked": True,  # the abuse checks have passed over them
            # Per row (a field default is computed once): the partner API's identifiers.
            "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "person_id": person_id(hashlib.sha256(f"seed-{i}".encode()).hexdigest()),
        }


def _rows(n: int, kind: str, campaign_id: int):
    """(columns, tuples ready for the database): every concrete field, defaults where not generated."""
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    datetimes = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}
    uuids = {f.attname: f for f in fields if f.get_internal_type() == "UUIDField"}
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else (lambda v: v)

    def tuples():
        for row in _generate(n, kind, campaign_id):
            values = {**defaults, **row}
            for name in datetimes:
                if values[name] is not None:
                    values[name] = adapt(values[name])
            for name, field in uuids.items():
                values[name] = field.get_db_prep_value(values[name], connection)
            yield tuple(values[f.attname] for f in fields)

    return columns, tuples()


def seed(n: str, kind: str) -> dict:
    n = int(n)
    cid = campaign().pk
    _zip_pool()  # built once (cached), outside the timing
    t0 = time.perf_counter()
    columns, data = _rows(n, kind, cid)
    if connection.vendor == "postgresql":
        copy_sql = f"COPY signatures_signature ({', '.join(columns)}) FROM STDIN"
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in data:
                copy.write_row(row)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE signatures_signature")
    else:
        sql = f"INSERT INTO signatures_signature ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch = 50_000
        with transaction.atomic(), connection.cursor() as cursor:
            while chunk := [row for _, row in zip(range(batch), data, strict=False)]:
                cursor.executemany(sql, chunk)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - t0
    return {"rows": n, "seconds": round(seconds, 2), "rows_per_s": round(n / seconds)}


# --- the scale of data ------------------------------------------------------------
def scale() -> dict:
    cid = campaign().pk
    first_ms, totals = timed(counting.recount)  # a million newly confirmed rows to mark and count
    steady_ms, _ = timed(counting.recount, repeat=3)  # everything already counted: the real rebuild cost
    count_ms, total = timed(lambda: counting.total_in_table(cid), repeat=21, before=cache.clear)
    per_state_ms, counts = timed(lambda: counting.public_counts(cid), repeat=21, before=cache.clear)
    cached_ms, _ = timed(lambda: counting.public_counts(cid), repeat=21)
    raw_ms, raw = timed(
        lambda: list(
            Signature.objects.filter(campaign_id=cid, state="verified").values("us_state").annotate(n=CountOf("pk")).order_by()
        ),
        repeat=3,
    )
    # The worker's job after a burst: 20,000 confirmations to fold into the counters
    # (taken back first, so the table stays exact: the job subtracts them, then adds them again).
    ids = list(Signature.objects.filter(campaign_id=cid).order_by("-pk").values_list("pk", flat=True)[:20_000])
    for chunk in (ids[:10_000], ids[10_000:]):
        Signature.objects.filter(pk__in=chunk).update(state="pending")
    counting.update_counts()
    for chunk in (ids[:10_000], ids[10_000:]):
        Signature.objects.filter(pk__in=chunk).update(state="verified")
    update_ms, folded = timed(counting.update_counts)
    assert counting.total_in_table(cid) == total, "update_counts disagrees with recount"
    return {
        "signatures": Signature.objects.filter(campaign_id=cid).count(),
        "counted_total": total,
        "states": len(counts["by_state"]),
        "recount_first_ms": first_ms,
        "recount_ms": steady_ms,
        "count_ms": count_ms,
        "per_state_ms": per_state_ms,
        "per_state_cached_ms": cached_ms,
        "per_state_from_rows_ms": raw_ms,
        "update_counts_20k_ms": update_ms,
        "update_counts_folded": folded,
        "raw_states": len(raw),
        "recount_totals_ok": totals.get(cid) == total,
    }


def _export_by_python(c):
    """The rows the .xlsx gets, written by csv.writer: what the CSV was before the database formatted it."""
    import csv
    import io

    headers, chunks, _ = export.EXPORTS["signers"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(export.BOM)
    writer.writerow(headers())
    for chunk in chunks(c):
        writer.writerows(chunk)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def export_csv(compare: str = "") -> dict:
    """The signers' CSV as the admin streams it; with "compare", also csv.writer over the same rows, timed alike."""
    c = campaign()
    if compare:
        result = export_csv()
        digest = hashlib.sha256()
        t0, cpu0 = time.perf_counter(), time.process_time()
        for chunk in _export_by_python(c):
            digest.update(chunk)
        seconds = time.perf_counter() - t0
        result["python"] = {
            "seconds": round(seconds, 2), "cpu_seconds": round(time.process_time() - cpu0, 2),
            "rows_per_s": round(result["rows"] / seconds), "same_bytes": digest.hexdigest() == result["sha256"],
        }  # fmt: skip
        return result
    rss_before = rss_kb()
    digest = hashlib.sha256()
    db0 = backend_cpu()
    t0, cpu0 = time.perf_counter(), time.process_time()
    size = lines = 0
    for chunk in export.csv_response(c, actor="bench").streaming_content:  # what the admin's export view streams
        size += len(chunk)
        lines += chunk.count(b"\r\n")  # names and the like are single-line (validated)
        digest.update(chunk)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    db_cpu = backend_cpu() - db0
    rows_out = lines - 1
    return {
        "rows": rows_out,
        "bytes": size,
        "sha256": digest.hexdigest(),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows_out / seconds),
        # This process's CPU only (on PostgreSQL the database formats the CSV in its own process).
        "cpu_seconds": round(cpu, 2),
        "db_cpu_seconds": round(db_cpu, 2),  # PostgreSQL's backend for this connection (0 on SQLite)
        "rss_before_mb": round(rss_before / 1024, 1),
        "peak_rss_mb": round(rss_kb("VmHWM") / 1024, 1),
    }


def proofs(n: str, path: str, threads: str = "2") -> dict:
    """Solved proofs of work as browsers send them, minted with the server's key (so no search is needed).

    Each is bound, as pow.js's are, to the campaign, network and email domain of the request that
    carries it: wrk thread t's k-th proof goes with its k-th request, whose address bench.lua derives.
    """
    import base64
    import urllib.parse

    import altcha

    from core.privacy import ip_hash
    from defence import pow

    petition = campaign()
    expires = timezone.now() + pow.EXPIRES
    t0 = time.perf_counter()
    threads = int(threads)
    with open(path, "w") as f:
        for i in range(int(n)):
            tid, sent = i % threads + 1, i // threads + 1
            ip = f"198.{18 + tid % 2}.{sent // 250 % 250}.{sent % 250 + 1}"  # as bench.lua's request()
            made = altcha.create_challenge_v1(
                altcha.ChallengeOptionsV1(
                    hmac_key=pow._key(), max_number=pow.BASE_DIFFICULTY, number=i % 1000, expires=expires,
                    salt_length=pow.SALT_BYTES, params={"b": pow._binding(petition.pk, ip_hash(ip), "example.org")},
                )
            )  # fmt: skip
            body = {"algorithm": made.algorithm, "challenge": made.challenge, "number": i % 1000, "salt": made.salt,
                    "signature": made.signature}  # fmt: skip
            f.write(urllib.parse.quote(base64.b64encode(json.dumps(body).encode()).decode(), safe="") + "\n")
    return {"proofs": int(n), "seconds": round(time.perf_counter() - t0, 2)}


def outbox() -> dict:
    return {"due": Signature.objects.exclude(email_due="").count(), "total": Signature.objects.count()}


def states(prefix: str) -> dict:
    """The rows whose address starts with `prefix`, by state and by whether an email is still owed."""
    rows = Signature.objects.filter(email__startswith=prefix)
    return {
        "rows": rows.count(),
        "by_state": dict(rows.order_by().values_list("state").annotate(n=CountOf("pk"))),
        "unchecked": rows.filter(checked=False).count(),
        "due": rows.exclude(email_due="").count(),
        "all_due": Signature.objects.exclude(email_due="").count(),
    }


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    result = {"rows": rows, "seed": seed, "scale": scale, "export": export_csv, "outbox": outbox, "proofs": proofs,
              "states": states}[command](*args)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
