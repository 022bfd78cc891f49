"""The example environment file (deploy/stopshotspotter.env.example) is a clean production configuration."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments skipped, double quotes removed)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value
    return values


def test_the_example_passes_check_deploy_once_a_secret_key_is_filled_in(tmp_path):
    example = read_env_file(ROOT / "deploy" / "stopshotspotter.env.example")
    assert example["SECRET_KEY"] == ""  # the operator must make one: no shared default in the file
    example |= {
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdefghijklmnop",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",  # /var/lib/stopshotspotter on the server
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")} | example
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
