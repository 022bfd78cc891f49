"""A local SMTP sink (aiosmtpd on 127.0.0.1) that counts what it receives and keeps the confirm links asked for."""

import re
import threading
import time

from aiosmtpd.controller import Controller

LINK = re.compile(rb"https?://[^/\s]+(/signature/confirm/[^\s/]+/)")


class _Handler:
    def __init__(self):
        self.count = 0
        self.links: dict[str, str] = {}
        self.watch: set[str] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
            for rcpt in envelope.rcpt_tos:
                if rcpt in self.watch:
                    body = envelope.original_content or b""
                    # Quoted-printable may break long lines with "=\n": undo that first.
                    match = LINK.search(body.replace(b"=\r\n", b"").replace(b"=\n", b""))
                    if match:
                        self.links[rcpt] = match.group(1).decode()
        return "250 OK"


class Sink:
    def __init__(self, port: int):
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)
        self.port = port

    @property
    def count(self) -> int:
        return self.handler.count

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

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
