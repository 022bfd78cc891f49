"""The machine, the targets, and the Markdown rendering of one or more result files."""

import json
import os
import platform
import re
import sqlite3
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = 0.0
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        ram_gb = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass

    def cmd(*args):
        try:
            out = subprocess.run(args, capture_output=True, text=True, timeout=10)
            return (out.stdout or out.stderr).strip().split("\n")[0]
        except (OSError, subprocess.TimeoutExpired):
            return ""

    from importlib.metadata import version

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": version("django"),
        "granian": version("granian"),
        "wrk": cmd("wrk", "--version").split(" [")[0],
        "postgres": cmd("psql", "--version"),
    }


# (key, description, function(result) -> (value, met)); None when the part was not run.
def _sign_at(result, connections):
    return next((r for r in result.get("sign", []) if r["connections"] == connections), None)


def _read_at(result, path_kind, connections):
    return next((r for r in result.get("read", []) if r["what"] == path_kind and r["connections"] == connections), None)


def _ceiling_connections(c: dict) -> int:
    return int(c["command"].split()[2])


def targets(result: dict) -> list[dict]:
    rows = []

    def add(name, value, met):
        rows.append({"target": name, "value": value, "met": met})

    ratio = (result.get("ratios") or {}).get("sign")
    if ratio is not None:
        c = result["ceiling"]
        add(">= 50% of the ceiling's sign, same run", f"{ratio:.0%} ({_sign_at(result, _ceiling_connections(c))['rps']:,.0f} "
            f"of {c['sign']['rps']:,.0f}/s)", ratio >= 0.5)  # fmt: skip
    s = _sign_at(result, 64)
    if s:
        add(">= 1,000 signs/s at 64 connections", f"{s['rps']:,.0f}/s", s["rps"] >= 1000)
        add("sign p99 < 100 ms", f"{s['p99_ms']} ms", s["p99_ms"] < 100)
        add("sign errors = 0", s["errors"], s["errors"] == 0)
        add("lost = 0, doubled = 0", f"{s['lost']} / {s['doubled']}", s["lost"] == 0 and s["doubled"] == 0)
    for what in ("page", "count"):
        r = _read_at(result, what, 64)
        if r:
            add(f">= 3,000 req/s, {what} at 64 connections", f"{r['rps']:,.0f}/s", r["rps"] >= 3000)
            add(f"{what} p99 < 20 ms", f"{r['p99_ms']} ms", r["p99_ms"] < 20)
    if result.get("failures"):
        add("every part ran", f"{len(result['failures'])} failed", False)
    f = result.get("freshness")
    if f:
        add("count freshness <= 5 s (worst)", f"{f['max_s']} s (median {f['median_s']} s)", f["max_s"] <= 5)
    sc = result.get("scale")
    if sc:
        n = f"{sc['signatures']:,}"
        add(f"count < 5 ms at {n}", f"{sc['count_ms']} ms", sc["count_ms"] < 5)
        add(f"per-state numbers < 50 ms at {n}", f"{sc['per_state_ms']} ms", sc["per_state_ms"] < 50)
        # The recount a site runs (everything already counted by the worker); the first one also marks
        # a million rows that were bulk-inserted uncounted, which a live site never has to do at once.
        first = sc["recount_first_ms"] / 1000
        value = f"{sc['recount_ms'] / 1000:.2f} s (first, marking all rows: {first:.2f} s)"
        add(f"recount < 5 s at {n}", value, sc["recount_ms"] < 5000)
        e = sc["export"]
        add(f"CSV export >= 200,000 rows/s at {n}", f"{e['rows_per_s']:,}/s", e["rows_per_s"] >= 200_000)
        add("CSV export < 150 MB", f"{e['peak_rss_mb']} MB peak RSS", e["peak_rss_mb"] < 150)
    em = result.get("emails")
    if em:
        add(f"{em['emails']:,} emails < 5 min", f"{em['seconds']} s ({em['per_s']:,}/s)", em["seconds"] < 300)
    return rows


