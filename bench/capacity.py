"""The capacity model: what one signature costs each tier, measured here, and what follows for N web cores.

    python -m bench.capacity                      # about 5 minutes; needs root (a private PostgreSQL), wrk
    python -m bench.capacity --seconds 30 --web-processes 1,2

Starts a PostgreSQL of its own (initdb in bench/work/, pg_stat_statements
loaded, pinned with taskset to one core), so that every CPU second and WAL
byte of the cluster is this benchmark's: the shared server on this machine
has other users. The site's web tier (`make serve`, WORKERS=1) is pinned to
the other core, wrk to the database's core. Then, per signature:

1. sign: wrk signs for --seconds at 64 connections (each request with its
   proof of work and its own network, as `make bench`); the worker is off.
   CPU of the web processes, of the whole PostgreSQL cluster and of wrk
   (from /proc), statements (pg_stat_statements), transactions, WAL bytes
   (pg_stat_wal).
2. outbox: the worker (pinned to the web core) checks the new rows and sends
   their confirmation emails to a local SMTP sink (aiosmtpd in this process,
   on the database's core) until all have arrived.
3. fold: the rows are confirmed (one UPDATE, as `services.confirm` does per
   row; not counted) and the worker folds them into the counters.

Then it checks the model on this machine: unpinned, with 1 and then 2 web
processes (WORKERS), the rate the measured costs predict for 2 cores against
the rate wrk gets. Results: bench/results/<date>-capacity.{json,md}, with the
load average (the machine is shared; CPU seconds per signature depend on it
far less than rates do).
"""

import argparse
import datetime
import glob
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench import loadgen, report
from bench.run import warm_sign
from bench.site import PETITION, WORK, Site, drop_templates, free_port
from bench.smtp_sink import Sink

TICK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- CPU of process trees, from /proc ---------------------------------------------------
def _stats() -> dict[int, tuple[int, float, float]]:
    """pid -> (ppid, own CPU s, reaped children's CPU s)."""
    out = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.split("/")[2])
        out[pid] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, (int(fields[13]) + int(fields[14])) / TICK)
    return out


def tree_cpu(root: int) -> float:
    """CPU seconds of `root` and every process under it, living or reaped (a reaped one is in its parent's count)."""
    stats = _stats()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1] + stats[pid][2]
            todo += children.get(pid, [])
    return total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- a PostgreSQL of our own -------------------------------------------------------------
class PrivatePostgres:
    def __init__(self, cpus: str):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins or os.geteuid() != 0 or not shutil.which("runuser"):
            raise SystemExit("needs root, runuser and Debian's PostgreSQL server (apt-get install -y postgresql)")
        self.bin = Path(bins[-1]).parent
        self.dir = WORK / f"pg-capacity-{os.getpid()}"
        self.port = free_port()
        self.cpus = cpus
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args, **kwargs):
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, text=True, **kwargs)

    def __enter__(self):
        WORK.mkdir(parents=True, exist_ok=True)
        self.dir.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements "
            "-c pg_stat_statements.track=all -c max_connections=200"
        )
        # The postmaster's affinity is inherited by every backend it forks.
        subprocess.run(["taskset", "-c", self.cpus, "runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D",
                        str(self.dir / "data"), "-o", options, "-l", str(self.dir / "log"), "-w", "start"],
                       check=True, capture_output=True)  # fmt: skip
        self.pid = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        try:
            self._extension()
        except Exception:
            self.__exit__()
            raise
        return self

    def _extension(self) -> None:
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/template1", autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pg_stat_statements")  # in every database made from now on

    def __exit__(self, *exc):
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"),
                        "-m", "fast", "-w", "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)

    def cpu(self) -> float:
        return tree_cpu(self.pid)


