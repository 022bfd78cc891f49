from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from pages.models import SiteSettings

from .models import ContactMessage


@task()
def notify_organizers(message_id: int) -> int:
    """Tell the organizers a message arrived; returns how many were emailed."""
    message = ContactMessage.objects.filter(pk=message_id).first()
    recipients = SiteSettings.load().notification_recipients()
    if message is None or not recipients:
        return 0
    context = {
        "message": message,
        "admin_url": settings.SITE_URL + reverse("admin:contact_contactmessage_change", args=[message.pk]),
    }
    send_mail(
        subject=render_to_string("contact/emails/notify_subject.txt", context).strip(),
        message=render_to_string("contact/emails/notify_body.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


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
