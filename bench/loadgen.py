"""The load generator: wrk (Debian's package) with bench/wrk/bench.lua, bounded in time and requests."""

import json
import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk" / "bench.lua"


def available() -> bool:
    return shutil.which("wrk") is not None


def version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).split("\n")[0].strip()


def run(
    base: str,
    path: str,
    *,
    mode: str,
    connections: int,
    seconds: float,
    max_requests: int = 2_000_000,
    prefix: str = "bench",
    threads: int = 2,
    pow_file: str = "",
    from_ip: str = "",
    headers: dict[str, str] | None = None,
) -> dict:
    """Drive `base+path` for `seconds` (or until max_requests answers); returns the figures."""
    threads = max(1, min(threads, connections))
    env = {
        **os.environ,
        "BENCH_MODE": mode,
        "BENCH_PATH": path,
        "BENCH_PREFIX": prefix,
        "BENCH_MAX_REQUESTS": str(max(1, max_requests // threads)),
        "BENCH_THREADS": str(threads),
        "BENCH_POW_FILE": pow_file,
        "BENCH_FROM_IP": from_ip,
    }
    cmd = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
        "-s", str(SCRIPT), base + path,
    ]  # fmt: skip
    for name, value in (headers or {}).items():  # GETs only: the sign requests build their own headers
        cmd[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    lines = [line for line in out.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    if out.returncode or not lines:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    raw = json.loads(lines[-1][len("BENCH_JSON ") :])
    seconds_run = raw["duration_us"] / 1e6
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    socket_errors = sum(v for k, v in raw["errors"].items() if k != "status")
    lat = raw["latency_us"]
    sent_per_thread = list(raw["sent_per_thread"].values())
    return {
        "path": path,
        "mode": mode,
        "connections": connections,
        "threads": threads,
        "seconds": round(seconds_run, 2),
        "requests": raw["requests"],
        "ok": ok,
        "rps": round(ok / seconds_run, 1) if seconds_run else 0,
        "statuses": statuses,
        "errors": raw["requests"] - ok + socket_errors,
        "socket_errors": raw["errors"],
        "sent": raw["sent"],
        "with_pow": raw["with_pow"],
        "sent_per_thread": {int(k): v for k, v in raw["sent_per_thread"].items()},
        "p50_ms": round(lat["p50"] / 1000, 2),
        "p90_ms": round(lat["p90"] / 1000, 2),
        "p95_ms": round(lat["p95"] / 1000, 2),
        "p99_ms": round(lat["p99"] / 1000, 2),
        "max_ms": round(lat["max"] / 1000, 2),
        "prefix": prefix,
        # A closed loop: the mean latency must be about connections / rate. Far below it, some connections
        # were starved (never answered) and the percentiles describe only the lucky ones.
        "little_ms": round(1000 * connections / (ok / seconds_run), 2) if ok else None,
        "fair": not sent_per_thread or min(sent_per_thread) >= 0.5 * max(sent_per_thread),
    }
