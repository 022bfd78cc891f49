"""The ceiling, measured beside the project in the same run: the shared tool `tools/ceiling/run`.

It serves a minimal Django 5.2 app with granian (2 workers x 4 threads, as
`make serve`) and drives it with wrk: a 2-line GET and a POST that parses
three fields and does one INSERT on SQLite. What the project's sign path and
pages do as a share of that is the figure that does not depend on how busy
the machine is (bench/README.md). The tool lives in the workplace's shared
folder beside the repository (`../shared/tools/ceiling/run`); BENCH_CEILING
names another copy. Without it the part is recorded as skipped, with why.
"""

import os
import re
import subprocess
from pathlib import Path

from bench.site import ROOT


def _tool() -> Path:
    """BENCH_CEILING, else shared/ beside the repository (for a git worktree: beside its main checkout)."""
    if os.environ.get("BENCH_CEILING"):
        return Path(os.environ["BENCH_CEILING"])
    here = ROOT.parent / "shared" / "tools" / "ceiling" / "run"
    git = ROOT / ".git"
    if not here.exists() and git.is_file():  # a worktree: .git names <main>/.git/worktrees/<name>
        main = Path(git.read_text().split("gitdir:", 1)[1].strip()).parents[2]
        return main.parent / "shared" / "tools" / "ceiling" / "run"
    return here


TOOL = _tool()
LINE = re.compile(r"^(\w+)\t(\w+)\t([\d.]+) req/s\tp50 (\S*)\tp99 (\S*)\tnon2xx (\d+)", re.M)


def _ms(text: str) -> float | None:
    """wrk's latency text ("3.05ms", "1.20s", "850.00us") in ms."""
    match = re.match(r"([\d.]+)(us|ms|s)$", text or "")
    if not match:
        return None
    return round(float(match.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)], 2)


def run(connections: int = 64, seconds: int = 15, server: str = "granian") -> dict:
    command = ["bash", str(TOOL), server, str(connections), str(seconds)]
    result = {"command": f"../shared/tools/ceiling/run {server} {connections} {seconds}", "loadavg": os.getloadavg()}
    if not TOOL.exists():
        return result | {"skipped": f"{TOOL} is not there (the workplace's shared tools, beside the repository)"}
    # Its first run makes its own venv (pip: django, gunicorn, granian) in /tmp/ceiling-venv.
    out = subprocess.run(command, cwd=TOOL.parent, capture_output=True, text=True, timeout=600 + 3 * seconds)
    found = {m.group(2): m for m in LINE.finditer(out.stdout)}
    if out.returncode or not {"hello", "sign"} <= set(found):
        raise RuntimeError(f"the ceiling tool failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    for what, m in found.items():
        result[what] = {"rps": float(m.group(3)), "p50_ms": _ms(m.group(4)), "p99_ms": _ms(m.group(5)), "non2xx": int(m.group(6))}
    result["loadavg_after"] = os.getloadavg()
    return result


def ratios(result: dict) -> dict:
    """The project's figures as shares of the ceiling's, at the ceiling's connections."""
    c = result.get("ceiling") or {}
    if "sign" not in c:
        return {}
    connections = int(c["command"].split()[2])
    out = {}
    sign = next((r for r in result.get("sign", []) if r["connections"] == connections), None)
    if sign:
        out["sign"] = round(sign["rps"] / c["sign"]["rps"], 3)
    page = next((r for r in result.get("read", []) if r["what"] == "page" and r["connections"] == connections), None)
    if page:
        out["page_vs_hello"] = round(page["rps"] / c["hello"]["rps"], 3)
    return out
