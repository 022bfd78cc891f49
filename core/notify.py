"""Emails to the organizers (new messages, new local fights, abuse alerts).

Who they are is the site settings' business (pages app): settings.ORGANIZER_RECIPIENTS names the function.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import import_string


def admin_url(view_name: str, *args) -> str:
    return settings.SITE_URL + reverse(view_name, args=args)


def email_organizers(template_prefix: str, context: dict) -> int:
    """Send `<prefix>_subject.txt` / `<prefix>_body.txt` to the notification addresses; returns how many."""
    recipients = import_string(settings.ORGANIZER_RECIPIENTS)()
    if not recipients:
        return 0
    send_mail(
        subject=" ".join(render_to_string(f"{template_prefix}_subject.txt", context).split()),
        message=render_to_string(f"{template_prefix}_body.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
