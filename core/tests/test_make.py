"""The README's two commands: `make test` installs what the tests need where it can, and says what it skipped."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed (sudo apt-get install -y make)")

FAKE_NPM = """#!/bin/sh
echo "$@" > npm-args
/bin/mkdir -p node_modules/axe-core && : > node_modules/axe-core/axe.min.js
"""


def make(target, cwd, path):
    return subprocess.run(  # noqa: S603 - our own Makefile
        [MAKE, "--no-print-directory", target], cwd=cwd, env={"PATH": str(path)}, capture_output=True, text=True, timeout=60
    )


def test_make_test_installs_axe_core_with_npm(tmp_path):
    dry_run = subprocess.run([MAKE, "-n", "test"], cwd=ROOT, capture_output=True, text=True).stdout  # noqa: S603
    assert "npm install" in dry_run and "axe-core@4" in dry_run
    shutil.copy(ROOT / "Makefile", tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM)
    npm.chmod(0o755)
    done = make("browser-tools", tmp_path, bin_dir)
    assert done.returncode == 0, done.stderr
    assert "axe-core@4" in (tmp_path / "npm-args").read_text()
    assert (tmp_path / "node_modules" / "axe-core" / "axe.min.js").exists()
    # Once there, it is not fetched again.
    (tmp_path / "npm-args").unlink()
    make("browser-tools", tmp_path, bin_dir)
    assert not (tmp_path / "npm-args").exists()


def test_without_npm_make_test_says_the_browser_test_will_be_skipped(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path)
    done = make("browser-tools", tmp_path, tmp_path / "no-such-bin")
    assert done.returncode == 0, done.stderr
    assert "npm is not installed: the browser test will be skipped" in done.stdout


def test_every_skipped_test_prints_its_reason(pytestconfig):
    assert "s" in pytestconfig.option.reportchars
