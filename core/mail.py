"""Send one email on an open connection and say what became of it.

Outboxes (signature confirmations, supporter updates) record each message's
own outcome as they go, so one dropped connection cannot lose or double a
batch. SMTP says which failures are worth retrying: a 4xx reply, a refused,
dropped or timed-out connection will likely pass later; a 5xx reply will not.
"""

import enum
import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    SENT = "sent"
    TEMPORARY = "temporary"  # retry later
    PERMANENT = "permanent"  # do not retry


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    detail: str = ""  # the server's reply or the error, for organizers
    connection_lost: bool = False  # the connection is closed: stop the batch, reconnect next time

    @property
    def sent(self) -> bool:
        return self.outcome is Outcome.SENT


def _by_code(code: int, detail: str) -> Result:
    return Result(Outcome.TEMPORARY if 400 <= code < 500 else Outcome.PERMANENT, detail[:200])


def _reply(code, message) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}"


def classify(error: BaseException) -> Result:
    """Temporary or permanent, from an exception raised while sending."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Every recipient refused; retry if any refusal was temporary.
        replies = list(error.recipients.values())
        code = min(code for code, _ in replies) if replies else 550
        return _by_code(code, "; ".join(_reply(c, m) for c, m in replies))
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Result(Outcome.TEMPORARY, "connection dropped", connection_lost=True)
    if isinstance(error, smtplib.SMTPResponseException):
        result = _by_code(error.smtp_code, _reply(error.smtp_code, error.smtp_error))
        # 421 means the server is closing the connection.
        return Result(result.outcome, result.detail, connection_lost=error.smtp_code == 421)
    if isinstance(error, TimeoutError):
        return Result(Outcome.TEMPORARY, "timed out", connection_lost=True)
    if isinstance(error, OSError):  # refused, reset, unreachable, TLS...
        return Result(Outcome.TEMPORARY, (str(error) or type(error).__name__)[:200], connection_lost=True)
    if isinstance(error, (ValueError, UnicodeError)):  # an address or header that cannot be encoded
        return Result(Outcome.PERMANENT, (str(error) or type(error).__name__)[:200])
    return Result(Outcome.TEMPORARY, type(error).__name__)


def send(connection, message: EmailMessage) -> Result:
    """Send `message` over `connection` (opened here if needed, kept open); never raises.

    After a connection-level failure the connection is closed, so the next
    call opens a fresh one.
    """
    try:
        connection.open()  # a no-op while open: the connection stays up for the next message
        if not connection.send_messages([message]):
            return Result(Outcome.PERMANENT, "no recipient")
        return Result(Outcome.SENT)
    except Exception as error:
        result = classify(error)
        if result.outcome is Outcome.TEMPORARY and not isinstance(error, OSError):
            logger.exception("unexpected error while sending an email")
        if result.connection_lost:
            close_quietly(connection)
        return result


def close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # already broken: nothing more to do with it
        logger.debug("closing a broken SMTP connection failed", exc_info=True)
