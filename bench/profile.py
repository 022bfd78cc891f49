"""Profile the server under load: py-spy samples every granian worker while wrk drives one path.

    python -m bench.profile [--path sign|page|count] [--connections 64] [--seconds 15] [--db sqlite]

Writes one py-spy profile per worker process (speedscope JSON, open it at
speedscope.app or in any viewer) and a plain top-functions summary to
bench/work/profile-*/, and prints the summary. For one request in-process with
pyinstrument instead, see bench/README.md.
"""

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench import loadgen
from bench.site import PETITION, Site, drop_templates


def worker_pids(parent: int) -> list[int]:
    """The Python processes under `make serve`: granian's workers."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    children: dict[int, list[tuple[int, str]]] = {}
    for line in out.splitlines():
        pid, ppid, args = line.strip().split(None, 2)
        children.setdefault(int(ppid), []).append((int(pid), args))
    found, todo = [], [parent]
    while todo:
        for pid, args in children.get(todo.pop(), []):
            todo.append(pid)
            if "granian" in args or "python" in args:
                found.append(pid)
    # The leaves are the workers (the first granian process only supervises them).
    return [pid for pid in found if pid not in children] or found


def summarize(speedscope: Path, top: int = 25) -> list[tuple[str, float, float]]:
    """(function, self %, total %) from a speedscope file, heaviest total first."""
    data = json.loads(speedscope.read_text())
    frames = data["shared"]["frames"]
    self_time, total_time, samples = Counter(), Counter(), 0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=False):
            samples += weight
            if stack:
                self_time[stack[-1]] += weight
            for index in set(stack):
                total_time[index] += weight

    def name(i):
        f = frames[i]
        return f"{f['name']} ({Path(f.get('file', '')).name}:{f.get('line', '')})"

    return [(name(i), 100 * self_time[i] / samples, 100 * t / samples) for i, t in total_time.most_common(top)]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    p.add_argument("--path", choices=["sign", "page", "count"], default="sign")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--seconds", type=int, default=15)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--make-args", default="", help='extra `make serve` arguments, e.g. "BLOCKING_THREADS=1"')
    p.add_argument("--top", type=int, default=40)
    args = p.parse_args(argv)
    Site.make_args = args.make_args.split()
    path = {"sign": PETITION + "sign/", "page": PETITION, "count": PETITION + "count.json"}[args.path]
    with Site(args.db, "profile") as site:
        site.prepare()
        site.start_server()
        out_dir = site.dir.parent / f"profile-{args.path}-{time.strftime('%H%M%S')}"
        out_dir.mkdir()
        pids = worker_pids(site.server.pid)
        spies = []
        for pid in pids:
            output = str(out_dir / f"worker-{pid}.speedscope.json")
            py_spy = str(Path(sys.executable).parent / "py-spy")
            command = [py_spy, "record", "--pid", str(pid), "--duration", str(args.seconds), "--rate", "200",
                       "--format", "speedscope", "--output", output, "--nonblocking"]  # fmt: skip
            spies.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        mode = "sign" if args.path == "sign" else "get"
        r = loadgen.run(site.base, path, mode=mode, connections=args.connections, seconds=args.seconds, prefix="profile")
        for spy in spies:
            spy.wait(60)
        lines = [f"{args.path} at {args.connections} connections: {r['rps']:,.0f}/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms"]
        lines.append("")
        for file in sorted(out_dir.glob("*.speedscope.json")):
            lines += [f"{file.name}: self% total% function"]
            lines += [f"  {s:5.1f} {t:5.1f}  {n}" for n, s, t in summarize(file, args.top)]
            lines.append("")
        (out_dir / "summary.txt").write_text("\n".join(lines))
        print("\n".join(lines))
        print(f"profiles in {out_dir}")
        site.stop_server()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        drop_templates()
