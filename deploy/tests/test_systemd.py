"""The systemd units in deploy/systemd/: valid, restarting on failure, unprivileged and hardened."""

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = sorted((Path(__file__).resolve().parents[1] / "systemd").glob("*.service"))
needs_systemd = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


def test_there_is_a_unit_for_the_web_server_and_one_for_the_worker():
    commands = {unit(path)["Service"]["ExecStart"] for path in UNITS}
    assert commands == {f"/usr/bin/make --no-print-directory -o install {target}" for target in ("serve", "worker")}


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_restarts_on_failure_as_a_user_with_the_environment_file(path):
    service = unit(path)["Service"]
    assert service["Restart"] == "on-failure"
    assert service["User"] not in ("", "root") and service["EnvironmentFile"] == "/etc/stopshotspotter/env"


@needs_systemd
@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_systemd_accepts_each_unit_without_a_warning(path):
    out = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True)
    assert out.returncode == 0 and not out.stderr.strip(), out.stderr


@needs_systemd
@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_uses_the_hardening_systemd_offers(path):
    # systemd's own exposure score, 0 (locked down) to 10 (none): "OK" is at most 2.0 (threshold 20 of 100).
    command = ["systemd-analyze", "security", "--offline=true", "--threshold=20", str(path)]
    out = subprocess.run(command, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:]
