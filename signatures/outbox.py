"""Signature emails, sent in batches by the worker.

The sign request only marks its row `email_due`; this job sends what is due
over one SMTP connection. A batched outbox instead of one queued task per
email keeps the sign path to a single INSERT and lets one worker send
hundreds of emails a second (see bench/).
"""

import logging
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from pages.models import SiteSettings

from . import receipts, services, tokens
from .models import Signature

logger = logging.getLogger(__name__)
BATCH = 500


def _receipt_url(signature_id: int) -> str:
    """The page where a signer checks a delivery holds their signature (the delivery app's), with their code."""
    try:
        return f"{settings.SITE_URL}{reverse('delivery:check')}?{urlencode({'code': receipts.code_for(signature_id)})}"
    except NoReverseMatch:
        return ""


def build_message(signature: Signature, site) -> EmailMessage:
    def link(name, purpose):
        return settings.SITE_URL + reverse(name, args=[tokens.make(signature.pk, purpose)])

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


def deliver_due_emails(batch: int = BATCH) -> int:
    """Send up to `batch` due emails; returns how many went out."""
    due = list(
        Signature.objects.exclude(email_due="")
        .filter(email__isnull=False)
        .select_related("campaign")
        .order_by("pk")[:batch]
    )
    if not due:
        return 0
    site = SiteSettings.load()
    sent = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE), get_connection() as connection:
        for signature in due:
            try:
                connection.send_messages([build_message(signature, site)])
            except Exception:
                # A refused address must not block the queue: it is not retried.
                logger.exception("could not send the %s email of signature %s", signature.email_due, signature.pk)
            sent[signature.email_due].append(signature.pk)
    for kind, ids in sent.items():
        services.record_email_sent(ids, kind)
    return sum(len(ids) for ids in sent.values())
