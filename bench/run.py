"""Run the benchmark suite: `make bench`, or `python -m bench --help`.

Each part starts what it measures from nothing: a fresh database in a temp dir
under bench/work/ (or a dedicated PostgreSQL database), the production server
as `make serve` starts it, the real worker, a local SMTP sink. Results go to
bench/results/<date>-<db>-<label>.json and are summed up, next to the earlier
runs of that day, in bench/results/<date>-<db>.md.
"""

import argparse
import base64
import datetime
import http.cookiejar
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import altcha

from bench import ceiling, loadgen, report
from bench.site import PETITION, ROOT, Site, drop_templates, free_port, postgres_reachable, postgres_server_url
from bench.smtp_sink import Sink

PARTS = ("ceiling", "sign", "read", "freshness", "scale", "emails")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def server_command() -> str:
    out = subprocess.run(["make", "-n", "-o", "install", "serve", *Site.make_args], cwd=ROOT, capture_output=True, text=True)
    granian = out.stdout[out.stdout.find("granian") :] if "granian" in out.stdout else out.stdout
    return " ".join(granian.replace("\\\n", " ").split())


# --- 1 and 2: sign, then the read path, on one site ---------------------------------
def bench_sign_and_read(db: str, args, result: dict) -> None:
    with Site(db, "load") as site:
        site.prepare()
        site.start_server()
        sign_path = PETITION + "sign/"
        if "sign" in args.parts:
            log(f"{db}: warming up the sign path")
            warm_sign(site.base, sign_path)
            loadgen.run(site.base, sign_path, mode="sign", connections=4, seconds=2, prefix="warm")
            for connections in args.loads:
                prefix = f"sign{connections}"
                pow_file = ""
                if args.pow:
                    pow_file = str(site.dir / f"proofs-{connections}.txt")
                    # Bound to each request's network, as pow.js's proofs are (loadgen runs min(2, connections) threads).
                    site.probe("proofs", str(int(args.pow_rate * args.seconds)), pow_file, str(min(2, connections)))
                r = loadgen.run(
                    site.base, sign_path, mode="sign", connections=connections, seconds=args.seconds,
                    max_requests=args.max_requests, prefix=prefix, pow_file=pow_file,
                )  # fmt: skip
                time.sleep(0.5)  # let the last in-flight requests finish before counting rows
                stored = site.probe("rows", prefix, json.dumps(r["sent_per_thread"]))
                r["stored"] = stored
                r["unanswered"] = r["sent"] - r["requests"]
                # Lost: answered 200 but not stored. Doubled: more rows than addresses, or an address never sent.
                r["lost"] = max(0, r["ok"] - stored["rows"])
                r["doubled"] = stored["rows"] - stored["distinct_hashes"] + stored["foreign"]
                # Rows beyond the 200s are requests wrk stopped waiting for (or that failed after committing).
                r["extra_rows_ok"] = 0 <= stored["rows"] - r["ok"] <= r["unanswered"] + r["errors"]
                result["sign"].append(r)
                log(
                    f"{db}: sign c={connections}: {r['rps']:,.0f}/s p50 {r['p50_ms']} p99 {r['p99_ms']} ms, "
                    f"errors {r['errors']}, with proof of work {r['with_pow']:,}, rows {stored['rows']:,} for {r['ok']:,} answered "
                    f"(lost {r['lost']}, doubled {r['doubled']})"
                )
        if "read" in args.parts:
            for what, path in (("page", PETITION), ("count", PETITION + "count.json"), ("challenge", "/defence/challenge.json")):
                loadgen.run(site.base, path, mode="get", connections=4, seconds=1)  # warm both workers
                for connections in args.loads:
                    r = loadgen.run(
                        site.base, path, mode="get", connections=connections, seconds=args.read_seconds,
                        max_requests=args.max_requests,
                    )  # fmt: skip
                    r["what"] = what
                    result["read"].append(r)
                    log(f"{db}: {what} c={connections}: {r['rps']:,.0f}/s p50 {r['p50_ms']} p99 {r['p99_ms']} ms, "
                        f"errors {r['errors']}")


# --- 3 and 5: count freshness and the email backlog, with the real worker -------------
def _opener():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)


def _post(opener, url: str, data: dict, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), headers=headers or {}, method="POST")  # noqa: S310
    try:
        with opener.open(request, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:  # 302 comes here with redirects turned off
        return e.code


def warm_sign(base: str, path: str, n: int = 8) -> None:
    """Sign a few times, waiting for the answers: each server process loads the ZIP table on its first
    signature (seconds on a loaded machine), which a 2-second wrk run would otherwise spend waiting."""
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> None:
        form = {"signer": "individual", "name": "Warm Up", "email": f"warm-up-{i}@example.org", "zip_code": "60614"}
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1
            base + path, data=urllib.parse.urlencode(form).encode(), headers={"X-Forwarded-For": f"198.18.250.{i + 1}"}
        )
        try:
            urllib.request.urlopen(request, timeout=120).read()  # noqa: S310
        except OSError as exc:
            log(f"warm-up signature {i}: {exc}")

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(one, range(n)))


