import email
import email.policy
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from letters.models import LetterAction, Official
from local_actions.models import LocalAction

SUGGESTED = "Dear Council,\n\nPlease vote no on ShotSpotter.\n\nThank you."


@pytest.fixture
def fight(db):
    city = LocalAction.objects.create(city="Chicago", state="IL", slug="chicago-il", status="active")
    action = LetterAction.objects.create(
        local_action=city,
        subject="Vote no",
        suggested_text=SUGGESTED,
        decision="City Council vote on the renewal",
        decision_date=timezone.localdate() + timedelta(days=20),
        opens_at=timezone.now() - timedelta(days=1),
    )
    Official.objects.create(
        action=action, name="Ada Alder", role="council", district="5", email="ward5@chicago.example", zip_codes="60614 60657"
    )
    Official.objects.create(action=action, name="Mo Mayor", role="mayor", email="mayor@chicago.example")
    return action


def write(client, slug="chicago-il", **overrides):
    data = {"name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614", "body": SUGGESTED}
    data.update(overrides)
    ip = data.pop("ip", "203.0.113.9")
    return client.post(f"/letters/{slug}/", data, REMOTE_ADDR=ip)


def run_worker():
    call_command("worker", "--batch")


def link_in(body: str, kind: str) -> str:
    match = re.search(rf"https?://[^/\s]+(/letters/{kind}/[^\s/]+/)", body)
    assert match, body
    return match.group(1)


class _Inbox:
    def __init__(self):
        self.messages = []
        self.refuse_first = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_first:
            self.refuse_first -= 1
            return "451 Try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on localhost; the site sends to it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()
