"""The benchmark suite, end to end with tiny numbers, so that it cannot rot.

No timing is asserted here (that is what bench/results/ is for): only that
every part runs and that no signature is lost or doubled.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_benchmark_suite_runs_end_to_end(tmp_path):
    if shutil.which("wrk") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is missing: .ci/run installs it (apt-get install -y wrk)")
        pytest.skip("the benchmark smoke test needs wrk, which needs root to install: sudo apt-get install -y wrk")
    db = "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--db", db, "--label", "smoke", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=420,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    result = json.loads(next(tmp_path.glob(f"*-{db}-smoke.json")).read_text())

    from bench import ceiling

    if ceiling.TOOL.exists():  # the shared ceiling tool, measured in the same run, and our share of it
        assert result["ceiling"]["sign"]["rps"] > 0 and result["ceiling"]["hello"]["rps"] > 0, result["ceiling"]
        assert result["ratios"]["sign"] > 0 and result["ratios"]["page_vs_hello"] > 0, result["ratios"]
    else:
        assert "skipped" in result["ceiling"]
    (sign,) = result["sign"]
    assert sign["ok"] > 0 and sign["errors"] == 0, json.dumps(sign) + out.stdout + out.stderr
    assert sign["with_pow"] > 0, "the sign requests carry a proof of work"
    assert sign["stored"]["with_proof"] > 0, "their proofs count (bound to each request's network and domain)"
    assert sign["lost"] == 0 and sign["doubled"] == 0 and sign["extra_rows_ok"], sign
    assert {r["what"] for r in result["read"]} == {"page", "count", "challenge"}
    assert all(r["ok"] > 0 and r["errors"] == 0 for r in result["read"]), result["read"]

    assert len(result["freshness"]["samples_s"]) == 2
    scale = result["scale"]
    assert scale["signatures"] == scale["counted_total"] == scale["export"]["rows"] == 1000
    assert scale["recount_totals_ok"]
    assert result["emails"]["received"] == 200 and result["emails"]["left"] == 0
    assert "## Targets" in next(tmp_path.glob(f"*-{db}.md")).read_text()
