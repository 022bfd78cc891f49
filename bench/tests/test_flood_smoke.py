"""bench/flood.py end to end with a small flood, so that it cannot rot (timings live in bench/results/)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_flood_benchmark_runs_end_to_end(tmp_path):
    if shutil.which("wrk") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is missing: .ci/run installs it (apt-get install -y wrk)")
        pytest.skip("wrk is not installed (apt-get install -y wrk); CI installs it and runs this test")
    db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-m", "bench.flood", "--db", db, "--flood", "300", "--every", "1", "--drain-seconds", "5",
         "--label", "smoke", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    files = list(tmp_path.glob(f"*-flood-{db}-smoke.json"))
    assert files, out.stdout + out.stderr
    result = json.loads(files[0].read_text())
    assert result["honest_errors"] == []
    assert result["honest"], "honest signers signed during the flood"
    rows = result["flood"]["rows"]
    assert rows["rows"] >= 300
    assert rows["by_state"]["flagged"] >= rows["rows"] - 10  # past the limits, flagged
    assert "Flood from one network" in next(tmp_path.glob("*-flood.md")).read_text()
