"""Benchmark: import and aggregate a city's alert export (the evidence kit), then render its fact sheet.

    .venv/bin/python -m bench.evidence_import                 # a million rows, SQLite in a temporary file
    .venv/bin/python -m bench.evidence_import --db postgres   # on PostgreSQL, in <DATABASE_URL's name>_evidence_bench
    .venv/bin/python -m bench.evidence_import --rows 5000 --no-record

Writes a Chicago-shaped CSV with messy parts (1% repeated rows, empty and
unreadable dates, rows from outside the city, two date formats), imports it
with the same code as the admin and `import_alerts`, and records the time of
the import (read, count, store the aggregates, compute the figures in one
transaction), the peak memory and the fact sheet's render time, beside the
load average, in bench/results/.

Target (issue 16): a million alerts imported and aggregated in under a minute;
the fact sheet renders in milliseconds.
"""

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HEADER = [
    "DATE", "BLOCK", "ZIP_CODE", "WARD", "COMMUNITY_AREA", "AREA", "DISTRICT", "BEAT", "UNIQUE_ID", "MONTH",
    "DAY_OF_WEEK", "HOUR", "INCIDENT_TYPE_DESCRIPTION", "ROUNDS", "LATITUDE", "LONGITUDE", "LOCATION",
]  # fmt: skip
TYPES = ["SINGLE GUNSHOT", "MULTIPLE GUNSHOTS", "GUNSHOT OR FIRECRACKER"]
HOUR_WEIGHTS = [9, 8, 6, 4, 3, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10]


