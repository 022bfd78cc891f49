from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from pages.models import SiteSettings

from .models import Submission


@task()
def notify_organizers(submission_id: int) -> int:
    """Tell the organizers a local fight was sent in; returns how many were emailed."""
    submission = Submission.objects.filter(pk=submission_id).first()
    recipients = SiteSettings.load().notification_recipients()
    if submission is None or not recipients:
        return 0
    context = {
        "submission": submission,
        "admin_url": settings.SITE_URL + reverse("admin:local_actions_submission_change", args=[submission.pk]),
    }
    send_mail(
        subject=render_to_string("local_actions/emails/notify_subject.txt", context).strip(),
        message=render_to_string("local_actions/emails/notify_body.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
