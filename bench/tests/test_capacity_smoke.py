"""The capacity benchmark, end to end for 2 seconds, so that it cannot rot (no timing asserted).

It starts a PostgreSQL of its own (initdb, as the postgres user): it needs root, Debian's PostgreSQL
server and wrk. It runs in the PostgreSQL pass of CI only, as the two-node test does.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_capacity_benchmark_runs_end_to_end(tmp_path):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs with DATABASE_URL=postgres://... (CI's PostgreSQL pass)")
    missing = [what for what, there in (
        ("root", os.geteuid() == 0), ("wrk", shutil.which("wrk")), ("taskset", shutil.which("taskset")),
        ("Debian's PostgreSQL server", glob.glob("/usr/lib/postgresql/*/bin/initdb")),
    ) if not there]  # fmt: skip
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the capacity benchmark needs {', '.join(missing)}")
        pytest.skip(f"the capacity benchmark needs {', '.join(missing)}")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-m", "bench.capacity", "--seconds", "2", "--web-processes", "", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    result = json.loads(next(tmp_path.glob("*-capacity.json")).read_text())
    sign = result["measured"]["sign"]
    assert sign["signatures"] > 0 and sign["errors"] == 0, sign
    assert sign["cpu_ms_per_signature"]["web"] > 0 and sign["cpu_ms_per_signature"]["postgres"] > 0
    assert sign["statements_per_signature"] >= 3 and sign["wal_bytes_per_signature"] > 0  # at least BEGIN, INSERT, COMMIT
    assert result["measured"]["outbox"]["signatures"] >= sign["signatures"]  # every confirmation email arrived (and the warm-up's)
    assert [r["web_cores"] for r in result["model"]] == [2, 8, 32]
    assert not list((ROOT / "bench" / "work").glob("pg-capacity-*")), "the private PostgreSQL is removed"
