"""The read path through nginx's cache: `python -m bench.proxy` (about 3 minutes).

The shipped nginx configuration (deploy/nginx/, rendered with test ports by
bench/nginx.py) over TLS in front of `make serve`, on a fresh SQLite site.
wrk reads the petition page and its count.json through nginx, then straight
from `make serve` (the app's own one-second replay cache) in the same run, so
the two are compared on the same machine load. From nginx's access log (no
addresses in it: see the configuration) it counts how many answers came from
its cache. Results: bench/results/<date>-nginx.json and .md.
"""

import argparse
import collections
import datetime
import json
import os
import sys
import time
from pathlib import Path

from bench import loadgen, nginx, report
from bench.site import PETITION, Site, drop_templates

PATHS = (("page", PETITION), ("count", PETITION + "count.json"))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def cache_statuses(lines: list[str]) -> dict[str, int]:
    """HIT, STALE, UPDATING, MISS, EXPIRED... from the access log's last field ("-" when not cacheable)."""
    return dict(collections.Counter(line.rsplit(" ", 1)[-1] for line in lines if line.strip()))


def run(args) -> dict:
    now = datetime.datetime.now(datetime.UTC)
    result = {
        "date": now.strftime("%Y-%m-%d"), "started": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "label": args.label,
        "machine": report.machine(), "nginx": nginx.version(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "config": {"loads": args.loads, "seconds": args.seconds}, "runs": [],
    }  # fmt: skip
    with Site("sqlite", "proxy") as site:
        site.prepare()
        proxy = nginx.Proxy(site)
        site.start_server()
        with proxy:
            for via, base in (("nginx", proxy.base), ("make serve", site.base)):
                headers = {"X-Forwarded-Proto": "https"} if via == "make serve" else {}
                for what, path in PATHS:
                    loadgen.run(base, path, mode="get", connections=4, seconds=1, headers=headers)  # warm up
                    for connections in args.loads:
                        logged = len(proxy.access_log().splitlines())
                        load = [round(x, 2) for x in os.getloadavg()]
                        r = loadgen.run(base, path, mode="get", connections=connections, seconds=args.seconds, headers=headers)
                        r.update(via=via, what=what, loadavg=load)
                        if via == "nginx":
                            r["cache"] = cache_statuses(proxy.access_log().splitlines()[logged:])
                        result["runs"].append(r)
                        log(f"{via} {what} c={connections}: {r['rps']:,.0f}/s p50 {r['p50_ms']} p99 {r['p99_ms']} ms, "
                            f"errors {r['errors']}, cache {r.get('cache', '-')}, load {load[0]}")  # fmt: skip
    drop_templates()
    return result


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"# Read path through nginx's cache, {result['date']}",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM; {result['nginx']}, granian {m['granian']}, "
        f"{m['wrk']} (on the same cores). Load average at the start: {', '.join(map(str, result['loadavg_at_start']))}.",
        "",
        "nginx: deploy/nginx/stopshotspotter.conf as shipped (TLS, HTTP/1.1 keep-alive from wrk), rendered with test ports "
        "(bench/nginx.py). `make serve`: the same server straight, plain HTTP. SQLite, no worker running. "
        f"`python -m bench.proxy`, {result['config']['seconds']} s per run.",
        "",
        "| via | what | connections | req/s | p50 ms | p99 ms | max ms | errors | from nginx's cache | load avg |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in result["runs"]:
        cache = r.get("cache")
        served = "-"
        if cache:
            total = sum(cache.values())
            cached = sum(n for status, n in cache.items() if status in ("HIT", "STALE", "UPDATING"))
            served = f"{100 * cached / total:.2f}% ({', '.join(f'{k} {v:,}' for k, v in sorted(cache.items()))})"
        lines.append(f"| {r['via']} | {r['what']} | {r['connections']} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | "
                     f"{r['max_ms']} | {r['errors']} | {served} | {r['loadavg'][0]} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.proxy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--loads", default="16,64,256", help="concurrent connections, comma-separated")
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--label", default="nginx")
    p.add_argument("--out", type=Path, default=report.RESULTS)
    args = p.parse_args(argv)
    args.loads = [int(c) for c in args.loads.split(",")]
    if not loadgen.available() or not nginx.available():
        print("needs wrk, nginx and openssl: apt-get install -y wrk nginx", file=sys.stderr)
        return 2
    result = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{result['date']}-{args.label}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    stem.with_suffix(".md").write_text(markdown(result))
    log(f"results in {stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
