"""Changes of state: a group sends in its local fight, an organizer approves or rejects it."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from audit import services as audit

from .models import LocalAction, LocalActionSource, Submission
from .tasks import notify_organizers


def unique_slug(city: str, state: str) -> str:
    base = slugify(f"{city}-{state}")[:110] or "local"
    slug, n = base, 2
    while LocalAction.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def receive(form, notify: bool = True) -> Submission:
    """Store a group's submission and queue the organizers' email in the same transaction.

    A submission over the rate limit (defence.forms.screen) still waits for review, without an email.
    """
    with transaction.atomic():
        submission = form.save()
        if notify:
            notify_organizers.enqueue(submission.pk)
    return submission


def approve(submission: Submission, user) -> tuple[LocalAction | None, bool]:
    """Put a pending submission on the map; returns (the local action, whether it is new).

    A city already on the map is not duplicated: the submission is linked to it,
    publishes it and only fills what is empty there (the group, a source), so
    an organizer's edits are never overwritten. Returns (None, False) if it was already reviewed.
    """
    with transaction.atomic():
        claimed = Submission.objects.filter(pk=submission.pk, review=Submission.Review.PENDING).update(
            review=Submission.Review.APPROVED, reviewed_at=timezone.now(), reviewed_by=user
        )
        if not claimed:
            return None, False
        action = LocalAction.objects.select_for_update().filter(city__iexact=submission.city, state=submission.state).first()
        created = action is None
        if created:
            action = LocalAction(
                city=submission.city,
                state=submission.state,
                slug=unique_slug(submission.city, submission.state),
                status=submission.status,
                years=str(timezone.now().year),
                facts=submission.description,
            )
        action.published = True
        if not action.group_name:
            action.group_name = submission.group_name
        if not action.group_url:
            action.group_url = submission.group_url
        action.save()
        if submission.source_url and not action.sources.filter(url=submission.source_url).exists():
            LocalActionSource.objects.create(
                action=action,
                position=action.sources.count() + 1,
                outlet=submission.group_name or submission.city,
                url=submission.source_url,
            )
        Submission.objects.filter(pk=submission.pk).update(action=action)
        audit.record(user, "local_actions.approve", submission, label=label(submission), data={"local_action": action.pk})
    submission.refresh_from_db()
    return action, created


def reject(submission: Submission, user) -> bool:
    with transaction.atomic():
        updated = Submission.objects.filter(pk=submission.pk, review=Submission.Review.PENDING).update(
            review=Submission.Review.REJECTED, reviewed_at=timezone.now(), reviewed_by=user
        )
        if updated:
            audit.record(user, "local_actions.reject", submission, label=label(submission))
    return bool(updated)


def publish(queryset, published: bool, *, actor) -> int:
    """Organizers put local actions on the site (or take them off); returns how many."""
    with transaction.atomic():
        count = queryset.update(published=published)
        audit.record(actor, "local_actions.publish" if published else "local_actions.unpublish", LocalAction, rows=count)
    return count


def label(submission: Submission) -> str:
    """How the history names a submission: by city, not by its contact person (personal data)."""
    return f"{Submission._meta.verbose_name} #{submission.pk}: {submission.city}, {submission.state}"
