import asyncio
import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.utils import timezone

from signatures.emails import domain_of, email_hash
from signatures.models import Campaign, Signature

PORTS = range(9500, 9600)  # this checkout's ports


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 9500-9599")


@dataclass
class Received:
    to: str
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, kind: str) -> str:
        return self.message.get_body(preferencelist=(kind,)).get_content()

    @property
    def text(self) -> str:
        return self.part("plain")


@dataclass
class Handler:
    received: list = field(default_factory=list)
    refuse: dict = field(default_factory=dict)  # address -> SMTP reply at RCPT
    # After this many messages, keep each further message but do not answer its final dot until released:
    # the moment when the server has the whole message and the sender has no reply yet.
    hold_after: int | None = None
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append(Received(rcpt, message))
            held = self.hold_after is not None and len(self.received) > self.hold_after
        while held and not self.released.is_set():
            await asyncio.sleep(0.01)
        return "250 OK"


class Sink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), keeping every message it accepts."""

    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if r.to == address]

    def updates(self) -> list[Received]:
        return [r for r in self.received if r.message["List-Id"]]


@pytest.fixture
def sink(settings):
    s = Sink()
    s.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", s.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.UPDATES_RATE = 0
    yield s
    s.controller.stop()


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(
        kind="petition", slug="p", title="Stop it", target="The CEO", summary="Sum", body="Text of the petition."
    )


@pytest.fixture
def other_campaign(db):
    return Campaign.objects.create(
        kind="letter", slug="l", title="Open letter", target="The company", summary="Sum", body="Letter text."
    )


def supporter(campaign, address, *, zip_code="60614", city="Chicago", us_state="IL", language="en", wants_updates=True):
    """A confirmed signature, as the sign and confirm views leave it."""
    now = timezone.now()
    return Signature.objects.create(
        campaign=campaign, name="Someone", email=address if wants_updates else None, email_hash=email_hash(address),
        email_domain=domain_of(address), zip_code=zip_code, city=city, us_state=us_state, wants_updates=wants_updates,
        language=language, state="verified", verified_at=now, checked=True,
    )  # fmt: skip


def organizer(username, *perms):
    user = User.objects.create_user(username, f"{username}@coalition.example", "a long password 123", is_staff=True)
    codenames = ["add_update", "change_update", "view_update", "delete_update", *perms]
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="updates", codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def author(db):
    return organizer("ana", "approve_update")  # may approve, but not their own


@pytest.fixture
def approver(db):
    return organizer("ben", "approve_update")


def run_worker():
    call_command("worker", "--batch")


def unsubscribe_path(received: Received) -> str:
    header = str(received.message["List-Unsubscribe"])
    match = re.search(r"<https?://[^/]+(/updates/unsubscribe/[^>]+/)>", header)
    assert match, header
    return match.group(1)
