from django_tasks import task

from core.notify import admin_url, email_organizers

from .models import Submission


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
