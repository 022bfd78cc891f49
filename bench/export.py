"""The signers' CSV export at a million rows: `python -m bench.export` (SQLite, then PostgreSQL).

Seeds a fresh site with N verified signatures (bench.probe seed), then, in one
child process, streams the CSV as the admin's export does (the database
formats the rows) and, on the same rows, csv.writer over the rows the .xlsx
gets (how the CSV was made before): time, CPU of the exporting process and of
PostgreSQL's backend, peak RSS, and whether the two wrote the same bytes.
The machine is shared: the load average is recorded, and the CPU seconds do
not depend on it. Target: 200,000 rows/s. Results:
bench/results/<date>-export.md and a JSON per database.

    python -m bench.export --db sqlite --rows 1000000
"""

import argparse
import datetime
import json
import os
import time
from pathlib import Path

from bench import report
from bench.site import Site, drop_templates, postgres_reachable

TARGET = 200_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure(db: str, rows: int) -> dict:
    with Site(db, "export") as site:
        site.prepare()
        seeded = site.probe("seed", str(rows), "verified")
        log(f"{db}: seeded {rows:,} rows in {seeded['seconds']} s")
        load = [round(x, 2) for x in os.getloadavg()]
        result = site.probe("export", "compare")
        result |= {"db": db, "seed": seeded, "loadavg_before": load, "loadavg_after": [round(x, 2) for x in os.getloadavg()]}
        cpu = result["cpu_seconds"] + result["db_cpu_seconds"]
        result["rows_per_cpu_s"] = round(result["rows"] / cpu)
        log(f"{db}: {result['rows_per_s']:,} rows/s ({cpu:.2f} CPU-s, python: {result['python']['rows_per_s']:,} rows/s), "
            f"same bytes: {result['python']['same_bytes']}, load {load}")  # fmt: skip
        return result


def markdown(results: list[dict], machine: dict) -> str:
    out = [
        f"# The signers' CSV export, {datetime.date.today()}",
        "",
        f"Machine: {machine['nproc']} cores ({machine['cpu']}), shared with other work: the load average is in each row. "
        "CPU-s: the exporting process plus PostgreSQL's backend; rows per CPU-s is what a quiet core would do "
        "when the two run one after the other. `python`: csv.writer over the same rows (the CSV before the database "
        "formatted it), in the same process just after.",
        "",
        "| database | rows | seconds | rows/s | CPU-s (ours + db) | rows per CPU-s | peak RSS | python rows/s (CPU-s) "
        "| same bytes | load before / after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        p = r["python"]
        out.append(
            f"| {r['db']} | {r['rows']:,} | {r['seconds']} | {r['rows_per_s']:,} | {r['cpu_seconds']} + {r['db_cpu_seconds']} "
            f"| {r['rows_per_cpu_s']:,} | {r['peak_rss_mb']} MB | {p['rows_per_s']:,} ({p['cpu_seconds']}) | {p['same_bytes']} "
            f"| {r['loadavg_before'][0]} / {r['loadavg_after'][0]} |"
        )
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--out", default=str(report.RESULTS))
    args = p.parse_args(argv)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.db == "both" and not postgres_reachable():
        dbs = ["sqlite"]
    results = []
    try:
        for db in dbs:
            results.append(measure(db, args.rows))
    finally:
        drop_templates()
    stamp = datetime.date.today().isoformat()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        (out / f"{stamp}-export-{r['db']}.json").write_text(json.dumps(r, indent=1) + "\n")
    (out / f"{stamp}-export.md").write_text(markdown(results, report.machine()))
    log(f"results in {out / f'{stamp}-export.md'}")
    return 0 if all(r["python"]["same_bytes"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
