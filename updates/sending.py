"""The worker's sender: starts updates that are due, then sends to their recipients.

`run(stop)` is a worker loop (settings.WORKER_LOOPS). It sends with
UPDATES_CONNECTIONS SMTP connections in parallel, each in its own thread,
throttled together to UPDATES_RATE messages a second. Each thread claims a
few recipients at a time (a claim expires, so recipients held by a worker
that died are taken again) and records each one as it goes (see smtp.py for
why that makes every send happen once).
"""

import logging
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import close_old_connections, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.services import record
from signatures.models import Signature
from signatures.states import State

from . import audience, content, services, smtp
from .models import Recipient, Suppression, Update
from .states import RecipientState, Status

logger = logging.getLogger(__name__)

IDLE_SECONDS = 1
UNAVAILABLE_WAIT = 30
MAX_ATTEMPTS = 5
RETRY_AFTER = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MARK_SENT = (
    f"UPDATE {Recipient._meta.db_table} SET state = %s, sent_at = %s, attempts = %s, claim = NULL, claimed_until = NULL "  # noqa: S608
    f"WHERE id = %s AND claim = %s AND state = '{RecipientState.WAITING}'"
)


# --- starting and finishing ------------------------------------------------------
def start_due(now=None) -> int:
    """Approved updates whose time has come start: their recipients are fixed now. Returns how many started."""
    now = now or timezone.now()
    started = 0
    for update in Update.objects.filter(status=Status.APPROVED, send_at__lte=now).select_related("campaign"):
        problem = services.cap_problem(update, update.send_at)
        if problem:
            Update.objects.filter(pk=update.pk, status=Status.APPROVED).update(send_at=None, problem=problem)
            record("worker", "updates.update.not_started", update, data={"problem": problem})
            continue
        started += _start(update, now)
    return started


def _start(update: Update, now) -> int:
    try:
        rows = audience.signatures_for(update)
    except audience.NoPlace:
        Update.objects.filter(pk=update.pk).update(send_at=None, problem=str(services.NO_PLACE))
        return 0
    select_sql, params = rows.order_by().values("pk").query.sql_with_params()
    table = connection.ops.quote_name(Recipient._meta.db_table)
    next_try = Recipient._meta.get_field("next_try").get_db_prep_value(now, connection)
    with transaction.atomic():
        if not Update.objects.filter(pk=update.pk, status=Status.APPROVED).update(status=Status.SENDING, started_at=now):
            return 0
        # One INSERT ... SELECT: a hundred thousand recipients in a second, in the same transaction as the status.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (update_id, signature_id, state, attempts, next_try, error) "  # noqa: S608
                f"SELECT %s, audience.pk, %s, 0, %s, '' FROM ({select_sql}) audience",
                [update.pk, RecipientState.WAITING, next_try, *params],
            )
            count = cursor.rowcount
    record("worker", "updates.update.recipients_fixed", update, rows=max(count, 0))
    return 1


def finish_done(now=None) -> int:
    """Updates with nobody left waiting are sent."""
    waiting = Recipient.objects.filter(update=OuterRef("pk"), state=RecipientState.WAITING)
    return (
        Update.objects.filter(status=Status.SENDING)
        .exclude(Exists(waiting))
        .update(status=Status.SENT, finished_at=now or timezone.now())
    )


