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


def _session_alive(sid: int) -> list[str]:
    """Command lines of the processes still in a session."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # the session id, after state, ppid and pgrp
            alive.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    return alive


@pytest.mark.slow
def test_ctrl_c_stops_make_run_quietly_with_its_worker(tmp_path):
    """As in a terminal: `make run`, wait for the site, press Ctrl+C."""
    import os
    import pty
    import select
    import signal
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def in_its_own_terminal():
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a terminal's shell does not ignore Ctrl+C
        os.setsid()
        import fcntl
        import termios

        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path}/run.sqlite3")
    terminal, child_end = pty.openpty()
    run = subprocess.Popen(  # noqa: S603 - our own Makefile; -o install: the test environment is installed
        [MAKE, "--no-print-directory", "-o", "install", "run"], cwd=ROOT, env=env,
        stdin=child_end, stdout=child_end, stderr=child_end, preexec_fn=in_its_own_terminal,
    )  # fmt: skip
    os.close(child_end)
    output = bytearray()

    def read_for(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if select.select([terminal], [], [], 0.1)[0]:
                try:
                    output.extend(os.read(terminal, 65536))
                except OSError:
                    return

    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and run.poll() is None:
            read_for(0.5)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                continue
        read_for(1)
        assert b"Starting development server" in output, output.decode(errors="replace")
        before = len(output)
        os.write(terminal, b"\x03")  # Ctrl+C
        run.wait(timeout=30)
        read_for(1)
        after = output[before:].decode(errors="replace")
        assert "Terminated" not in after and "No child processes" not in after and "***" not in after, after
        assert _session_alive(run.pid) == []
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        os.close(terminal)