def _total(base: str) -> int:
    with urllib.request.urlopen(base + PETITION + "count.json", timeout=5) as r:  # noqa: S310
        return json.loads(r.read())["total"]


def bench_freshness(site: Site, sink: Sink, samples: int) -> dict:
    times = []
    for i in range(samples):
        email = f"fresh-{i}@example.org"
        sink.watch(email)
        # As a browser does: a proof of work, from its own address (through the "proxy"), so the abuse checks pass.
        ip = f"198.18.200.{i + 1}"
        page = urllib.request.urlopen(site.base + PETITION, timeout=5).read().decode()  # noqa: S310
        asked = re.search(r'data-pow="([^"]+)"', page).group(1).replace("&amp;", "&") + "&domain=example.org"
        request = urllib.request.Request(site.base + asked, headers={"X-Forwarded-For": ip})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as r:  # noqa: S310
            challenge = json.loads(r.read())
        solution = altcha.solve_challenge_v1(
            challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"], 0
        )
        proof = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")} | {"number": solution.number}
        form = {
            "signer": "individual", "name": "Fresh Signer", "email": email, "zip_code": "60614",
            "pow": base64.b64encode(json.dumps(proof).encode()).decode(),
        }  # fmt: skip
        status = _post(_opener(), site.base + PETITION + "sign/", form, {"X-Forwarded-For": ip})
        assert status == 200, status
        link = sink.link_for(email)
        before = _total(site.base)
        time.sleep(1.1)  # the count settles (the public count is cached for a second)
        before = max(before, _total(site.base))
        opener = _opener()
        page = opener.open(site.base + link, timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        t0 = time.monotonic()
        status = _post(opener, site.base + link, {"csrfmiddlewaretoken": token})
        assert status == 302, status
        while _total(site.base) <= before:
            if time.monotonic() - t0 > 60:
                raise TimeoutError("the count did not move in 60 s")
            time.sleep(0.02)
        times.append(round(time.monotonic() - t0, 3))
        time.sleep((i % 4) * 0.25)  # meet the worker's 1-s timer at different phases
    return {"samples_s": times, "median_s": round(statistics.median(times), 3), "max_s": max(times)}


def bench_emails(site: Site, sink: Sink, n: int, limit: float) -> dict:
    site.stop_worker()
    seeded = site.probe("seed", str(n), "pending")
    start = sink.count
    t0 = time.monotonic()
    site.start_worker()
    while sink.count - start < n and time.monotonic() - t0 < limit:
        time.sleep(0.05)
    seconds = time.monotonic() - t0
    sent = sink.count - start
    time.sleep(1)  # the worker writes the last outcome just after the sink has the email
    left = site.probe("outbox")["due"]
    return {
        "emails": n, "received": sent, "seconds": round(seconds, 1), "per_s": round(sent / seconds), "left": left, "seed": seeded,
    }  # fmt: skip


def bench_worker_parts(db: str, args, result: dict) -> None:
    port = free_port()
    with Sink(port) as sink, Site(db, "worker", email_url=f"smtp://127.0.0.1:{port}") as site:
        site.prepare()
        if "freshness" in args.parts:
            site.start_server()
            site.start_worker()
            result["freshness"] = bench_freshness(site, sink, args.freshness_samples)
            f = result["freshness"]
            log(f"{db}: count freshness median {f['median_s']} s, worst {f['max_s']} s")
            site.stop_server()
        if "emails" in args.parts:
            result["emails"] = e = bench_emails(site, sink, args.emails, args.email_limit)
            log(f"{db}: {e['received']:,} of {e['emails']:,} emails in {e['seconds']} s ({e['per_s']:,}/s), left {e['left']}")


# --- 4: the scale of data ------------------------------------------------------------
def bench_scale(db: str, args, result: dict) -> None:
    with Site(db, "scale") as site:
        site.prepare()
        seeded = site.probe("seed", str(args.scale_rows), "verified")
        log(f"{db}: seeded {seeded['rows']:,} verified signatures in {seeded['seconds']} s ({seeded['rows_per_s']:,} rows/s)")
        scale = site.probe("scale")
        scale["seed"] = seeded
        scale["export"] = site.probe("export")
        result["scale"] = scale
        log(
            f"{db}: count {scale['count_ms']} ms, per-state {scale['per_state_ms']} ms, recount {scale['recount_ms']:,.0f} ms "
            f"(first {scale['recount_first_ms']:,.0f} ms), export {scale['export']['rows_per_s']:,} rows/s, "
            f"peak RSS {scale['export']['peak_rss_mb']} MB"
        )


def run(db: str, args) -> dict:
    now = datetime.datetime.now(datetime.UTC)
    result = {
        "date": now.strftime("%Y-%m-%d"),
        "started": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "label": args.label,
        "note": args.note,
        "db": db,
        "machine": report.machine(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "server": server_command(),
        "config": {k: v for k, v in vars(args).items() if k not in ("db", "out")},
        "sign": [],
        "read": [],
    }
    log(f"{db}: {result['server']}")
    result["failures"] = []
    if "ceiling" in args.parts:  # first, while nothing else of ours runs; the sign and read parts follow at once
        try:
            result["ceiling"] = c = ceiling.run(args.ceiling_connections, args.ceiling_seconds)
            if "skipped" in c:
                log(f"ceiling skipped: {c['skipped']}")
            else:
                log(f"ceiling ({c['command']}): sign {c['sign']['rps']:,.0f}/s p99 {c['sign']['p99_ms']} ms, "
                    f"hello {c['hello']['rps']:,.0f}/s")  # fmt: skip
        except Exception:
            result["failures"].append(traceback.format_exc())
            log(f"{db}: the ceiling failed:\n{result['failures'][-1]}")
    for parts, bench in (({"sign", "read"}, bench_sign_and_read), ({"freshness", "emails"}, bench_worker_parts),
                         ({"scale"}, bench_scale)):  # fmt: skip
        if parts & set(args.parts):
            try:
                bench(db, args, result)
            except Exception:
                # One broken part must not lose the others' figures: it is reported and the run fails.
                result["failures"].append(traceback.format_exc())
                log(f"{db}: {bench.__name__} failed:\n{result['failures'][-1]}")
    result["ratios"] = ceiling.ratios(result)
    if result["ratios"]:
        log(f"{db}: share of the ceiling measured in this run: {result['ratios']}")
    result["targets"] = report.targets(result)
    return result


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both",
                   help="both (default): SQLite, then PostgreSQL (DATABASE_URL's server, else 127.0.0.1:5432)")  # fmt: skip
    p.add_argument("--label", default="current", help="names this run in the results (e.g. before, after)")
    p.add_argument("--note", default="", help="a line about this run for the results file")
    p.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    p.add_argument("--loads", default="16,64,256", help="concurrent connections, comma-separated")
    p.add_argument("--seconds", type=float, default=30, help="each sign run")
    p.add_argument("--read-seconds", type=float, default=15, help="each read run")
    p.add_argument("--no-pow", dest="pow", action="store_false",
                   help="sign without the browser's proof of work (as a visitor without JavaScript)")  # fmt: skip
    p.add_argument("--pow-rate", type=float, default=4000, help="proofs of work minted per second of a sign run")
    p.add_argument("--max-requests", type=int, default=2_000_000, help="bound on the requests of one run")
    p.add_argument("--freshness-samples", type=int, default=10)
    p.add_argument("--scale-rows", type=int, default=1_000_000)
    p.add_argument("--emails", type=int, default=100_000)
    p.add_argument("--email-limit", type=float, default=900, help="give up on the email backlog after this many seconds")
    p.add_argument("--ceiling-connections", type=int, default=64, help="the ceiling tool's connections (ratio at this load)")
    p.add_argument("--ceiling-seconds", type=int, default=15, help="the ceiling tool's seconds per endpoint")
    p.add_argument("--make-args", default="", help='extra `make serve` arguments, e.g. "WORKERS=3"')
    p.add_argument("--out", type=Path, default=report.RESULTS, help="where results go")
    p.add_argument("--quick", action="store_true", help="tiny numbers, for the smoke test")
    args = p.parse_args(argv)
    if args.quick:
        args.loads, args.seconds, args.read_seconds = "4", 2, 2
        args.freshness_samples, args.scale_rows, args.emails, args.email_limit = 2, 1000, 200, 120
        args.ceiling_connections, args.ceiling_seconds = 4, 2
    args.loads = [int(c) for c in args.loads.split(",")]
    Site.make_args = args.make_args.split()
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        p.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if not loadgen.available() and {"sign", "read"} & set(args.parts):
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.db == "both" and not postgres_reachable():
        log(f"PostgreSQL is not reachable at {postgres_server_url()}: SQLite only")
        dbs = ["sqlite"]
    print(f"$ {shlex.join(['python', '-m', 'bench', *(sys.argv[1:] if argv is None else argv)])}")
    failed = False
    for db in dbs:
        try:
            result = run(db, args)
        finally:
            drop_templates()
        md = report.write(result, args.out)
        log(f"{db}: results in {md}")
        for t in result["targets"]:
            print(f"  {'met   ' if t['met'] else 'NOT MET'}  {t['target']}: {t['value']}")
        if any(r["lost"] or r["doubled"] or not r["extra_rows_ok"] for r in result["sign"]):
            print("signatures were lost or doubled", file=sys.stderr)
            failed = True
        failed |= bool(result["failures"])
    if failed:
        return 1
    return 0
