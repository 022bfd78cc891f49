"""Signature emails, sent by the worker, each one's outcome recorded as it goes.

The sign request only marks its row `email_due`; this job sends what is due
over one SMTP connection. A batched outbox instead of one queued task per
email keeps the sign path to a single INSERT and lets one worker send
hundreds of emails a second (see bench/).

Nothing is lost and nothing goes twice: each email's outcome is written the
moment the server answers (a crash repeats at most the one message in
flight), temporary failures (4xx, refused or dropped connections, timeouts)
are retried with a growing delay, and permanent ones (5xx) stop and show in
the admin. Signers the abuse checks cleared go first, flagged ones last, so
a flood from one network does not hold up everyone else's link.
"""

import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from core import mail
from pages.models import SiteSettings

from . import receipts, services, tokens
from .models import OUTBOX_CLEARED, OUTBOX_FLAGGED, OUTBOX_UNCHECKED, Signature

logger = logging.getLogger(__name__)
BATCH = 500  # emails per run at most
PASS = 50  # the queues are read again after this many, so a new signer waits behind 50 emails at most
QUEUES = [OUTBOX_CLEARED, OUTBOX_UNCHECKED, OUTBOX_FLAGGED]  # in this order
MAX_ATTEMPTS = 30  # about a day of retries (RETRY_DELAYS), well within the 7 days a confirm link lasts
FIRST_RETRY_SECONDS = 15
MAX_RETRY_SECONDS = 3600


def retry_delay(attempts: int) -> timedelta:
    """15 s after the first failure, doubling, at most an hour apart."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS))


def _receipt_url(signature_id: int) -> str:
    """The page where a signer checks a delivery holds their signature (the delivery app's), with their code."""
    try:
        return f"{settings.SITE_URL}{reverse('delivery:check')}?{urlencode({'code': receipts.code_for(signature_id)})}"
    except NoReverseMatch:
        return ""


def build_message(signature: Signature, site) -> EmailMessage:
    context = {
        "signature": signature,
        "campaign": signature.campaign,
        "site": site,
        "confirm_url": settings.SITE_URL + reverse("signatures:confirm", args=[tokens.make(signature.pk, "confirm")]),
        "withdraw_url": settings.SITE_URL
        + reverse("signatures:withdraw", args=[tokens.make(signature.pk, "withdraw")]),
        "campaign_url": settings.SITE_URL + signature.campaign.get_absolute_url(),
        "receipt_code": receipts.code_for(signature.pk),
        "receipt_url": _receipt_url(signature.pk),
    }
    name = "confirm" if signature.email_due == Signature.Email.CONFIRM else "already"
    subject = render_to_string(f"signatures/emails/{name}_subject.txt", context).strip()
    body = render_to_string(f"signatures/emails/{name}_body.txt", context)
    # A transactional email: no List-Unsubscribe, since a mail client's "unsubscribe" must never
    # withdraw a signature. Withdrawing is the explicit link in the text; updates carry their own header.
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[signature.email])


def _due(now, limit: int) -> list[Signature]:
    """The next emails to send: each queue in turn, in arrival order, skipping those waiting for a retry."""
    ready = Q(email_retry_at__isnull=True) | Q(email_retry_at__lte=now)
    picked: list[Signature] = []
    for queue in QUEUES:
        if len(picked) >= limit:
            break
        rows = Signature.objects.exclude(email_due="").filter(queue, ready, email__isnull=False)
        picked += rows.select_related("campaign").order_by("pk")[: limit - len(picked)]
    return picked


def _send(signature: Signature, site, connection) -> mail.Result:
    try:
        # In the language the person signed in (the campaign's texts too: they are translated fields).
        with translation.override(signature.language or settings.LANGUAGE_CODE):
            message = build_message(signature, site)
    except Exception:
        logger.exception("could not build the %s email of signature %s", signature.email_due, signature.pk)
        return mail.Result(mail.Outcome.TEMPORARY, "could not build the message")
    return mail.send(connection, message)


def _record(signature: Signature, result: mail.Result, now) -> None:
    kind = signature.email_due
    if result.sent:
        services.record_email_sent(signature.pk, kind)
        return
    attempts = signature.email_attempts + 1
    # Servers often quote the address in their answer: it is not kept there, nor logged.
    detail = result.detail
    if signature.email:
        detail = detail.replace(f"<{signature.email}>", "<address>").replace(signature.email, "<address>")
    if result.outcome is mail.Outcome.TEMPORARY and attempts < MAX_ATTEMPTS:
        services.record_email_failed(signature.pk, kind, detail, retry_at=now + retry_delay(attempts))
        return
    if result.outcome is mail.Outcome.TEMPORARY:
        detail = f"gave up after {attempts} tries: {detail}"
    logger.warning("the %s email of signature %s failed for good: %s", kind, signature.pk, detail)
    services.record_email_failed(signature.pk, kind, detail[:200])


def deliver_due_emails(batch: int = BATCH, stop=None, now=None) -> int:
    """Send up to `batch` due emails, recording each outcome; returns how many went out.

    `stop` (a threading.Event) is checked between messages: a worker asked to
    stop finishes the message in flight and leaves the rest due.
    """
    sent = tried = 0
    site = None
    connection = get_connection()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            while tried < batch:
                due = _due(now or timezone.now(), min(PASS, batch - tried))
                if not due:
                    break
                site = site or SiteSettings.load()
                for signature in due:
                    if stop is not None and stop.is_set():
                        return sent
                    result = _send(signature, site, connection)
                    _record(signature, result, now or timezone.now())
                    tried += 1
                    sent += result.sent
                    if result.connection_lost:
                        # The server is down or went away: the next run reconnects.
                        logger.warning("SMTP connection lost after %d emails: %s", sent, result.detail)
                        return sent
    finally:
        mail.close_quietly(connection)
    return sent
