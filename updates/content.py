"""An update as an email: a plain text and a simple HTML part, the same for everyone but the unsubscribe link.

Rendered once per update and language (the templates and Markdown are the
slow part), then each recipient's link is put in. No tracking of any kind:
no images, no pixels, links exactly as the organizer wrote them.
"""

import binascii
import re
import secrets
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formatdate
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.markdown import render as markdown_to_html
from pages.models import SiteSettings

from . import tokens
from .models import Update

LINK = "https://unsubscribe.invalid/link"  # replaced by each recipient's own link
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    text: str
    html: str
    headers: str = field(default="", compare=False)  # the headers every recipient shares, encoded once
    boundary: str = field(default="", compare=False)


def markdown_to_text(body: str) -> str:
    """Markdown reads well as plain text already; links become "text (address)"."""

    def link(match):
        label, url = match.group(1).strip(), match.group(2)
        return f"{label} ({url})" if label and label != url else url

    return MARKDOWN_LINK.sub(link, body).strip()


def content_in(update: Update, language: str) -> tuple[str, str]:
    """(subject, Markdown body) in `language`: its translation when there is one, else as written."""
    for translation_ in update.translations.all():
        if translation_.language == language:
            return translation_.subject, translation_.body
    return update.subject, update.body


def render(update: Update, language: str) -> Rendered:
    language = language or settings.LANGUAGE_CODE
    subject, body = content_in(update, language)
    campaign = update.campaign
    context = {
        "campaign": campaign,
        "campaign_url": settings.SITE_URL + campaign.get_absolute_url(),
        "site": SiteSettings.load(),
        "subject": subject,
        "body_text": markdown_to_text(body),
        "body_html": markdown_to_html(body),
        "unsubscribe_url": LINK,
    }
    with translation.override(language):
        text = render_to_string("updates/emails/update.txt", context)
        html = render_to_string("updates/emails/update.html", context)
    subject = " ".join(subject.split())
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    shared = {
        "From": sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8"),
        "Subject": subject if subject.isascii() and len(subject) < 70 else Header(subject, "utf-8").encode(),
        "List-Id": f"<{campaign.slug}.updates.{host}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "MIME-Version": "1.0",
    }
    boundary = f"=_{secrets.token_hex(16)}"
    shared["Content-Type"] = f'multipart/alternative; boundary="{boundary}"'
    headers = "".join(f"{name}: {value}\r\n" for name, value in shared.items())
    return Rendered(language, subject, text, html, headers, boundary)


def unsubscribe_url(signature_id: int) -> str:
    return settings.SITE_URL + reverse("updates:unsubscribe", args=[tokens.make(signature_id)])


def message_id(update_id: int, recipient_id: int) -> str:
    # The same on every attempt: a mail system that sees it twice knows it is one message.
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<update-{update_id}.{recipient_id}@{host}>"


def _qp(text: str) -> str:
    return binascii.b2a_qp(text.encode(), istext=True).decode("ascii")


def build_bytes(rendered: Rendered, update: Update, *, to: str, signature_id: int, recipient_id: int) -> bytes:
    """The same message as build(), written out directly for the SMTP sender.

    Only the recipient, the unsubscribe link and the Message-ID differ between
    recipients, so the shared headers are encoded once per update and language,
    and each body part is one quoted-printable encoding in C. A fifth of the
    CPU that the email package's generator takes (bench/updates.py).
    """
    link = unsubscribe_url(signature_id)
    to = to if to.isascii() else sanitize_address(to, "utf-8")
    b = rendered.boundary
    return (
        f"{rendered.headers}"
        f"To: {to}\r\n"
        f"Date: {formatdate(usegmt=True)}\r\n"
        f"Message-ID: {message_id(update.pk, recipient_id)}\r\n"
        f"List-Unsubscribe: <{link}>\r\n"
        "\r\n"
        f"--{b}\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        f"{_qp(rendered.text.replace(LINK, link))}\r\n"
        f"--{b}\r\n"
        'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        f"{_qp(rendered.html.replace(LINK, link))}\r\n"
        f"--{b}--\r\n"
    ).encode("ascii")


def build(rendered: Rendered, update: Update, *, to: str, signature_id: int, recipient_id: int) -> EmailMultiAlternatives:
    link = unsubscribe_url(signature_id)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(LINK, link),
        to=[to],
        headers={
            "Message-ID": message_id(update.pk, recipient_id),
            # RFC 2369 and RFC 8058: mail clients show "unsubscribe" and POST to it in one click.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{update.campaign.slug}.updates.{host}>",
        },
    )
    message.attach_alternative(rendered.html.replace(LINK, link), "text/html")
    return message