def _md_run(result: dict) -> list[str]:
    out = [f"### Run `{result['label']}` ({result['started']}, {result['db']})", ""]
    if result.get("note"):
        out += [result["note"], ""]
    if result.get("loadavg_at_start"):
        out += [f"Load average when it started: {', '.join(map(str, result['loadavg_at_start']))}.", ""]
    for failure in result.get("failures", []):
        out += ["A part failed:", "", "```", failure.strip()[-2000:], "```", ""]
    out += [f"Server: `{result['server']}`", ""]
    c = result.get("ceiling")
    if c and "skipped" in c:
        out += [f"Ceiling (`{c['command']}`): skipped, {c['skipped']}.", ""]
    elif c:
        ratios = result.get("ratios") or {}
        out += [
            f"Ceiling, measured in this run just before the sign part (`{c['command']}`: a minimal Django view, granian "
            f"2 x 4, SQLite; load average {', '.join(f'{x:.2f}' for x in c['loadavg'])}):",
            "",
            "| ceiling | req/s | p50 ms | p99 ms | non-2xx | ours, same connections | share |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        ours = {"sign": _sign_at(result, _ceiling_connections(c)), "hello": _read_at(result, "page", _ceiling_connections(c))}
        for what, key, label in (("sign", "sign", "sign"), ("hello", "page_vs_hello", "petition page")):
            mine = ours[what]
            share = f"{ratios[key]:.0%}" if key in ratios else ""
            theirs = f"{label} {mine['rps']:,.0f}/s (p99 {mine['p99_ms']} ms)" if mine else ""
            r = c[what]
            out.append(f"| {what} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | {r['non2xx']} | {theirs} | {share} |")
        out.append("")
    if result.get("sign"):
        out += [
            "Sign (POST, unique email per request):",
            "",
            "| connections | seconds | signs/s | p50 ms | p95 ms | p99 ms | max ms | errors | rows stored | answered 200 "
            "| unanswered at stop | lost | doubled |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in result["sign"]:
            out.append(
                f"| {r['connections']} | {r['seconds']} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
                f"| {r['max_ms']} | {r['errors']} | {r['stored']['rows']:,} | {r['ok']:,} | {r['unanswered']} "
                f"| {r['lost']} | {r['doubled']} |"
            )
        out.append("")
    if result.get("read"):
        out += [
            "Read path (GET):",
            "",
            "| what | connections | seconds | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in result["read"]:
            out.append(
                f"| {r['what']} | {r['connections']} | {r['seconds']} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p95_ms']} "
                f"| {r['p99_ms']} | {r['max_ms']} | {r['errors']} |"
            )
        out.append("")
    unfair = [r for r in result.get("sign", []) + result.get("read", []) if not r.get("fair", True)]
    if unfair:
        out += [f"Warning: some connections were starved in {len(unfair)} run(s); their percentiles leave them out.", ""]
    f = result.get("freshness")
    if f:
        out += [
            f"Count freshness (confirm POST to count.json showing it, real worker): median {f['median_s']} s, "
            f"worst {f['max_s']} s over {len(f['samples_s'])} confirmations.",
            "",
        ]
    sc = result.get("scale")
    if sc:
        e = sc["export"]
        out += [
            f"Scale: {sc['signatures']:,} verified signatures across {sc['states']} states, bulk-inserted in "
            f"{sc['seed']['seconds']} s ({sc['seed']['rows_per_s']:,} rows/s).",
            "",
            "| what | time |",
            "|---|---:|",
            f"| count (SUM of the counter table, cold cache) | {sc['count_ms']} ms |",
            f"| per-state numbers (public counts, cold cache) | {sc['per_state_ms']} ms |",
            f"| per-state numbers, cached | {sc['per_state_cached_ms']} ms |",
            f"| per-state numbers straight from the rows (GROUP BY, what the counters avoid) | {sc['per_state_from_rows_ms']} ms |",
            f"| recount, first (marks every row counted) | {sc['recount_first_ms']:,.0f} ms |",
            f"| recount, again | {sc['recount_ms']:,.0f} ms |",
            f"| update_counts folding 20,000 new confirmations | {sc['update_counts_20k_ms']:,.0f} ms |",
            f"| CSV export | {e['rows']:,} rows in {e['seconds']} s = {e['rows_per_s']:,} rows/s, {e['bytes'] / 1e6:.0f} MB, "
            f"peak RSS {e['peak_rss_mb']} MB (at start {e['rss_before_mb']} MB) |",
            "",
        ]
    em = result.get("emails")
    if em:
        out += [
            f"Email backlog: {em['emails']:,} confirmation emails sent by `manage.py worker` to a local aiosmtpd sink in "
            f"{em['seconds']} s ({em['per_s']:,}/s, worker start included); left in the outbox: {em['left']}.",
            "",
        ]
    return out


def markdown(results: list[dict]) -> str:
    first = results[0]
    m = first["machine"]
    out = [
        f"# Benchmarks on {first['db']}, {first['date']}",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Linux {m['kernel']}; Python {m['python']}, "
        f"SQLite {m['sqlite']}, Django {m['django']}, granian {m['granian']}, {m['wrk']}"
        + (f", {m['postgres']}" if first["db"] == "postgres" else "")
        + ".",
        "",
        "The load generator (wrk, 2 threads) runs on the same 2 cores as the server, as in the reference measurements: "
        "every figure below is what the server does with the CPU wrk leaves it. Everything runs on 127.0.0.1.",
        "",
        "## Targets",
        "",
        "| target | " + " | ".join(f"`{r['label']}`" for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    names = []
    table = {}
    for i, r in enumerate(results):
        for row in targets(r):
            if row["target"] not in table:
                names.append(row["target"])
                table[row["target"]] = [""] * len(results)
            table[row["target"]][i] = f"{row['value']} {'✅' if row['met'] else '❌'}"
    for name in names:
        out.append(f"| {name} | " + " | ".join(table[name]) + " |")
    out += ["", "## Runs", ""]
    for r in results:
        out += _md_run(r)
    return "\n".join(out) + "\n"


def _runs(out_dir: Path, stem: str) -> list[dict]:
    """The `python -m bench` runs of one date and database (other benchmarks' JSON files share the prefix)."""
    runs = [json.loads(p.read_text()) for p in sorted(out_dir.glob(f"{stem}-*.json"))]
    runs = [r for r in runs if isinstance(r, dict) and {"label", "started", "machine", "server", "sign", "read"} <= set(r)]
    runs.sort(key=lambda r: (r["label"] != "before", r["started"]))
    return runs


def write(result: dict, out_dir: Path = RESULTS) -> Path:
    """Save this run's JSON and rebuild the Markdown of every run of that date and database."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{result['date']}-{result['db']}"
    path = out_dir / f"{stem}-{result['label']}.json"
    if path.exists():  # a run of some parts only: it completes the earlier run of the same label
        earlier = json.loads(path.read_text())
        for part in ("ceiling", "sign", "read", "freshness", "scale", "emails"):
            if not result.get(part) and earlier.get(part):
                result[part] = earlier[part]
        result["targets"] = targets(result)
    path.write_text(json.dumps(result, indent=1, default=str) + "\n")
    runs = _runs(out_dir, stem)
    md = out_dir / f"{stem}.md"
    md.write_text(markdown(runs))
    return md


def rebuild(out_dir: Path = RESULTS) -> list[Path]:
    """Rewrite every <date>-<db>.md from the JSON runs beside it: `python -m bench.report`."""
    written = []
    stems = {p.name.rsplit("-", 1)[0] for p in out_dir.glob("*-*-*-*.json")}
    stems = {stem for stem in stems if re.fullmatch(r"\d{4}-\d\d-\d\d-(sqlite|postgres)", stem)}
    for stem in sorted(stems):
        runs = _runs(out_dir, stem)
        if not runs:
            continue
        for run in runs:
            run["targets"] = targets(run)
        (out_dir / f"{stem}.md").write_text(markdown(runs))
        written.append(out_dir / f"{stem}.md")
    return written


if __name__ == "__main__":
    for path in rebuild():
        print(path)