def write_sample(path: Path, rows: int, seed: int = 16) -> dict:
    """A Chicago-shaped export; returns how many rows of each kind it holds."""
    rng = random.Random(seed)
    beats = [
        (f"{d}{b:02d}", 41.65 + rng.random() * 0.35, -87.80 + rng.random() * 0.26) for d in range(1, 26) for b in range(11, 22)
    ]
    beat_weights = [1 / (i + 1) ** 0.8 for i in range(len(beats))]
    start = datetime(2017, 1, 1)
    span = (datetime(2024, 12, 31) - start).total_seconds()
    counts = {"rows": rows, "repeats": 0, "empty_date": 0, "outside": 0}
    previous = []
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(rows):
            roll = rng.random()
            if previous and roll < 0.01:
                writer.writerow(rng.choice(previous))
                counts["repeats"] += 1
                continue
            moment = start + timedelta(seconds=rng.random() * span)
            hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
            moment = moment.replace(hour=hour)
            beat, lat, lon = rng.choices(beats, beat_weights)[0]
            lat, lon = lat + rng.gauss(0, 0.004), lon + rng.gauss(0, 0.004)
            if roll < 0.011:
                when = ""
                counts["empty_date"] += 1
            elif roll < 0.5:
                when = moment.strftime("%m/%d/%Y %I:%M:%S %p")
            else:
                when = moment.strftime("%Y-%m-%dT%H:%M:%S")
            if 0.011 <= roll < 0.012:
                lat, lon = 40.11, -88.23  # Champaign: outside the city
                counts["outside"] += 1
            row = [
                when, f"{rng.randint(0, 130)}XX S STATE ST", "60621", "20", "68", "1", beat[:-2], beat, f"SST-{n}",
                moment.month, moment.isoweekday(), hour, rng.choice(TYPES), rng.randint(1, 20),
                f"{lat:.6f}", f"{lon:.6f}", f"({lat:.6f}, {lon:.6f})",
            ]  # fmt: skip
            writer.writerow(row)
            if len(previous) < 1000:
                previous.append(row)
    return counts


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--renders", type=int, default=50, help="Fact sheet renders to time.")
    parser.add_argument("--no-record", action="store_true", help="Print the results, write nothing in bench/results/.")
    parser.add_argument("--sample", type=Path, help="Keep the generated CSV here and reuse it when it exists (same --rows).")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    if args.db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    else:
        # Never the database DATABASE_URL names: its own one beside it, dropped and made anew.
        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stopss")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1].split("?")[0] + "_evidence_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))

    sample = args.sample or work / "alerts.csv"
    t = time.monotonic()
    if args.sample and sample.exists() and sample.with_suffix(".json").exists():
        made = json.loads(sample.with_suffix(".json").read_text())
        assert made["rows"] == args.rows, f"{sample} holds {made['rows']:,} rows, not {args.rows:,}"
    else:
        made = write_sample(sample, args.rows)
        sample.with_suffix(".json").write_text(json.dumps(made))
        print(f"wrote {args.rows:,} rows ({sample.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - t:.1f} s", file=sys.stderr)

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    if args.db == "postgres":
        _recreate_postgres(connection)
    call_command("migrate", verbosity=0)
    from evidence import csvfile, schemas, services
    from evidence.models import Aggregate
    from local_actions.models import LocalAction

    LocalAction.objects.filter(slug="chicago-il").delete()
    action = LocalAction.objects.create(
        city="Chicago", state="IL", slug="chicago-il", latitude="41.87811", longitude="-87.62980", amount_usd=49_000_000
    )
    load_before = load_average()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, cpu = time.monotonic(), time.process_time()
    with sample.open("rb") as fileobj:
        mapping = schemas.SCHEMAS["chicago"].mapping_for(csvfile.inspect(fileobj).header)
        done = services.import_now(
            action, fileobj, sample.name, mapping, "bench", schema_name="chicago", time_zone="America/Chicago", radius_km=40
        )
    seconds, cpu_seconds = time.monotonic() - t, time.process_time() - cpu
    load_after = load_average()
    assert done.status == "done", done.error
    report = done.report

    client = Client(SERVER_NAME="127.0.0.1")
    url = f"/local/{action.slug}/facts/"
    timings = []
    # Static files as in development: the benchmark does not run collectstatic.
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        cold, cold_cpu = [], []
        for _ in range(args.renders):
            cache.clear()  # built from the stored figures and rendered: a first visit after an import
            t, cpu = time.perf_counter(), time.process_time()
            client.get(url)
            cold.append((time.perf_counter() - t) * 1000)
            cold_cpu.append((time.process_time() - cpu) * 1000)
        for _ in range(args.renders):
            t = time.perf_counter()
            client.get(url)  # served from the page cache
            timings.append((time.perf_counter() - t) * 1000)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "db": args.db,
        "rows": args.rows,
        "file_mb": round(sample.stat().st_size / 1e6, 1),
        "made": made,
        "kept": report["kept"],
        "duplicates": report["duplicates"],
        "skipped": {k: v["count"] for k, v in report["skipped"].items()},
        "import_seconds": round(seconds, 2),
        "import_cpu_seconds": round(cpu_seconds, 2),  # this process's CPU time: what the import costs on an idle core
        "rows_per_second": round(args.rows / seconds),
        "aggregates": Aggregate.objects.filter(dataset__action=action).count(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_mb": round(rss_before / 1024),
        "render_ms_median": round(statistics.median(cold), 2),
        "render_ms_p95": round(sorted(cold)[int(len(cold) * 0.95) - 1], 2),
        "render_cpu_ms_median": round(statistics.median(cold_cpu), 2),
        "cached_ms_median": round(statistics.median(timings), 2),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    print(json.dumps(result, indent=2))
    assert report["kept"] + report["duplicates"] + sum(result["skipped"].values()) == args.rows
    if not args.no_record:
        RESULTS.mkdir(exist_ok=True)
        stem = f"{datetime.now(UTC):%Y-%m-%d-%H%M}-evidence-import-{args.db}"
        (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"recorded in bench/results/{stem}.json", file=sys.stderr)
    if not args.sample:
        sample.unlink()
        sample.with_suffix(".json").unlink()
    return 0


def _recreate_postgres(connection) -> None:
    """A fresh benchmark database, so earlier runs do not weigh on this one."""
    import psycopg

    settings = connection.settings_dict
    name = settings["NAME"]
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    raise SystemExit(main())
