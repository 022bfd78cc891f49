"""Benchmark: one update to 100,000 supporters, through the real worker, to a local SMTP server.

    .venv/bin/python -m bench.updates                      # SQLite, 100,000 recipients, 4 connections
    .venv/bin/python -m bench.updates --db postgres --recipients 20000 --connections 8 --label try

A fresh site (bench.site.Site): migrated database, default content, then N
confirmed signatures that asked for updates (10% signed in Spanish) and one
update, approved and started through the services. The worker
(`manage.py worker`, UPDATES_RATE=0) is started and timed until the SMTP sink
(aiosmtpd on 127.0.0.1, in this process) has every message; the sink also
counts messages per recipient, so a doubled or missing one shows. Results go
to bench/results/<date>-updates-<db>-<label>.json and a line in
bench/results/<date>-updates.md, with the load average before and after.
"""

import argparse
import collections
import datetime
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from bench import report
from bench.site import PYTHON, ROOT, Site, drop_templates, free_port

RESULTS = ROOT / "bench" / "results"
TARGET_SECONDS = 300


class _Counter:
    def __init__(self):
        self.per_rcpt = collections.Counter()
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
            self.per_rcpt.update(envelope.rcpt_tos)
        return "250 OK"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc): what it cost, whatever else the machine was doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def probe(site: Site, *args: str) -> dict:
    import subprocess

    out = subprocess.run(
        [PYTHON, "-m", "bench.updates_probe", *args], cwd=ROOT, env=site.env, capture_output=True, text=True, timeout=1800
    )
    if out.returncode:
        raise RuntimeError(f"updates_probe {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(args) -> dict:
    handler = _Counter()
    port = args.port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    result = {
        "date": datetime.date.today().isoformat(), "label": args.label, "db": args.db, "machine": report.machine(),
        "recipients": args.recipients, "connections": args.connections,
    }  # fmt: skip
    try:
        with Site(args.db, "updates", email_url=f"smtp://127.0.0.1:{port}") as site:
            site.env.update({"UPDATES_RATE": "0", "UPDATES_CONNECTIONS": str(args.connections)})
            site.prepare()
            result["seed"] = probe(site, "seed", str(args.recipients))
            print(f"seeded: {result['seed']}", flush=True)
            result["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
            sink_cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.monotonic()
            site.start_worker()
            while handler.count < args.recipients and time.monotonic() - t0 < args.limit:
                time.sleep(0.05)
            seconds = time.monotonic() - t0
            result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
            sink_cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            worker_cpu = cpu_seconds(site.worker.pid)
            sink_cpu = (sink_cpu1.ru_utime - sink_cpu0.ru_utime) + (sink_cpu1.ru_stime - sink_cpu0.ru_stime)
            per_message = 1000 / max(handler.count, 1)
            result["cpu_ms_per_message"] = {
                "worker": round(worker_cpu * per_message, 3), "sink": round(sink_cpu * per_message, 3),
            }  # fmt: skip
            time.sleep(2)  # the worker marks the update sent on its next pass
            result["progress"] = probe(site, "progress")
            site.stop_worker()
    finally:
        controller.stop()
        drop_templates()
    doubled = sum(1 for n in handler.per_rcpt.values() if n > 1)
    result.update(
        received=handler.count, distinct=len(handler.per_rcpt), doubled=doubled, seconds=round(seconds, 1),
        per_s=round(handler.count / seconds), met=handler.count == args.recipients and seconds < TARGET_SECONDS and not doubled,
    )  # fmt: skip
    return result


def write(result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stem = f"{result['date']}-updates-{result['db']}-{result['label']}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n")
    md = RESULTS / f"{result['date']}-updates.md"
    if not md.exists():
        m = result["machine"]
        md.write_text(
            f"# Updates to supporters: {result['date']}\n\n"
            f"Machine: {json.dumps(m)}\n\n"
            "`python -m bench.updates`: one update through the real worker (UPDATES_RATE=0) to an aiosmtpd sink "
            "on 127.0.0.1; timed from the worker's start (including fixing the recipient list) to the last message "
            "received. Target: 100,000 in under 300 s. CPU per message (the worker process, and the sink in the "
            "benchmark's process) does not depend on what else the machine runs.\n\n"
            "| label | db | recipients | connections | received | doubled | seconds | per s "
            "| worker CPU ms/msg | sink CPU ms/msg | load avg before | load avg after | target met |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n"
        )
    cpu = result.get("cpu_ms_per_message", {})  # (not measured by the first run)
    with md.open("a") as f:
        f.write(
            f"| {result['label']} | {result['db']} | {result['recipients']:,} | {result['connections']} | "
            f"{result['received']:,} | {result['doubled']} | {result['seconds']} | {result['per_s']:,} | "
            f"{cpu.get('worker', '-')} | {cpu.get('sink', '-')} | "
            f"{' '.join(map(str, result['loadavg_before']))} | {' '.join(map(str, result['loadavg_after']))} | "
            f"{'yes' if result['met'] else 'no'} |\n"
        )
    return md


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.updates", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--recipients", type=int, default=100_000)
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--port", type=int, default=0, help="the SMTP sink's port (default: any free one)")
    p.add_argument("--limit", type=float, default=900, help="give up after this many seconds")
    p.add_argument("--label", default="current")
    p.add_argument("--no-write", action="store_true", help="print the result without writing bench/results")
    args = p.parse_args(argv)
    result = run(args)
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    if not args.no_write:
        print(f"results in {write(result)}")
    return 0 if result["met"] or args.recipients != 100_000 else 1


if __name__ == "__main__":
    sys.exit(main())