# --- the measurements ------------------------------------------------------------------
class Meter:
    """CPU of the tiers, and PostgreSQL's own statistics, between start() and stop()."""

    def __init__(self, pg: PrivatePostgres, site: Site, processes: dict):
        self.pg, self.site, self.processes = pg, site, processes  # name -> pid (a tree)

    def _sql(self, query: str):
        with psycopg.connect(self.site.database_url, autocommit=True) as conn:
            return conn.execute(query).fetchall()

    def start(self) -> None:
        self._sql("SELECT pg_stat_statements_reset()")
        self.lsn0 = self._sql("SELECT pg_current_wal_insert_lsn()")[0][0]
        self.cpu0 = self._cpu()
        self.t0 = time.monotonic()

    def _cpu(self) -> dict:
        return {name: tree_cpu(pid) for name, pid in self.processes.items()} | {"postgres": self.pg.cpu(), "wrk": children_cpu()}

    def stop(self) -> dict:
        """What was spent since start(); the statistics are read by result(), when the rows are counted."""
        seconds = time.monotonic() - self.t0
        cpu = self._cpu()
        # WAL: the insert position moved by this cluster's writes, all of them ours (pg_stat_wal lags by seconds).
        wal = self._sql(f"SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '{self.lsn0}')")[0][0]
        statements = self._sql(
            "SELECT calls, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND query NOT LIKE '%pg_stat%' AND query NOT LIKE '%AND NOT counted%' AND query NOT LIKE '%pg_current_wal%' "
            "ORDER BY calls DESC"
        )
        return {"seconds": seconds, "cpu": {name: cpu[name] - self.cpu0[name] for name in cpu}, "wal": int(wal),
                "statements": statements}  # fmt: skip

    @staticmethod
    def result(spent: dict, n: int) -> dict:
        seconds, statements = spent["seconds"], spent["statements"]
        calls = sum(c for c, _, _ in statements)
        return {
            "signatures": n,
            "seconds": round(seconds, 2),
            "rate": round(n / seconds, 1) if seconds else None,
            "cpu_s": {k: round(v, 2) for k, v in spent["cpu"].items()},
            "cpu_ms_per_signature": {k: round(1000 * v / n, 3) for k, v in spent["cpu"].items()} if n else {},
            "statements_per_signature": round(calls / n, 2) if n else None,
            "wal_bytes_per_signature": round(spent["wal"] / n) if n else None,
            "top_statements": [{"calls": c, "rows": r, "query": q[:160]} for c, r, q in statements[:12]],
            "loadavg": [round(x, 2) for x in os.getloadavg()],
        }


def _granian(site: Site) -> int:
    return site.server.pid  # make, then granian and its workers: the whole tree is the web tier


def sign_phase(site: Site, meter: Meter, seconds: float, prefix: str, wrk_cpus: set[int] | None) -> dict:
    pow_file = str(site.dir / f"proofs-{prefix}.txt")
    site.probe("proofs", str(int(4000 * seconds)), pow_file, "2")
    own = os.sched_getaffinity(0)
    if wrk_cpus:
        os.sched_setaffinity(0, wrk_cpus)  # wrk, started by loadgen, inherits it
    meter.start()
    try:
        r = loadgen.run(
            site.base, PETITION + "sign/", mode="sign", connections=64, seconds=seconds, prefix=prefix, pow_file=pow_file
        )
    finally:
        os.sched_setaffinity(0, own)
    time.sleep(0.5)
    spent = meter.stop()
    stored = site.probe("rows", prefix, json.dumps(r["sent_per_thread"]))
    out = Meter.result(spent, stored["rows"])
    out |= {"requests_per_s": r["rps"], "p99_ms": r["p99_ms"], "errors": r["errors"], "with_proof": stored["with_proof"]}
    return out


