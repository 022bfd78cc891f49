from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from core.notify import admin_url, email_organizers
from pages.models import SiteSettings

from .models import ContactMessage


@task()
def notify_organizers(message_id: int) -> int:
    """Tell the organizers a message arrived; returns how many were emailed."""
    message = ContactMessage.objects.filter(pk=message_id).first()
    if message is None:
        return 0
    return email_organizers(
        "contact/emails/notify", {"message": message, "admin_url": admin_url("admin:contact_contactmessage_change", message.pk)}
    )


@task()
def send_reply(message_id: int) -> bool:
    message = ContactMessage.objects.filter(pk=message_id).first()
    if message is None or not message.reply:
        return False
    context = {"message": message, "site": SiteSettings.load()}
    send_mail(
        subject=render_to_string("contact/emails/reply_subject.txt", context).strip(),
        message=render_to_string("contact/emails/reply_body.txt", context),
        from_email=None,
        recipient_list=[message.email],
    )
    return True
