"""Send one message and say what happened: sent, try again later, or give up.

Temporary: the server said 4xx, or the connection failed, dropped or timed out.
Permanent: the server said 5xx. (To be shared with the signatures outbox.)
"""

import contextlib
import smtplib

SENT, TEMPORARY, PERMANENT = "sent", "temporary", "permanent"


def send_one(connection, message) -> tuple[str, str]:
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        return (TEMPORARY if all(400 <= c < 500 for c in codes) else PERMANENT), str(codes)
    except smtplib.SMTPResponseException as error:
        return (TEMPORARY if 400 <= error.smtp_code < 500 else PERMANENT), f"{error.smtp_code} {error.smtp_error!r}"[:300]
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        # A dropped or refused connection: the next attempt opens a new one.
        with contextlib.suppress(Exception):  # already broken
            connection.close()
        return TEMPORARY, type(error).__name__
    return SENT, ""
