"""A flood from one network must not hold up everyone else: `python -m bench.flood`.

A fresh site as `make serve` runs it, the real worker (`manage.py worker`)
and a local SMTP sink. wrk sends 10,000 signatures from one address, as a
bot without JavaScript would; meanwhile, twice a second, an honest signer
signs from their own address, waits for the email, and confirms. Recorded:
how long each honest signer waited for their email (target: 10 s) and for
the public count (count.json) to show their confirmation (target: 5 s),
during the flood and afterwards while the flood's flagged emails drain.

    .venv/bin/python -m bench.flood --db both --label after
    .venv/bin/python -m bench.flood --db sqlite --flood 2000 --label try

Results: bench/results/<date>-flood-<db>-<label>.json, summed up in
bench/results/<date>-flood.md (with the load average beside every run).
"""

import argparse
import contextlib
import datetime
import json
import os
import statistics
import sys
import threading
import time
import traceback
import urllib.request
from pathlib import Path

from bench import loadgen, report
from bench.run import _opener, _post, log
from bench.site import PETITION, Site, drop_templates, postgres_reachable
from bench.smtp_sink import Sink

FLOOD_IP = "198.51.100.7"
FLOOD_PREFIX = "flood"
EMAIL_TARGET_S = 10
COUNT_TARGET_S = 5


def _count(base: str) -> int:
    with urllib.request.urlopen(base + PETITION + "count.json", timeout=10) as r:  # noqa: S310 - http://127.0.0.1
        return json.loads(r.read())["total"]


class Honest:
    """Honest signers, one every `every` seconds, each from its own address and email domain."""

    def __init__(self, site: Site, sink: Sink, every: float):
        self.site, self.sink, self.every = site, sink, every
        self.results: list[dict] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.t0 = time.monotonic()
        self.phase = "before"

    def run(self) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            thread = threading.Thread(target=self.one, args=(i, self.phase), daemon=True)
            thread.start()
            self.threads.append(thread)
            self.stop.wait(self.every)

    def one(self, i: int, phase: str) -> None:
        address = f"honest{i}@probe{i}.example"
        ip = f"203.0.{113 - i // 250}.{i % 250 + 1}"
        self.sink.watch(address)
        form = {"signer": "individual", "name": f"Honest {i}", "email": address, "zip_code": "60614"}
        try:
            signed = time.monotonic()
            status = _post(_opener(), self.site.base + PETITION + "sign/", form, {"X-Forwarded-For": ip})
            if status != 200:
                raise RuntimeError(f"sign answered {status}")
            link = self.sink.link_for(address, timeout=180)
            email_s = self.sink.arrived(address) - signed
            opener = _opener()
            page = opener.open(self.site.base + link, timeout=30).read().decode()
            token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
            status = _post(opener, self.site.base + link, {"csrfmiddlewaretoken": token})
            if status != 302:
                raise RuntimeError(f"confirm answered {status}")
            confirmed = time.monotonic()
        except Exception as exc:
            with self.lock:
                self.errors.append(f"{address}: {exc!r}")
            return
        with self.lock:
            self.results.append({
                "i": i, "phase": phase, "signed_s": round(signed - self.t0, 3), "email_s": round(email_s, 3),
                "confirmed_s": round(confirmed - self.t0, 3),
            })  # fmt: skip

    def finish(self, timeout: float = 200) -> None:
        self.stop.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))


class CountWatcher:
    """Reads count.json every 100 ms, as a visitor's page would, and keeps (time, total)."""

    def __init__(self, base: str, t0: float):
        self.base, self.t0 = base, t0
        self.seen: list[tuple[float, int]] = []
        self.stop = threading.Event()
        self.baseline = _count(base)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(Exception):  # a slow answer under the flood: try again
                self.seen.append((time.monotonic() - self.t0, _count(self.base) - self.baseline))
            self.stop.wait(0.1)

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(10)


def freshness(results: list[dict], seen: list[tuple[float, int]]) -> None:
    """The k-th confirmation is shown once the public total reaches k (each adds one, and only they do)."""
    for k, row in enumerate(sorted(results, key=lambda r: r["confirmed_s"]), start=1):
        shown = next((t for t, total in seen if total >= k and t >= row["confirmed_s"] - 0.05), None)
        row["count_s"] = round(max(0.0, shown - row["confirmed_s"]), 3) if shown is not None else None


def summary(rows: list[dict], key: str) -> dict:
    values = sorted(r[key] for r in rows if r.get(key) is not None)
    missing = sum(1 for r in rows if r.get(key) is None)
    if not values:
        return {"n": 0, "missing": missing}
    return {
        "n": len(values), "missing": missing, "median_s": round(statistics.median(values), 2),
        "p95_s": round(values[min(len(values) - 1, int(0.95 * len(values)))], 2), "max_s": round(values[-1], 2),
    }  # fmt: skip