# --- claiming --------------------------------------------------------------------
def claim(token: str, size: int, now=None) -> list[Recipient]:
    """Take up to `size` waiting recipients of sending updates, for `token` only."""
    now = now or timezone.now()
    free = Q(claim__isnull=True) | Q(claimed_until__lt=now)
    with transaction.atomic():
        ids = list(
            Recipient.objects.filter(free, state=RecipientState.WAITING, next_try__lte=now, update__status=Status.SENDING)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("update_id", "id")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        until = now + timedelta(seconds=settings.UPDATES_CLAIM_SECONDS)
        Recipient.objects.filter(free, pk__in=ids, state=RecipientState.WAITING).update(claim=token, claimed_until=until)
    return list(Recipient.objects.filter(claim=token, state=RecipientState.WAITING).order_by("id"))


def release(token: str) -> None:
    Recipient.objects.filter(claim=token, state=RecipientState.WAITING).update(claim=None, claimed_until=None)


class ServerUnavailable(Exception):
    """The mail server cannot take any message now."""


# --- sending ---------------------------------------------------------------------
class Throttle:
    """At most `rate` messages a second, shared by the sending threads (0: no limit)."""

    def __init__(self, rate: float):
        self.interval = 1 / rate if rate and rate > 0 else 0
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next)
            self.next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class Sender:
    """One sending thread's state: its claim token, its mail connection, the rendered updates."""

    def __init__(self, throttle: Throttle, stop: threading.Event | None):
        self.token = uuid.uuid4().hex
        self.throttle = throttle
        self.stop = stop
        self.smtp_conn = None
        self.django_conn = None
        self.raw_smtp = settings.EMAIL_BACKEND == SMTP_BACKEND
        self.sender = settings.UPDATES_BOUNCE_ADDRESS or settings.DEFAULT_FROM_EMAIL
        self.rendered: dict[tuple[int, str], content.Rendered] = {}
        self.updates: dict[int, Update] = {}
        self.status_checked: dict[int, tuple[float, bool]] = {}  # update -> (when looked, still sending)

    def stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def run(self) -> int:
        sent = 0
        try:
            while not self.stopping():
                batch = claim(self.token, self._claim_size())
                if not batch:
                    break
                sent += self._send_batch(batch)
        except ServerUnavailable as exc:
            # Not the recipients' fault: they go back untouched, and a later pass tries again.
            logger.warning("%s; trying again in %d s", exc, UNAVAILABLE_WAIT)
            if self.stop is not None:
                self.stop.wait(UNAVAILABLE_WAIT)
        finally:
            release(self.token)
            self._close()
        return sent

    def _claim_size(self) -> int:
        rate = settings.UPDATES_RATE
        if rate and rate > 0:  # about two seconds of work, so a pause or a stop takes effect quickly
            return max(1, min(50, int(rate * 2 / max(1, settings.UPDATES_CONNECTIONS))))
        return 50

    def _send_batch(self, batch: list[Recipient]) -> int:
        signatures = Signature.objects.in_bulk([r.signature_id for r in batch])
        suppressed = set(
            Suppression.objects.filter(address_hash__in=[s.email_hash for s in signatures.values() if s.email_hash])
            .values_list("address_hash", flat=True)
        )
        sent = 0
        for recipient in batch:
            if self.stopping():
                break
            if not self._still_sending(recipient.update_id):  # paused: it goes back for when it resumes
                Recipient.objects.filter(pk=recipient.pk, claim=self.token).update(claim=None, claimed_until=None)
                continue
            signature = signatures.get(recipient.signature_id)
            if (
                signature is None
                or signature.state != State.VERIFIED
                or not signature.wants_updates
                or not signature.email
                or signature.email_hash in suppressed
            ):
                self._mark(recipient, RecipientState.UNSUBSCRIBED)
                continue
            self.throttle.wait()
            sent += self._deliver(recipient, signature)
        return sent

    def _still_sending(self, update_id: int) -> bool:
        """A pause takes effect within a second, without a query per message."""
        now = time.monotonic()
        checked_at, sending = self.status_checked.get(update_id, (0.0, False))
        if now - checked_at > 1:
            sending = Update.objects.filter(pk=update_id, status=Status.SENDING).exists()
            self.status_checked[update_id] = (now, sending)
        return sending

    def _message(self, recipient: Recipient, signature: Signature, build=content.build):
        update = self.updates.get(recipient.update_id)
        if update is None:
            update = Update.objects.select_related("campaign").prefetch_related("translations").get(pk=recipient.update_id)
            self.updates[recipient.update_id] = update
        key = (update.pk, signature.language or settings.LANGUAGE_CODE)
        if key not in self.rendered:
            self.rendered[key] = content.render(update, key[1])
        return build(self.rendered[key], update, to=signature.email, signature_id=signature.pk, recipient_id=recipient.pk)

    def _mark(self, recipient: Recipient, state: str, **fields) -> bool:
        return bool(
            Recipient.objects.filter(pk=recipient.pk, claim=self.token, state=RecipientState.WAITING).update(
                state=state, claim=None, claimed_until=None, **fields
            )
        )

    def _deliver(self, recipient: Recipient, signature: Signature) -> int:
        if not self.raw_smtp:
            return self._deliver_with_django(recipient, self._message(recipient, signature))
        message = self._message(recipient, signature, build=content.build_bytes)
        if self.smtp_conn is None:
            try:
                self.smtp_conn = smtp.connect()
            except (OSError, smtp.smtplib.SMTPException) as exc:
                raise ServerUnavailable(f"cannot connect to the mail server: {exc}") from exc
        recorded = []

        def record_sent():
            recorded.append(self._mark_sent(recipient))
            return recorded[0]

        result = smtp.send(self.smtp_conn, self.sender, signature.email, message, record_sent)
        if result.reconnect:
            smtp.close(self.smtp_conn, polite=False)
            self.smtp_conn = None
        if result.outcome is smtp.Outcome.SENT:
            return 1
        if result.server_problem:
            raise ServerUnavailable(f"the mail server refused our sender address: {result.detail}")
        if recorded and recorded[0]:
            # Recorded as sent, but the server refused it after the dot (or the dot never left): undo.
            Recipient.objects.filter(pk=recipient.pk, state=RecipientState.SENT).update(
                state=RecipientState.WAITING, claim=self.token, sent_at=None
            )
        if result.outcome is smtp.Outcome.TEMPORARY:
            self._retry(recipient, result.detail)
        elif result.outcome is smtp.Outcome.PERMANENT:
            self._mark(recipient, RecipientState.FAILED, error=result.detail, attempts=recipient.attempts + 1)
            if result.bad_address:
                services.suppress(signature.email, Suppression.Reason.BOUNCED)
        return 0

    def _mark_sent(self, recipient: Recipient) -> bool:
        """`_mark(recipient, SENT, ...)` as one prepared statement: it runs once per email, on the hot path."""
        with connection.cursor() as cursor:
            cursor.execute(MARK_SENT, [RecipientState.SENT, self._now(), recipient.attempts + 1, recipient.pk, self.token])
            return cursor.rowcount == 1

    @staticmethod
    def _now():
        return Recipient._meta.get_field("sent_at").get_db_prep_value(timezone.now(), connection)

    def _deliver_with_django(self, recipient, message) -> int:
        """Other email backends (console in development, memory in tests): no final-dot guarantee to give."""
        if self.django_conn is None:
            self.django_conn = get_connection()
        try:
            self.django_conn.send_messages([message])
        except Exception as exc:
            self._retry(recipient, str(exc)[:200])
            return 0
        self._mark(recipient, RecipientState.SENT, sent_at=timezone.now(), attempts=recipient.attempts + 1)
        return 1

    def _retry(self, recipient: Recipient, detail: str) -> None:
        attempts = recipient.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            self._mark(recipient, RecipientState.FAILED, error=detail, attempts=attempts)
            return
        Recipient.objects.filter(pk=recipient.pk, claim=self.token, state=RecipientState.WAITING).update(
            attempts=attempts, error=detail, next_try=timezone.now() + RETRY_AFTER[attempts - 1], claim=None,
            claimed_until=None,
        )  # fmt: skip

    def _close(self) -> None:
        smtp.close(self.smtp_conn)
        self.smtp_conn = None
        if self.django_conn is not None:
            self.django_conn.close()
            self.django_conn = None


