"""Changes of state: a group sends in its local fight, an organizer approves it as a draft or rejects it,
edits the draft and publishes it (the group is then told)."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import get_language

from audit import services as audit

from .models import LocalAction, LocalActionSource, Submission
from .tasks import notify_organizers, notify_submitter


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
        submission = form.save(commit=False)
        submission.language = (get_language() or "")[:8]
        submission.save()
        if notify:
            notify_organizers.enqueue(submission.pk)
    return submission


def outlet_of(url: str) -> str:
    """A source's label from its address ("https://www.tulsaworld.com/..." -> "tulsaworld.com"), for the organizer to
    replace with the outlet's name; never the group's name, which is not where the facts were published."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")[:200]


def first_sentence(text: str, limit: int = 300) -> str:
    """The draft's one-line summary: the description's first sentence, cut to fit."""
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return Truncator(match.group(1) if match else text).chars(limit)


def draft_text(submission: Submission) -> dict:
    """The draft's summary and facts, in the column of the language the group wrote in; the English column
    (the fallback of every language) gets the same text to translate, so no page is ever blank."""
    fields = {}
    for code in {submission.language if submission.language in dict(settings.LANGUAGES) else "en", "en"}:
        fields[f"summary_{code}"] = first_sentence(submission.description)
        fields[f"facts_{code}"] = submission.description
    return fields


def approve(submission: Submission, user) -> tuple[LocalAction | None, bool]:
    """Accept a pending submission; returns (the local action, whether it is a new draft).

    A new city becomes an unpublished draft for an organizer to edit (summary,
    status, sources) and publish; the group is emailed when it is published.
    A city already on the site is not duplicated: the submission is linked to
    it and only fills what is empty there (the group, a new source), so an
    organizer's edits are never overwritten; if it is published, the group is
    told at once. Returns (None, False) if the submission was already reviewed.
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
                published=False,
                **draft_text(submission),
            )
        if not action.group_name:
            action.group_name = submission.group_name
        if not action.group_url:
            action.group_url = submission.group_url
        action.save()
        if submission.source_url and not action.sources.filter(url=submission.source_url).exists():
            last = action.sources.aggregate(last=Max("position"))["last"] or 0
            LocalActionSource.objects.create(
                action=action, position=last + 1, outlet=outlet_of(submission.source_url), url=submission.source_url
            )
        Submission.objects.filter(pk=submission.pk).update(action=action)
        audit.record(
            user, "local_actions.approve", submission, label=label(submission), data={"local_action": action.pk, "draft": created}
        )
        if action.published:
            _tell_submitters([action.pk])
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
    """Organizers put local actions on the site (or take them off); returns how many changed.

    Publishing tells each group whose approved submission became the page, once, in its language.
    """
    with transaction.atomic():
        ids = list(queryset.filter(published=not published).values_list("pk", flat=True))
        count = LocalAction.objects.filter(pk__in=ids).update(published=published)
        audit.record(actor, "local_actions.publish" if published else "local_actions.unpublish", LocalAction, rows=count)
        if published:
            _tell_submitters(ids)
    return count


def _tell_submitters(action_ids) -> int:
    """Queue the "it is on the map" email for the approved submissions of these actions not told yet."""
    pending = Submission.objects.filter(
        action_id__in=action_ids, review=Submission.Review.APPROVED, notified_at__isnull=True
    ).values_list("pk", flat=True)
    pending = list(pending)
    for pk in pending:
        notify_submitter.enqueue(pk)
    return len(pending)


def record_notice(submission_id: int, *, error: str = "") -> None:
    """The worker's outcome of a submitter's email (a system action: no organizer to record)."""
    if error:
        Submission.objects.filter(pk=submission_id).update(notice_error=error[:200])
    else:
        Submission.objects.filter(pk=submission_id, notified_at__isnull=True).update(notified_at=timezone.now(), notice_error="")


def label(submission: Submission) -> str:
    """How the history names a submission: by city, not by its contact person (personal data)."""
    return f"{Submission._meta.verbose_name} #{submission.pk}: {submission.city}, {submission.state}"