def warm_up(site: Site, sink: Sink, signers: int = 3) -> None:
    """A few signers end to end, so the server's and the worker's first runs are not measured."""
    for i in range(signers):
        address = f"warm-up{i}@warm.example"
        sink.watch(address)
        form = {"signer": "individual", "name": "Warm Up", "email": address, "zip_code": "60614"}
        assert _post(_opener(), site.base + PETITION + "sign/", form, {"X-Forwarded-For": f"192.0.2.{i + 1}"}) == 200
        link = sink.link_for(address, timeout=120)
        opener = _opener()
        page = opener.open(site.base + link, timeout=30).read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        assert _post(opener, site.base + link, {"csrfmiddlewaretoken": token}) == 302
    deadline = time.monotonic() + 60
    while _count(site.base) < signers:  # counted, so the honest signers' count starts from a settled total
        assert time.monotonic() < deadline, "the warm-up signers were not counted in 60 s"
        time.sleep(0.2)
    time.sleep(3)  # and the cached count.json has caught up everywhere


def send_flood(site: Site, args) -> dict:
    """wrk in short runs until `args.flood` signatures are in (wrk itself always runs its full -d)."""
    runs, ok, started = [], 0, time.monotonic()
    while ok < args.flood and time.monotonic() - started < args.max_seconds:
        r = loadgen.run(
            site.base, PETITION + "sign/", mode="sign", connections=args.connections, seconds=2,
            max_requests=args.flood - ok, prefix=f"{FLOOD_PREFIX}{len(runs)}", from_ip=FLOOD_IP,
        )  # fmt: skip
        runs.append(r)
        ok += r["ok"]
    seconds = time.monotonic() - started
    statuses: dict[int, int] = {}
    for r in runs:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    return {
        "requests": sum(r["requests"] for r in runs), "ok": ok, "seconds": round(seconds, 1), "rps": round(ok / seconds, 1),
        "statuses": statuses, "errors": sum(r["errors"] for r in runs), "p99_ms": max(r["p99_ms"] for r in runs),
    }  # fmt: skip


