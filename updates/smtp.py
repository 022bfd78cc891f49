"""Send one update email over SMTP and say what became of it: sent, try again later, or never.

All of the SMTP handling of this app is here, so it can give way to a shared
"send one message" function (core.mail) without touching the sender.

Exactly once: the recipient is recorded as sent (`record_sent`) after the whole
message has been written but *before* the final "." that ends it. A mail
server delivers nothing it has not received the final dot for (RFC 5321
4.1.1.4), so a crash before the record leaves nothing delivered (the next
worker sends it), and a crash after it never makes a second copy.

Known gap: a `kill -9` after the record commits and before the dot leaves
(microseconds) loses that one message: recorded as sent, never delivered.
Writing the record after the server's 250 (keeping a claim check before the
dot) would turn that into at most one repeat instead.
"""

import enum
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass

from django.conf import settings


class Outcome(enum.Enum):
    SENT = "sent"
    TEMPORARY = "temporary"  # try again later (4xx reply, lost connection)
    PERMANENT = "permanent"  # never (5xx reply)
    ABORTED = "aborted"  # record_sent said no (another sender holds it): nothing was delivered


@dataclass
class Result:
    outcome: Outcome
    detail: str = ""
    bad_address: bool = False  # the server refused the recipient itself (a hard bounce)
    reconnect: bool = False  # the connection is no longer usable
    server_problem: bool = False  # the server refused our sender: no recipient's fault, stop and try later


def connect() -> smtplib.SMTP:
    """A connection to the mail server of EMAIL_URL (host, port, TLS, login)."""
    timeout = settings.EMAIL_TIMEOUT or 30
    if settings.EMAIL_USE_SSL:
        conn = smtplib.SMTP_SSL(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout)
        if settings.EMAIL_USE_TLS:
            conn.starttls(context=ssl.create_default_context())
    if settings.EMAIL_HOST_USER:
        conn.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    # The final dot is a small write right after the message: without this, Nagle's algorithm
    # holds it until the server's delayed ACK, 40 ms per message.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


_LEADING_DOT = re.compile(rb"(?m)^\.")
_BARE_EOL = re.compile(rb"\r\n|\r|\n")


def _classify(code: int, reply: bytes, *, at_rcpt: bool = False) -> Result:
    detail = f"{code} {reply.decode('utf-8', 'replace')}"[:200]
    if 400 <= code < 500 or code < 0:
        return Result(Outcome.TEMPORARY, detail)
    return Result(Outcome.PERMANENT, detail, bad_address=at_rcpt and code in (550, 551, 553))


def send(conn: smtplib.SMTP, sender: str, recipient: str, message: bytes, record_sent) -> Result:
    """One message on an open connection; `record_sent()` is called just before the final dot."""
    try:
        conn.ehlo_or_helo_if_needed()
        code, reply = conn.mail(sender)
        if code != 250:
            conn.rset()
            result = _classify(code, reply)
            result.server_problem = True
            return result
        code, reply = conn.rcpt(recipient)
        if code not in (250, 251):
            conn.rset()
            return _classify(code, reply, at_rcpt=True)
        conn.putcmd("data")
        code, reply = conn.getreply()
        if code != 354:
            conn.rset()
            return _classify(code, reply)
        data = _LEADING_DOT.sub(b"..", _BARE_EOL.sub(b"\r\n", message))
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        conn.send(data)
    except (smtplib.SMTPException, OSError) as exc:
        return Result(Outcome.TEMPORARY, str(exc)[:200], reconnect=True)
    if not record_sent():
        # Without the dot the server drops the message; the connection is left mid-DATA.
        return Result(Outcome.ABORTED, reconnect=True)
    try:
        conn.send(b".\r\n")
    except (smtplib.SMTPException, OSError) as exc:
        # The dot never left: nothing was delivered, the caller undoes the record.
        return Result(Outcome.TEMPORARY, str(exc)[:200], reconnect=True)
    try:
        code, reply = conn.getreply()
    except (smtplib.SMTPException, OSError) as exc:
        # The server has the whole message but did not answer: most likely delivered.
        # Counted as sent, since sending again could make a second copy.
        return Result(Outcome.SENT, f"no reply after the message: {exc}"[:200], reconnect=True)
    if code == 250:
        return Result(Outcome.SENT)
    return _classify(code, reply)


def close(conn: smtplib.SMTP | None, *, polite: bool = True) -> None:
    """QUIT and close; `polite=False` only closes (mid-DATA, a QUIT would be read as message text)."""
    if conn is None:
        return
    try:
        if polite:
            conn.quit()
            return
    except (smtplib.SMTPException, OSError):
        pass
    conn.close()
