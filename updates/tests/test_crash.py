"""A worker killed in the middle of a send, then restarted: every recipient gets the update exactly once.

These run the real worker (`manage.py worker`) as a separate process against
the test database, with a real SMTP server, and kill it with SIGKILL (no
chance to tidy up).
"""

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from updates import services
from updates.models import Recipient, Update

from .conftest import organizer, supporter

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
N = 300


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(sink, rate: int) -> subprocess.Popen:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "PYTEST_CURRENT_TEST")},
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "UPDATES_RATE": str(rate),
        "UPDATES_CONNECTIONS": "3",
        "UPDATES_CLAIM_SECONDS": "2",  # so the restarted worker takes over the dead one's recipients quickly
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def wait_for(condition, timeout=90, what="") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def started_update(campaign):
    for i in range(N):
        supporter(campaign, f"person{i}@example.org")
    update = Update.objects.create(campaign=campaign, subject="News", body="The vote is on Tuesday.", author=organizer("ana"))
    services.approve(update, organizer("ben", "approve_update"))
    services.start(update, update.approver)
    return update


def run_to_the_end(sink, update, first: subprocess.Popen, rate: int) -> None:
    second = start_worker(sink, rate)
    try:
        wait_for(lambda: Update.objects.get(pk=update.pk).status == "sent", what="the restarted worker to finish")
    finally:
        kill(second)
        kill(first)


def assert_exactly_once(sink):
    per_address = collections.Counter(r.to for r in sink.updates())
    doubled = {a: n for a, n in per_address.items() if n > 1}
    assert doubled == {}
    assert len(per_address) == N
    assert Recipient.objects.filter(state="sent").count() == N
    assert not Recipient.objects.filter(claim__isnull=False).exists()


def test_killed_while_the_server_holds_whole_messages_unanswered(sink, started_update):
    # The riskiest moment: the server has the message (final dot included) and the worker dies
    # before hearing back. Those messages must count as sent, not go out again.
    sink.handler.hold_after = 100
    worker = start_worker(sink, rate=0)
    try:
        wait_for(lambda: len(sink.updates()) >= 103, what="three held messages, one per connection")
        time.sleep(0.2)
        kill(worker)
    finally:
        sink.handler.released.set()
        kill(worker)
    assert len(sink.updates()) == 103
    run_to_the_end(sink, started_update, worker, rate=0)
    assert_exactly_once(sink)


def test_killed_at_an_unplanned_moment(sink, started_update):
    worker = start_worker(sink, rate=150)
    try:
        wait_for(lambda: len(sink.updates()) >= N // 3, what="a third of the update to go out")
        kill(worker)
        assert len(sink.updates()) < N
    finally:
        kill(worker)
    run_to_the_end(sink, started_update, worker, rate=150)
    per_address = collections.Counter(r.to for r in sink.updates())
    assert {a: n for a, n in per_address.items() if n > 1} == {}
    assert Recipient.objects.filter(state="sent").count() == N
    assert not Recipient.objects.filter(claim__isnull=False).exists()
    # Known window (updates/smtp.py): a kill after the record commits and before the final dot is
    # sent loses that one message (recorded, never delivered). At most the one in flight, never more.
    # The fix (record after the server's 250: a repeat, as issue 10 allows) is open; see updates/smtp.py.
    assert len(per_address) >= N - 1


def test_a_worker_asked_to_stop_finishes_the_message_in_flight_and_lets_go_of_the_rest(sink, started_update):
    worker = start_worker(sink, rate=100)
    try:
        wait_for(lambda: len(sink.updates()) >= 50, what="the first messages")
        os.killpg(worker.pid, signal.SIGTERM)  # what systemd does on a restart
        worker.wait(30)
    finally:
        kill(worker)
    received = len(sink.updates())
    assert 50 <= received < N
    assert Recipient.objects.filter(state="sent").count() == received  # every message recorded, none in between
    assert not Recipient.objects.filter(claim__isnull=False).exists()  # the next worker need not wait for claims to expire
    run_to_the_end(sink, started_update, worker, rate=0)
    assert_exactly_once(sink)
