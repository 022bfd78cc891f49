"""A local SMTP sink (aiosmtpd on 127.0.0.1) that counts what it receives and keeps the confirm links asked for.

It can also misbehave as real mail servers do, for the outbox's tests: drop
the connection in the middle of a message, answer "451 try later", or refuse
an address for good.
"""

import re
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller

LINK = re.compile(rb"https?://[^/\s]+(/signature/confirm/[^\s/]+/)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self):
        self.count = 0
        self.received: Counter[str] = Counter()  # recipient -> messages accepted
        self.arrived: dict[str, float] = {}  # recipient -> time.monotonic() of the first message
        self.links: dict[str, str] = {}
        self.watch: set[str] = set()
        self.lock = threading.Lock()
        self.messages = 0  # DATA commands seen, accepted or not
        self.drop_at: set[int] = set()  # drop the connection instead of answering these DATA commands (1-based)
        self.temporary_failures = 0  # answer "451" to this many DATA commands first
        self.refused: set[str] = set()  # answer "550" to these recipients

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return f"550 5.1.1 <{address}>: No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages += 1
            if self.messages in self.drop_at:
                server.transport.abort()  # no reply: the client sees the connection drop mid-message
                return "421 dropped"
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
            self.count += len(envelope.rcpt_tos)
            now = time.monotonic()
            for rcpt in envelope.rcpt_tos:
                self.received[rcpt] += 1
                self.arrived.setdefault(rcpt, now)
                if rcpt in self.watch:
                    body = envelope.original_content or b""
                    # Quoted-printable may break long lines with "=\n": undo that first.
                    match = LINK.search(body.replace(b"=\r\n", b"").replace(b"=\n", b""))
                    if match:
                        self.links[rcpt] = match.group(1).decode()
        return "250 OK"


class Sink:
    def __init__(self, port: int | None = None):
        self.handler = _Handler()
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def count(self) -> int:
        return self.handler.count

    @property
    def received(self) -> Counter:
        with self.handler.lock:
            return Counter(self.handler.received)

    def arrived(self, address: str) -> float | None:
        with self.handler.lock:
            return self.handler.arrived.get(address)

    def watch(self, address: str) -> None:
        with self.handler.lock:
            self.handler.watch.add(address)

    def link_for(self, address: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.handler.lock:
                if address in self.handler.links:
                    return self.handler.links[address]
            time.sleep(0.02)
        raise TimeoutError(f"no confirmation email for {address} in {timeout} s")

    def start(self) -> "Sink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
