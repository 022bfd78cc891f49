"""The delivery benchmark, end to end with 2,000 rows, so that it cannot rot (no timing asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_delivery_benchmark_runs_end_to_end(tmp_path):
    db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-m", "bench.delivery", "--quick", "--db", db, "--engines", "ours", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(next(tmp_path.glob(f"*-delivery-{db}.json")).read_text())
    (run,) = result["runs"]
    assert run["ours"]["rows"] == 2000 and run["ours"]["pages"] > 30
    assert run["ours"]["bytes"]["pdf"] > 0 and run["ours"]["peak_rss_mb"] > 0
    assert "| ours | 2,000 |" in next(tmp_path.glob(f"*-delivery-{db}.md")).read_text()