def run(db: str, args) -> dict:
    now = datetime.datetime.now(datetime.UTC)
    result = {
        "date": now.strftime("%Y-%m-%d"), "started": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "db": db, "label": args.label,
        "note": args.note, "machine": report.machine(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "flood_size": args.flood, "connections": args.connections, "honest_every_s": args.every,
    }  # fmt: skip
    with Sink() as sink, Site(db, "flood", email_url=f"smtp://127.0.0.1:{sink.port}") as site:
        site.prepare()
        site.start_server()
        site.start_worker()
        warm_up(site, sink)
        honest = Honest(site, sink, args.every)
        watcher = CountWatcher(site.base, honest.t0)
        threading.Thread(target=honest.run, daemon=True).start()
        time.sleep(3)
        honest.phase = "flood"
        log(f"{db}: flooding with {args.flood:,} signatures from {FLOOD_IP}")
        flood_start = time.monotonic() - honest.t0
        flood = send_flood(site, args)
        flood_end = time.monotonic() - honest.t0
        log(f"{db}: flood done in {flood['seconds']} s ({flood['rps']:,.0f}/s); the flagged emails drain")
        honest.phase = "drain"
        deadline = time.monotonic() + args.drain_seconds
        while time.monotonic() < deadline:
            state = site.probe("states", FLOOD_PREFIX)
            if state["due"] == 0:
                break
            time.sleep(2)
        drained = time.monotonic() - honest.t0
        honest.finish()
        time.sleep(COUNT_TARGET_S + 3)  # the last confirmations reach the count
        watcher.finish()
        freshness(honest.results, watcher.seen)
        result["flood"] = {
            "requests": flood["requests"], "ok": flood["ok"], "rps": flood["rps"], "statuses": flood["statuses"],
            "errors": flood["errors"], "p99_ms": flood["p99_ms"], "started_s": round(flood_start, 1),
            "ended_s": round(flood_end, 1), "outbox_drained_s": round(drained, 1),
            "rows": site.probe("states", FLOOD_PREFIX),
        }  # fmt: skip
    result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["honest"] = sorted(honest.results, key=lambda r: r["i"])
    result["honest_errors"] = honest.errors
    result["phases"] = {
        phase: {"email": summary(rows, "email_s"), "count": summary(rows, "count_s")}
        for phase in ("before", "flood", "drain")
        if (rows := [r for r in honest.results if r["phase"] == phase])
    }
    during = [r for r in honest.results if r["phase"] in ("flood", "drain")]
    email, count = summary(during, "email_s"), summary(during, "count_s")
    result["targets"] = [
        {"target": f"honest signers' email during the flood <= {EMAIL_TARGET_S} s", "value": f"{email.get('max_s')} s worst",
         "met": bool(email["n"]) and email["max_s"] <= EMAIL_TARGET_S and not email["missing"]},
        {"target": f"public count during the flood <= {COUNT_TARGET_S} s", "value": f"{count.get('max_s')} s worst",
         "met": bool(count["n"]) and count["max_s"] <= COUNT_TARGET_S and not count["missing"]},
        {"target": "every honest signer signed, got the email and confirmed", "value": f"{len(honest.errors)} errors",
         "met": not honest.errors},
    ]  # fmt: skip
    return result


def write(result: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{result['date']}-flood-{result['db']}-{result['label']}.json").write_text(json.dumps(result, indent=1) + "\n")
    runs = [json.loads(p.read_text()) for p in sorted(out.glob(f"{result['date']}-flood-*.json"))]
    md = out / f"{result['date']}-flood.md"
    md.write_text(render(runs))
    return md


def render(runs: list[dict]) -> str:
    m = runs[0]["machine"]
    lines = [
        f"# Flood from one network, {runs[0]['date']}",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gb']} GB; Python {m['python']}, SQLite {m['sqlite']}, "
        f"{m['postgres']}. `python -m bench.flood` (bench/flood.py): wrk sends the flood from one address "
        "without proof of work; an honest signer signs from their own address every "
        f"{runs[0]['honest_every_s']} s, waits for the email and confirms.",
        "",
        "| run | load avg (start / end) | flood | honest signers | email wait: median / p95 / worst "
        "| count wait: median / p95 / worst | targets |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        flood = r["flood"]
        during = [h for h in r["honest"] if h["phase"] in ("flood", "drain")]
        e, c = summary(during, "email_s"), summary(during, "count_s")
        met = "all met" if all(t["met"] for t in r["targets"]) else "NOT MET: " + "; ".join(
            t["target"] for t in r["targets"] if not t["met"]
        )
        rows, seconds = flood["rows"], flood["ended_s"] - flood["started_s"]
        after = flood["outbox_drained_s"] - flood["ended_s"]
        drained = (
            f"all its emails sent {after:.0f} s after" if not rows["due"]
            else f"{rows['due']:,} of its flagged emails still owed {after:.0f} s after (sent last)"
        )  # fmt: skip
        lines.append(
            f"| {r['db']} {r['label']} | {' '.join(map(str, r['loadavg_at_start']))} / {' '.join(map(str, r['loadavg_at_end']))} "
            f"| {rows['rows']:,} signatures in {seconds:.0f} s ({rows['rows'] / seconds:,.0f}/s), "
            f"{rows['by_state'].get('flagged', 0):,} flagged; {drained} "
            f"| {e['n']} ({len(r['honest_errors'])} errors) | {e.get('median_s')} / {e.get('p95_s')} / {e.get('max_s')} s "
            f"| {c.get('median_s')} / {c.get('p95_s')} / {c.get('max_s')} s | {met} |"
        )
    lines += ["", "By phase (before the flood, during it, while its flagged emails drain):", ""]
    for r in runs:
        for phase, s in r["phases"].items():
            e, c = s["email"], s["count"]
            lines.append(
                f"- {r['db']} {r['label']}, {phase}: {e['n']} signers; email {e.get('median_s')} / {e.get('max_s')} s "
                f"(median / worst); count {c.get('median_s')} / {c.get('max_s')} s"
            )
        if r.get("note"):
            lines.append(f"- {r['db']} {r['label']}: {r['note']}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--label", default="current")
    p.add_argument("--note", default="")
    p.add_argument("--flood", type=int, default=10_000, help="signatures from the one address")
    p.add_argument("--connections", type=int, default=16, help="wrk connections for the flood")
    p.add_argument("--every", type=float, default=0.5, help="seconds between honest signers")
    p.add_argument("--max-seconds", type=float, default=300, help="bound on the flood's duration")
    p.add_argument("--drain-seconds", type=float, default=120, help="how long to keep measuring after the flood")
    p.add_argument("--out", type=Path, default=report.RESULTS)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    if not loadgen.available():
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not postgres_reachable():
        log("PostgreSQL is not reachable: SQLite only")
        dbs = ["sqlite"]
    failed = False
    for db in dbs:
        try:
            result = run(db, args)
        except Exception:
            log(f"{db}: failed\n{traceback.format_exc()}")
            failed = True
            continue
        finally:
            drop_templates()
        md = write(result, args.out)
        log(f"{db}: results in {md}")
        for t in result["targets"]:
            print(f"  {'met   ' if t['met'] else 'NOT MET'}  {t['target']}: {t['value']}")
        failed |= not all(t["met"] for t in result["targets"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
