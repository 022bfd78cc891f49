"""Every change to an update, a recipient list or a suppression happens here.

Each organizer action is one conditional UPDATE from the statuses it may start
from (states.py), so two organizers pressing buttons at once cannot skip a
step, and each leaves a history entry (audit.services.record). A refusal
raises `Refused` with the message to show; nothing is sent by mistake.
"""

import enum
from datetime import timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from signatures import services as signature_services
from signatures.emails import email_hash
from signatures.models import Signature

from . import audience, content, states
from .models import DEFAULT_PER_WEEK, CampaignLimit, Recipient, Suppression, Update
from .states import RecipientState, Status

WEEK = timedelta(days=7)
NO_PLACE = gettext_lazy("The local fight has no map coordinates, so there is no radius to draw: choose its city instead.")


class Refused(Exception):
    """The action cannot be done; the message says why, for the organizer."""


# --- checks ----------------------------------------------------------------------
def per_week(campaign_id: int) -> int:
    limit = CampaignLimit.objects.filter(campaign_id=campaign_id).values_list("per_week", flat=True).first()
    return limit or DEFAULT_PER_WEEK


def cap_problem(update: Update, when) -> str | None:
    """Why starting `update` at `when` would break its campaign's cap of N updates in 7 days, or None."""
    limit = per_week(update.campaign_id)
    # An update counts from when it started, or, before that, from when it is scheduled to.
    started = Q(started_at__gt=when - WEEK, started_at__lte=when)
    scheduled = Q(started_at__isnull=True, send_at__gt=when - WEEK, send_at__lte=when)
    others = (
        Update.objects.filter(started | scheduled, campaign_id=update.campaign_id, status__in=states.COUNTS_FOR_CAP)
        .exclude(pk=update.pk)
        .count()
    )
    if others >= limit:
        return _(
            "This campaign may send %(limit)d updates in 7 days and already has %(count)d in the 7 days before "
            "%(when)s. Choose a later time, or raise the limit in Update limits."
        ) % {"limit": limit, "count": others, "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}
    return None


def content_problems(update: Update) -> list[str]:
    problems = []
    if not update.subject.strip():
        problems.append(_("The subject is empty."))
    if not update.body.strip():
        problems.append(_("The text is empty."))
    return problems


def recipient_count(update: Update) -> int:
    """How many people the update would reach now; raises Refused when its filter cannot be applied."""
    try:
        return audience.count(update)
    except audience.NoPlace:
        raise Refused(str(NO_PLACE)) from None


def _ready(update: Update) -> None:
    problems = content_problems(update)
    if problems:
        raise Refused(" ".join(problems))
    if recipient_count(update) == 0:
        raise Refused(_("Nobody would receive this update: no supporter who asked for updates matches its audience."))


# --- organizer actions -------------------------------------------------------------
def approve(update: Update, user) -> None:
    if not user.has_perm("updates.approve_update"):
        raise Refused(_("Approving needs the permission “Can approve an update written by another organizer”."))
    if update.author_id == user.pk:
        raise Refused(_("You wrote this update: another organizer has to approve it."))
    if update.status not in states.CAN_APPROVE:
        raise Refused(_("Only a draft can be approved; this update is %(status)s.") % {"status": update.get_status_display()})
    _ready(update)
    with transaction.atomic():
        now = timezone.now()
        done = Update.objects.filter(pk=update.pk, status__in=states.CAN_APPROVE).update(
            status=Status.APPROVED, approver=user, approved_at=now, problem=""
        )
        if not done:
            raise Refused(_("Someone else changed this update just now; please look again."))
        record(user, "updates.update.approved", update)
    update.refresh_from_db()


def unapprove(update: Update, user) -> None:
    """Back to draft, e.g. to correct it; it needs approving again."""
    with transaction.atomic():
        done = Update.objects.filter(pk=update.pk, status__in=states.CAN_UNAPPROVE).update(
            status=Status.DRAFT, approver=None, approved_at=None, send_at=None, problem=""
        )
        if not done:
            raise Refused(_("Only an approved update that has not started can go back to draft."))
        record(user, "updates.update.unapproved", update)
    update.refresh_from_db()


def start(update: Update, user, when=None) -> None:
    """Start sending now (the worker picks it up within a second or two), or at `when`."""
    now = timezone.now()
    when = max(when or now, now)
    if update.status not in states.CAN_START:
        status = update.get_status_display()
        raise Refused(_("Only an approved update can be started; this one is %(status)s.") % {"status": status})
    _ready(update)
    problem = cap_problem(update, when)
    if problem:
        raise Refused(problem)
    with transaction.atomic():
        if not Update.objects.filter(pk=update.pk, status__in=states.CAN_START).update(send_at=when, problem=""):
            raise Refused(_("Someone else changed this update just now; please look again."))
        action = "updates.update.scheduled" if when > now else "updates.update.started_now"
        record(user, action, update, data={"send_at": when.isoformat()})
    update.refresh_from_db()


def pause(update: Update, user) -> None:
    with transaction.atomic():
        if not Update.objects.filter(pk=update.pk, status__in=states.CAN_PAUSE).update(status=Status.PAUSED):
            raise Refused(_("Only an update that is sending can be paused."))
        record(user, "updates.update.paused", update)
    update.refresh_from_db()


def resume(update: Update, user) -> None:
    with transaction.atomic():
        if not Update.objects.filter(pk=update.pk, status__in=states.CAN_RESUME).update(status=Status.SENDING):
            raise Refused(_("Only a paused update can be resumed."))
        record(user, "updates.update.resumed", update)
    update.refresh_from_db()


def send_test(update: Update, user, language: str) -> str:
    """The update as supporters will get it, to the organizer's own address; returns that address."""
    if not user.email:
        raise Refused(_("Your account has no email address: add one in your user details first."))
    problems = content_problems(update)
    if problems:
        raise Refused(" ".join(problems))
    rendered = content.render(update, language)
    message = content.build(rendered, update, to=user.email, signature_id=0, recipient_id=0)
    message.subject = _("[Test] %(subject)s") % {"subject": message.subject}
    del message.extra_headers["Message-ID"]
    with get_connection() as connection:
        connection.send_messages([message])
    record(user, "updates.update.test_sent", update, data={"language": language})
    return user.email


def progress(update: Update) -> dict:
    counts = dict.fromkeys(RecipientState.values, 0)
    for state, n in _state_counts(update):
        counts[state] = n
    counts["total"] = sum(counts[s] for s in RecipientState.values)
    return counts


def _state_counts(update: Update):
    return Recipient.objects.filter(update=update).values_list("state").annotate(n=Count("pk")).order_by()


# --- supporters ----------------------------------------------------------------------
class Outcome(enum.Enum):
    DONE = "done"
    ALREADY = "already"


def unsubscribe(signature_id: int) -> Outcome:
    """Stop this campaign's updates to this signer; the address goes unless an email is still owed. The signature stays."""
    with transaction.atomic():
        stopped = signature_services.stop_updates(Q(pk=signature_id))
    return Outcome.DONE if stopped else Outcome.ALREADY


def suppress(email: str, reason: str) -> bool:
    """The address bounced for good or its owner reported spam: no more updates to it, from any campaign."""
    digest = email_hash(email)
    with transaction.atomic():
        _, created = Suppression.objects.get_or_create(address_hash=digest, defaults={"reason": reason})
        signature_services.stop_updates(Q(email_hash=digest))
    return created


def record_bounces(events: list[tuple[str, str]]) -> int:
    """(address, reason) pairs from the mail provider's webhook; returns how many were new."""
    return sum(suppress(address, reason) for address, reason in events)


def signature_for_unsubscribe(signature_id: int) -> Signature | None:
    return Signature.objects.select_related("campaign").filter(pk=signature_id).first()

