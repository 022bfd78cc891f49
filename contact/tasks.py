from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import Truncator
from django_tasks import task

from core import mail
from core.notify import admin_url, email_organizers
from pages.models import SiteSettings

from .models import ContactMessage, ContactReply

# A temporary failure (the mail server busy or unreachable) is tried again after these waits.
RETRY_AFTER = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6)]


@task()
def notify_organizers(message_id: int) -> int:
    """Tell the organizers a message arrived; returns how many were emailed."""
    message = ContactMessage.objects.filter(pk=message_id).first()
    if message is None:
        return 0
    return email_organizers(
        "contact/emails/notify", {"message": message, "admin_url": admin_url("admin:contact_contactmessage_change", message.pk)}
    )


def reply_to_addresses(organizer) -> list[str]:
    """Where the person's answer goes: the organizers' notification addresses, else the replying organizer's own."""
    addresses = SiteSettings.load().notification_recipients()
    if not addresses and organizer is not None and organizer.email:
        addresses = [organizer.email]
    return addresses


def build_reply(reply: ContactReply) -> EmailMessage:
    """The email as the person receives it: the organizer's text as written, our name, their message quoted."""
    message = reply.message
    quoted = Truncator(message.message).chars(1000)
    context = {
        "message": message,
        "reply": reply,
        "site": SiteSettings.load(),
        "quoted": "\n".join(f"> {line}".rstrip() for line in quoted.splitlines()),
    }
    with translation.override(message.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("contact/emails/reply_subject.txt", context).split())
        body = render_to_string("contact/emails/reply_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[message.email], reply_to=reply_to_addresses(reply.sent_by))


@task()
def send_reply(reply_id: int) -> bool:
    """Email one reply unless it has left already; a temporary failure queues another try."""
    reply = ContactReply.objects.select_related("message", "sent_by").filter(pk=reply_id, sent_at__isnull=True).first()
    if reply is None or reply.gave_up:
        return False
    connection = get_connection()
    try:
        result = mail.send(connection, build_reply(reply))
    finally:
        mail.close_quietly(connection)
    attempts = reply.attempts + 1
    if result.sent:
        ContactReply.objects.filter(pk=reply.pk).update(sent_at=timezone.now(), attempts=attempts, send_error="")
        return True
    retry = result.outcome is mail.Outcome.TEMPORARY and attempts <= len(RETRY_AFTER)
    ContactReply.objects.filter(pk=reply.pk).update(attempts=attempts, send_error=result.detail[:200], gave_up=not retry)
    if retry:
        send_reply.using(run_after=timezone.now() + RETRY_AFTER[attempts - 1]).enqueue(reply.pk)
    return False
