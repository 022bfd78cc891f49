"""Stopping the real worker (a subprocess) while it sends a backlog to a local SMTP server.

A deploy or restart sends SIGTERM; a crash or the OOM killer is a `kill -9`.
Either way every signer gets their email, and at most the one message in
flight when the process was killed outright can go twice.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from bench.smtp_sink import Sink, free_port
from signatures import counting
from signatures.models import Signature

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 400


def database_url() -> str:
    """The test database, for the worker subprocess."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(sink, **env) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST")},
        "DEBUG": "0",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    return subprocess.Popen([sys.executable, "manage.py", "worker"], cwd=ROOT, env=env)


# Generous: a loaded CI machine is slow to start a worker process.
def wait_for(condition, timeout: float = 180, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.fixture
def backlog(petition):
    Signature.objects.bulk_create(
        Signature(campaign=petition, name=f"S{i}", email=f"s{i}@example.org", email_hash=f"h{i}", email_due="confirm")
        for i in range(BACKLOG)
    )
    return {f"s{i}@example.org" for i in range(BACKLOG)}


def due() -> set[str]:
    return set(Signature.objects.exclude(email_due="").values_list("email", flat=True))


def stop_midway(sink: Sink, how: int) -> None:
    worker = start_worker(sink)
    try:
        wait_for(lambda: sink.count >= 40, what="the first emails")
        os.kill(worker.pid, how)
        assert worker.wait(30) in (0, -signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert sink.count < BACKLOG, "the worker finished before it was stopped: nothing was tested"


def finish(sink: Sink) -> None:
    worker = start_worker(sink)
    try:
        wait_for(lambda: not due(), what="the backlog to be sent")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_a_graceful_stop_mid_backlog_sends_no_email_twice(backlog):
    with Sink() as sink:
        stop_midway(sink, signal.SIGTERM)
        received = sink.received
        # Every email the server accepted is recorded as sent; every other one is still owed.
        assert set(received) == backlog - due()
        finish(sink)
        assert sink.received == Counter(backlog)  # each exactly once


def test_kill_9_mid_backlog_repeats_at_most_the_message_in_flight(backlog):
    with Sink() as sink:
        stop_midway(sink, signal.SIGKILL)
        accepted_not_recorded = set(sink.received) & due()
        assert len(accepted_not_recorded) <= 1
        finish(sink)
        received = sink.received
        assert set(received) == backlog
        assert sum(received.values()) - BACKLOG <= 1


class SilentServer:
    """Accepts connections and never says a word, like a mail server that hangs."""

    def __init__(self):
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.connections.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.close()
        for conn in self.connections:
            conn.close()


def test_the_count_keeps_up_while_the_mail_server_hangs(petition):
    Signature.objects.create(campaign=petition, name="Waiting", email="w@example.org", email_hash="w", email_due="confirm")
    server = SilentServer()
    worker = start_worker(server, EMAIL_TIMEOUT="60")
    try:
        wait_for(lambda: server.connections, what="the outbox to connect")
        Signature.objects.create(
            campaign=petition, name="Confirmed", email_hash="c", state="verified", verified_at=timezone.now(), checked=True
        )
        wait_for(lambda: counting.total_in_table(petition.pk) == 1, timeout=5, what="the count, while the outbox waits")
    finally:
        server.close()  # the outbox's connection fails: the email stays owed, and the worker can stop
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    assert Signature.objects.get(name="Waiting").email_due == "confirm"