def worker_phases(site: Site, pg: PrivatePostgres, sink: Sink, limit: float = 600) -> dict:
    """The outbox (and the checks before it), then the count fold, each timed by the worker's and PostgreSQL's CPU."""
    with psycopg.connect(site.database_url) as conn:  # the run's signatures and the warm-up's
        n_expected = conn.execute("SELECT count(*) FROM signatures_signature WHERE email_due <> ''").fetchone()[0]
    site.start_worker()
    meter = Meter(pg, site, {"worker": site.worker.pid})
    start_count = sink.count
    meter.start()
    deadline = time.monotonic() + limit
    while sink.count - start_count < n_expected and time.monotonic() < deadline:
        time.sleep(0.05)
    outbox = meter.stop()
    with psycopg.connect(site.database_url, autocommit=True) as conn:
        confirmed = conn.execute(
            "UPDATE signatures_signature SET state = 'verified', verified_at = now() "
            # Flagged ones too: wrk's signers share one email domain, and the checks flag a domain's burst.
            "WHERE state IN ('pending', 'flagged') AND checked"
        ).rowcount
    meter.start()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with psycopg.connect(site.database_url, autocommit=True) as conn:
            left = conn.execute("SELECT count(*) FROM signatures_signature WHERE state = 'verified' AND NOT counted").fetchone()[0]
        if not left:
            break
        time.sleep(0.2)
    fold = meter.stop()
    # The worker's timers run whether or not there is work: what they cost idle is not a signature's.
    meter.start()
    time.sleep(5)
    idle = meter.stop()
    site.stop_worker()
    idle_rate = {k: v / idle["seconds"] for k, v in idle["cpu"].items()}
    result = {}
    for name, spent, n in (("outbox", outbox, sink.count - start_count), ("fold", fold, confirmed)):
        gross = dict(spent["cpu"])
        spent["cpu"] = {k: max(0.0, v - idle_rate[k] * spent["seconds"]) for k, v in gross.items()}
        result[name] = Meter.result(spent, n) | {"cpu_s_with_idle": {k: round(v, 2) for k, v in gross.items()}}
    result["idle_cpu_per_s"] = {k: round(v, 4) for k, v in idle_rate.items()}
    return result


def model(m: dict, pg_cores: int) -> list[dict]:
    """Signatures/s for W web cores against one PostgreSQL with `pg_cores` cores, from the costs per signature."""
    sign, outbox, fold = m["sign"]["cpu_ms_per_signature"], m["outbox"]["cpu_ms_per_signature"], m["fold"]["cpu_ms_per_signature"]
    web_ms = sign["web"]
    worker_ms = outbox.get("worker", 0) + fold.get("worker", 0)
    db_ms = sign["postgres"] + outbox.get("postgres", 0) + fold.get("postgres", 0)
    db_limit = 1000 * pg_cores / db_ms
    rows = []
    for web_cores in (2, 8, 32):
        web_limit = 1000 * web_cores / web_ms
        rate = min(web_limit, db_limit)
        rows.append({
            "web_cores": web_cores, "web_limit": round(web_limit), "db_limit": round(db_limit), "rate": round(rate),
            "bound_by": "web" if web_limit < db_limit else "PostgreSQL",
            "worker_cores": round(rate * worker_ms / 1000, 2),
            "wal_mb_s": round(rate * (m["sign"]["wal_bytes_per_signature"] + m["outbox"]["wal_bytes_per_signature"]
                                      + m["fold"]["wal_bytes_per_signature"]) / 1e6, 1),
        })  # fmt: skip
    return rows