def _anything_to_send(now=None) -> bool:
    now = now or timezone.now()
    return Recipient.objects.filter(
        Q(claim__isnull=True) | Q(claimed_until__lt=now),
        state=RecipientState.WAITING, next_try__lte=now, update__status=Status.SENDING,
    ).exists()  # fmt: skip


# --- the loop --------------------------------------------------------------------
def send_due(stop: threading.Event | None = None, connections: int = 1) -> int:
    """Start what is due, send to everyone waiting, finish what is done; returns how many were sent."""
    start_due()
    throttle = Throttle(settings.UPDATES_RATE)
    if not _anything_to_send():
        sent = 0
    elif connections <= 1:
        sent = Sender(throttle, stop).run()
    else:
        results = []

        def one():
            try:
                results.append(Sender(throttle, stop).run())
            finally:
                connection.close()  # this thread's database connection

        threads = [threading.Thread(target=one, name=f"updates-{i}") for i in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent = sum(results)
    finish_done()
    return sent


def run(stop: threading.Event) -> None:
    """The worker loop. With `stop` already set (worker --batch), it sends what is due once, inline."""
    once = stop.is_set()
    while True:
        try:
            if not once:  # (with --batch, leave the caller's connection alone: it may be a test's transaction)
                close_old_connections()
            sent = send_due(None if once else stop, 1 if once else settings.UPDATES_CONNECTIONS)
        except Exception:
            logger.exception("sending updates failed; trying again")
            sent = 0
        if once or stop.is_set():
            break
        if not sent:
            stop.wait(IDLE_SECONDS)
    if not once:
        connection.close()
