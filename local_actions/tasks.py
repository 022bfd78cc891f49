from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from core import mail
from core.notify import admin_url, email_organizers
from pages.models import SiteSettings

from .models import Submission

# A temporary failure (the mail server busy or unreachable) is tried again after these waits.
RETRY_AFTER = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6)]


@task()
def notify_organizers(submission_id: int) -> int:
    """Tell the organizers a local fight was sent in; returns how many were emailed."""
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None:
        return 0
    return email_organizers(
        "local_actions/emails/notify",
        {"submission": submission, "admin_url": admin_url("admin:local_actions_submission_change", submission.pk)},
    )


def build_notice(submission: Submission) -> EmailMessage:
    """ "Your local fight is on the map", in the language the group wrote in, answers going to the organizers."""
    site = SiteSettings.load()
    with translation.override(submission.language or settings.LANGUAGE_CODE):
        context = {
            "submission": submission,
            "action": submission.action,
            "site": site,
            "page_url": settings.SITE_URL + submission.action.get_absolute_url(),
        }
        subject = " ".join(render_to_string("local_actions/emails/published_subject.txt", context).split())
        body = render_to_string("local_actions/emails/published_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[submission.contact_email], reply_to=site.notification_recipients())


@task()
def notify_submitter(submission_id: int, attempt: int = 1) -> bool:
    """Email the group that its local fight is published, unless it was told already; retried when the server is busy."""
    from . import services  # services queue this task

    submission = (
        Submission.objects.select_related("action")
        .filter(pk=submission_id, notified_at__isnull=True, action__published=True)
        .first()
    )
    if submission is None:
        return False
    connection = get_connection()
    try:
        result = mail.send(connection, build_notice(submission))
    finally:
        mail.close_quietly(connection)
    if result.sent:
        services.record_notice(submission.pk)
        return True
    services.record_notice(submission.pk, error=result.detail or result.outcome.value)
    if result.outcome is mail.Outcome.TEMPORARY and attempt <= len(RETRY_AFTER):
        notify_submitter.using(run_after=timezone.now() + RETRY_AFTER[attempt - 1]).enqueue(submission.pk, attempt + 1)
    return False