def check_model(args, m: dict, sink_port: int) -> list[dict]:
    """Unpinned, 1 and 2 web processes on this machine's 2 cores (wrk and PostgreSQL share them)."""
    sign = m["sign"]["cpu_ms_per_signature"]
    out = []
    for processes in args.web_processes:
        with Site("postgres", f"capacity-{processes}", email_url=f"smtp://127.0.0.1:{sink_port}") as site:
            site.make_args = [f"WORKERS={processes}"]
            site.prepare()
            site.start_server()
            warm_sign(site.base, PETITION + "sign/")
            meter = Meter(args.pg, site, {"web": _granian(site)})
            r = sign_phase(site, meter, args.seconds, f"check{processes}", None)
            # One Python process runs on one core at most (the GIL); everything shares the machine's 2.
            per_sig = sign["web"] + sign["postgres"] + sign["wrk"]
            predicted = min(1000 * processes / sign["web"], 1000 * 2 / per_sig)
            used = sum(r["cpu_s"].values()) / (os.cpu_count() * r["seconds"])
            out.append({
                "web_processes": processes, "predicted": round(predicted), "measured": r["rate"], "machine_share": round(used, 2),
                "cpu_ms_per_signature": r["cpu_ms_per_signature"], "p99_ms": r["p99_ms"], "loadavg": r["loadavg"],
            })  # fmt: skip
            log(f"check, {processes} web process(es): predicted {predicted:,.0f}/s, measured {r['rate']:,.0f}/s "
                f"(CPU ms per signature {r['cpu_ms_per_signature']})")  # fmt: skip
    return out


