"""Visitors and attackers for the deployment tests: plain HTTP clients on raw sockets, with or without TLS."""

import contextlib
import os
import socket
import ssl
import threading
import time
import urllib.parse
from pathlib import Path

PETITION = "/petition/stop-surveilling-our-communities/"


def connect(port: int, tls: ssl.SSLContext | None = None, host: str = "localhost", timeout: float = 10) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return tls.wrap_socket(sock, server_hostname=host) if tls else sock


def request(port: int, method: str, path: str, *, tls=None, host="localhost", body: bytes = b"", headers=None,
            timeout: float = 10) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    """One request on a new connection; (status, headers lower-cased, body)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    if body or method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with connect(port, tls, host, timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    if not data:
        raise ConnectionError("closed without a response")
    head, _, content = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    if fields.get("transfer-encoding") == "chunked":
        content = _unchunk(content)
    return int(status_line.split()[1]), fields, content


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size, _, rest = data.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out += rest[:n]
        data = rest[n + 2 :]
    return out


def sign_form(email: str) -> bytes:
    """The petition's sign form as a visitor without JavaScript sends it (no proof of work)."""
    return urllib.parse.urlencode({"signer": "individual", "name": "Ada Lovelace", "email": email, "zip_code": "60614"}).encode()


class SlowBodies:
    """`n` connections that each announce a sign form of 1,000 bytes and send it one byte a second, all at once."""

    def __init__(self, port: int, n: int = 100, *, tls=None, host="localhost", path=PETITION + "sign/"):
        self.port, self.n, self.tls, self.host, self.path = port, n, tls, host, path
        self.socks: list[socket.socket] = []
        self.stop = threading.Event()
        self.dripper = threading.Thread(target=self._drip, daemon=True)

    def __enter__(self):
        head = (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 1000\r\n\r\nn").encode()  # fmt: skip
        for _ in range(self.n):
            sock = connect(self.port, self.tls, self.host)
            sock.sendall(head)
            self.socks.append(sock)
        self.dripper.start()
        return self

    def _drip(self):
        while not self.stop.wait(1):
            for sock in self.socks:
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")

    def still_waiting(self) -> int:
        """Connections the server still holds open for their body (no answer, no close)."""
        waiting = 0
        for sock in self.socks:
            sock.setblocking(False)
            try:
                sock.recv(1)  # an answer or a close: no longer waiting
            except (BlockingIOError, ssl.SSLWantReadError):
                waiting += 1
            except OSError:
                pass
            finally:
                sock.setblocking(True)
        return waiting

    def __exit__(self, *exc):
        self.stop.set()
        self.dripper.join(5)
        for sock in self.socks:
            sock.close()


def timed(fn, *args, **kwargs):
    t0 = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - t0


def process_tree(root: int) -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) for `root` and its descendants, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            table[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    tree, frontier = {}, [root]
    while frontier:
        pid = frontier.pop()
        if pid in table:
            tree[pid] = table[pid]
            frontier += [p for p, (parent, _) in table.items() if parent == pid]
    return tree


def granian_processes(make_pid: int) -> tuple[int | None, list[int]]:
    """The granian main process under `make serve`, and its workers."""
    tree = process_tree(make_pid)
    granian = {pid for pid, (_, cmd) in tree.items() if "granian" in cmd}
    main = [pid for pid in granian if tree[pid][0] not in granian]
    workers = [pid for pid in granian if tree[pid][0] in granian]
    return (main[0] if main else None), sorted(workers)


def on_linux() -> bool:
    return os.path.isdir("/proc/self")
