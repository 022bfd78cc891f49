"""The writers' confirmation emails, sent by the worker (as the signatures' outbox).

Each message is recorded as sent the moment it leaves, so a restart repeats at
most the one in flight; temporary failures wait and are tried again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import sending, services, tokens
from .models import Letter

logger = logging.getLogger(__name__)
BATCH = 200


def link(name: str, letter: Letter, purpose: str) -> str:
    return settings.SITE_URL + reverse(name, args=[tokens.make(letter.pk, purpose)])


def build_message(letter: Letter) -> EmailMessage:
    action = letter.action
    context = {
        "letter": letter,
        "action": action,
        "city": action.local_action,
        "officials": services.recipients_for(action, letter.zip_code),
        "confirm_url": link("letters:confirm", letter, "confirm"),
        "withdraw_url": link("letters:withdraw", letter, "withdraw"),
        "page_url": settings.SITE_URL + action.local_action.get_absolute_url(),
    }
    subject = " ".join(render_to_string("letters/emails/confirm_subject.txt", context).split())
    body = render_to_string("letters/emails/confirm_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[letter.email])


def send_confirmations(batch: int = BATCH) -> int:
    now = timezone.now()
    due = list(
        Letter.objects.filter(email_due=True, email__isnull=False)
        .filter(Q(next_email_at__isnull=True) | Q(next_email_at__lte=now))
        .select_related("action__local_action")
        .order_by("pk")[:batch]
    )
    sent = 0
    if not due:
        return 0
    connection = get_connection()
    try:
        for letter in due:
            with translation.override(letter.language or settings.LANGUAGE_CODE):  # the writer's language
                message = build_message(letter)
            outcome, detail = sending.send_one(connection, message)
            if outcome == sending.SENT:
                services.record_confirmation_sent(letter.pk)
                sent += 1
            elif outcome == sending.TEMPORARY:
                Letter.objects.filter(pk=letter.pk).update(next_email_at=now + timedelta(minutes=1))
                logger.warning("letter %s: confirmation not sent yet (%s)", letter.pk, detail)
                break  # the server is unwell: try the rest later
            else:
                Letter.objects.filter(pk=letter.pk).update(email_due=False)
                logger.warning("letter %s: confirmation refused (%s)", letter.pk, detail)
    finally:
        connection.close()
    return sent