def markdown(result: dict) -> str:
    m = result["measured"]
    s, o, f = m["sign"], m["outbox"], m["fold"]
    lines = [
        f"# Capacity model, {result['date']}",
        "",
        f"Machine: {result['machine']['nproc']} cores ({result['machine']['cpu']}), shared with other work "
        f"(load average {', '.join(map(str, result['loadavg_at_start']))} at the start). PostgreSQL "
        f"{result['postgres']} of this benchmark's own, pinned to core {result['pg_cpus']} with wrk and the SMTP sink; "
        f"`make serve` with one web process, and the worker, pinned to core {result['web_cpus']}.",
        "",
        "| per signature | sign request | worker: checks + outbox (1 email) | worker: count fold |",
        "|---|---:|---:|---:|",
        f"| CPU ms, web process / worker | {s['cpu_ms_per_signature']['web']} | {o['cpu_ms_per_signature']['worker']} "
        f"| {f['cpu_ms_per_signature']['worker']} |",
        f"| CPU ms, PostgreSQL (whole cluster) | {s['cpu_ms_per_signature']['postgres']} | "
        f"{o['cpu_ms_per_signature']['postgres']} | {f['cpu_ms_per_signature']['postgres']} |",
        f"| CPU ms, wrk (load generator) | {s['cpu_ms_per_signature']['wrk']} | | |",
        f"| statements (BEGIN and COMMIT included) | {s['statements_per_signature']} | {o['statements_per_signature']} "
        f"| {f['statements_per_signature']} |",
        f"| WAL bytes | {s['wal_bytes_per_signature']:,} | {o['wal_bytes_per_signature']:,} | {f['wal_bytes_per_signature']:,} |",
        f"| signatures measured, seconds | {s['signatures']:,} in {s['seconds']} s ({s['rate']:,}/s, p99 {s['p99_ms']} ms) "
        f"| {o['signatures']:,} in {o['seconds']} s | {f['signatures']:,} in {f['seconds']} s |",
        "",
        "Statements of the sign request (calls per signature):",
        "",
        "| calls / signature | statement |",
        "|---:|---|",
    ]
    for st in s["top_statements"][:8]:
        lines.append(f"| {st['calls'] / s['signatures']:.2f} | `{st['query'][:110]}` |")
    lines += [
        "",
        f"Model: one PostgreSQL with {result['pg_cores']} cores; web cores each run one `make serve` process.",
        "",
        "| web cores | web limit /s | PostgreSQL limit /s | signatures/s | bound by | worker cores needed | WAL MB/s |",
        "|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in result["model"]:
        lines.append(f"| {r['web_cores']} | {r['web_limit']:,} | {r['db_limit']:,} | {r['rate']:,} | {r['bound_by']} "
                     f"| {r['worker_cores']} | {r['wal_mb_s']} |")  # fmt: skip
    if result.get("check"):
        lines += ["", "Check on this machine (unpinned; wrk, PostgreSQL and the web processes share 2 cores):", "",
                  "| web processes | predicted /s | measured /s | share of the 2 cores it got | web / PostgreSQL / wrk CPU ms "
                  "per signature | load |",
                  "|---:|---:|---:|---:|---|---|"]  # fmt: skip
        for c in result["check"]:
            ms = c["cpu_ms_per_signature"]
            lines.append(f"| {c['web_processes']} | {c['predicted']:,} | {c['measured']:,} | {c['machine_share']:.0%} "
                         f"| {ms['web']} / {ms['postgres']} / "
                         f"{ms['wrk']} | {c['loadavg'][0]} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--seconds", type=float, default=30, help="each sign run")
    p.add_argument("--web-processes", default="1,2", help="the unpinned check: web processes, comma-separated ('' for none)")
    p.add_argument("--pg-cores", type=int, default=8, help="the modelled PostgreSQL server's cores")
    p.add_argument("--out", type=Path, default=report.RESULTS)
    args = p.parse_args(argv)
    args.web_processes = [int(x) for x in args.web_processes.split(",") if x]
    if not loadgen.available():
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    web_cpus, pg_cpus = "0", "1"
    result = {
        "date": datetime.date.today().isoformat(), "machine": report.machine(), "web_cpus": web_cpus, "pg_cpus": pg_cpus,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()], "pg_cores": args.pg_cores,
    }  # fmt: skip
    sink_port = free_port()
    os.sched_setaffinity(0, {int(pg_cpus)})  # this process runs the SMTP sink: beside PostgreSQL, off the web core
    with PrivatePostgres(pg_cpus) as pg, Sink(sink_port) as sink:
        args.pg = pg
        os.environ["DATABASE_URL"] = pg.url  # bench.site makes its databases on this server
        with psycopg.connect(pg.url) as conn:
            result["postgres"] = conn.info.parameter_status("server_version")
        try:
            with Site("postgres", "capacity", email_url=f"smtp://127.0.0.1:{sink_port}") as site:
                site.make_args = ["WORKERS=1"]
                site.prepare()
                site.prefix = ["taskset", "-c", web_cpus]
                site.start_server()
                warm_sign(site.base, PETITION + "sign/")
                meter = Meter(pg, site, {"web": _granian(site)})
                measured = {"sign": sign_phase(site, meter, args.seconds, "cap", {int(pg_cpus)})}
                log(f"sign: {measured['sign']['rate']:,}/s, CPU ms per signature {measured['sign']['cpu_ms_per_signature']}, "
                    f"{measured['sign']['statements_per_signature']} statements, {measured['sign']['wal_bytes_per_signature']:,} "
                    "WAL bytes")  # fmt: skip
                site.stop_server()
                measured |= worker_phases(site, pg, sink)
                for name in ("outbox", "fold"):
                    x = measured[name]
                    log(f"{name}: CPU ms per signature {x['cpu_ms_per_signature']}, {x['statements_per_signature']} "
                        f"statements, {x['wal_bytes_per_signature']:,} WAL bytes")  # fmt: skip
            result["measured"] = measured
            result["model"] = model(measured, args.pg_cores)
            os.sched_setaffinity(0, set(range(os.cpu_count())))
            subprocess.run(["taskset", "-a", "-p", "-c", f"0-{os.cpu_count() - 1}", str(pg.pid)], capture_output=True)
            for child in Path(f"/proc/{pg.pid}/task/{pg.pid}/children").read_text().split():
                subprocess.run(["taskset", "-a", "-p", "-c", f"0-{os.cpu_count() - 1}", child], capture_output=True)
            result["check"] = check_model(args, measured, sink_port)
        finally:
            drop_templates()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{result['date']}-capacity.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    (args.out / f"{result['date']}-capacity.md").write_text(markdown(result))
    log(f"results in {args.out / (result['date'] + '-capacity.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
