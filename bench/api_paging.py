"""Paging through a million signatures with the partner API, as an Action Network client does.

    .venv/bin/python -m bench.api_paging                 # SQLite, then PostgreSQL; about 15 minutes
    .venv/bin/python -m bench.api_paging --db sqlite --rows 100000

A fresh site (bench.site: its own database, `make serve` with granian), a
million verified signatures on one petition, a token, then one client on one
keep-alive connection that pages through them all by following the next links
(25 a page, the maximum) until a page comes back empty, and checks it saw every
signature exactly once. Then the price of a deep page asked by number
(`?page=N`, as clients that build their own URLs do), and an incremental sync
of what changed since the full one. Results: bench/results/<date>-api-paging.md
and a .json per database, with the load average beside each run.
"""

import argparse
import datetime
import http.client
import json
import os
import statistics
import time
from pathlib import Path

from bench.site import Site, drop_templates, postgres_reachable

RESULTS = Path(__file__).resolve().parent / "results"
PARTNER = "Bench Partner"
SLUG = "stop-surveilling-our-communities"  # the default petition (bench.probe)


def log(message: str) -> None:
    print(f"[api-paging {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Client:
    """An Action Network client: one keep-alive connection, the token in OSDI-API-Token."""

    def __init__(self, port: int, key: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.key = key

    def get(self, path: str) -> tuple[dict, float]:
        t0 = time.perf_counter()
        self.conn.request("GET", path, headers={"OSDI-API-Token": self.key})
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - t0
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return json.loads(body), elapsed


def _path(href: str) -> str:
    return "/" + href.split("://", 1)[1].partition("/")[2]


def page_through(client: Client, path: str) -> dict:
    """Follow next links until an empty page; every identifier once."""
    seen, latencies, t0 = set(), [], time.perf_counter()
    pages = total_records = 0
    while True:
        body, elapsed = client.get(path)
        latencies.append(elapsed)
        items = body["_embedded"]["osdi:signatures"]
        total_records = body.get("total_records", total_records)
        if not items:
            break
        pages += 1
        for item in items:
            seen.add(item["identifiers"][0])
        path = _path(body["_links"]["next"]["href"])
    seconds = time.perf_counter() - t0
    latencies.sort()
    return {
        "pages": pages,
        "rows": len(seen),
        "total_records": total_records,
        "seconds": round(seconds, 1),
        "rows_per_s": round(len(seen) / seconds) if seconds else 0,
        "pages_per_s": round((pages + 1) / seconds, 1) if seconds else 0,
        "page_ms_p50": round(statistics.median(latencies) * 1000, 2),
        "page_ms_p99": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
    }


def run(db: str, rows: int) -> dict:
    result = {"db": db, "rows": rows, "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}
    with Site(db, "api-paging") as site:
        site.prepare()
        seeded = site.probe("seed", str(rows), "verified")
        log(f"{db}: seeded {seeded['rows']:,} signatures in {seeded['seconds']} s")
        t0 = time.perf_counter()
        site.manage("recount")  # counted = what partners see
        result["recount_s"] = round(time.perf_counter() - t0, 1)
        site.manage("shell", "-c", f"from pages.models import Organization; Organization.objects.get_or_create(name={PARTNER!r})")
        out = site.manage("create_api_token", PARTNER, "--campaign", SLUG, "--rate", "10000")
        key = out.strip().splitlines()[-1]
        petition = site.manage(
            "shell", "-c", f"from signatures.models import Campaign; print(Campaign.objects.get(slug={SLUG!r}).public_id)"
        )
        base = f"/api/v2/petitions/{petition.strip().splitlines()[-1]}/signatures"
        site.start_server()
        client = Client(site.port, key)
        client.get(base)  # warm both workers' connections a little
        client.get(base)

        result["loadavg_full_sync"] = [round(x, 2) for x in os.getloadavg()]
        full = page_through(client, base)
        log(f"{db}: full sync {full['rows']:,} rows, {full['pages']:,} pages in {full['seconds']} s "
            f"({full['rows_per_s']:,} rows/s; page p50 {full['page_ms_p50']} ms, p99 {full['page_ms_p99']} ms)")  # fmt: skip
        assert full["rows"] == rows == full["total_records"], full
        result["full_sync"] = full

        # Clients that build ?page=N themselves get the same rows by offset: the price of depth.
        last = -(-rows // 25)
        by_number = {}
        for number in (1, last // 2, last):
            times = sorted(client.get(f"{base}?page={number}")[1] for _ in range(5))
            by_number[str(number)] = round(times[2] * 1000, 1)
        result["page_by_number_ms"] = by_number
        log(f"{db}: a page by number (median of 5), page: ms {by_number}")

        # Incremental sync: 1,000 signatures change after the full sync.
        since = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        time.sleep(1.1)
        site.manage(
            "shell", "-c",
            "from django.utils import timezone; from signatures.models import Signature; "
            "ids = list(Signature.objects.order_by('?').values_list('pk', flat=True)[:1000]); "
            "Signature.objects.filter(pk__in=ids).update(modified_at=timezone.now())",
        )  # fmt: skip
        delta = page_through(client, f"{base}?filter=modified_date+gt+%27{since}%27")
        assert delta["rows"] == 1000, delta
        result["incremental_sync_1000"] = delta
        log(f"{db}: incremental sync of 1,000 changed rows: {delta['pages']} pages in {delta['seconds']} s")
    return result


def write(results: list[dict]) -> None:
    """Each database's JSON, and the day's table from every database run that day (a rerun of one keeps the other)."""
    RESULTS.mkdir(exist_ok=True)
    date = datetime.date.today().isoformat()
    for r in results:
        (RESULTS / f"{date}-{r['db']}-api-paging.json").write_text(json.dumps(r, indent=2) + "\n")
    results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob(f"{date}-*-api-paging.json"))]
    lines = [
        f"# Partner API: paging through {results[0]['rows']:,} signatures ({date})",
        "",
        f"`python -m bench.api_paging`; machine: {os.cpu_count()} cores; one client, one keep-alive connection, "
        "25 signatures a page, following next links to the empty page; server `make serve` (granian, 2 workers).",
        "",
        "| | rows/s | pages/s | page p50 / p99 | full sync | page by number: 1 / middle / last "
        "| incremental (1,000 changed) | load average (start, sync) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        f, n, d = r["full_sync"], r["page_by_number_ms"], r["incremental_sync_1000"]
        lines.append(
            f"| {r['db']} | {f['rows_per_s']:,} | {f['pages_per_s']} | {f['page_ms_p50']} / {f['page_ms_p99']} ms "
            f"| {f['seconds']} s | {' / '.join(str(v) for v in n.values())} ms | {d['seconds']} s "
            f"| {r['loadavg_at_start']}, {r['loadavg_full_sync']} |"
        )
    (RESULTS / f"{date}-api-paging.md").write_text("\n".join(lines) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.api_paging", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not postgres_reachable():
        log("PostgreSQL is not reachable: SQLite only")
        dbs.remove("postgres")
    try:
        results = [run(db, args.rows) for db in dbs]
    finally:
        drop_templates()  # the migrated template each Site copies
    write(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
