"""Everything that changes a signature happens here (the view only parses).

Each function acts with one conditional UPDATE from the states it may start
from (states.py), so concurrent or replayed requests cannot skip a step.
"""

import enum
import functools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _

from audit import services as audit
from core.db import insert, one_sqlite_writer
from core.privacy import ip_hash as network_hash
from core.verdicts import ALLOW, Action, Verdict

from . import states
from .emails import domain_of, email_hash, person_id
from .forms import OrganizationSignForm, SignForm
from .models import Campaign, EmailShare, Signature
from .states import State

logger = logging.getLogger(__name__)

# A person who submits again while unconfirmed gets the email again, a few
# times at most, so the form cannot be used to flood someone's inbox.
MAX_EMAILS_PER_SIGNATURE = 4


class ReplayedProof(Exception):
    """The proof of work was already used by another signature."""


class Submitted(enum.Enum):
    ACCEPTED = "accepted"  # the "check your email" reply, the same whatever happened (new, duplicate, bot)
    CLOSED = "closed"  # the campaign stopped taking signatures
    INVALID = "invalid"  # the form again, with its errors


@dataclass(frozen=True, slots=True)
class Submission:
    outcome: Submitted
    as_organization: bool = False
    form: SignForm | None = None


SPAM_CHECK_FAILED = _("The automatic spam check did not work. Please send the form again.")


@functools.cache
def _screen_function(path: str):
    return import_string(path)


def screen(campaign_id: int, *, ip: str, network: str, email: str, proof: str) -> Verdict:
    """The abuse defence's verdict on a submission in the request (settings.SIGNATURE_SCREEN; none: allow)."""
    path = settings.SIGNATURE_SCREEN
    if not path:
        return ALLOW
    return _screen_function(path)(campaign_id, ip=ip, network=network, email=email, proof=proof)


def submit(campaign: Campaign, data, *, client_ip: str, organizations: bool = True, origin: dict | None = None) -> Submission:
    """A sign form as posted: validate it, ask the defence, record the signature; the one call of the sign views.

    The raw client address goes to the defence (its list check) and is then
    dropped: only its keyed network hash is stored. `organizations=False`: the
    individual's form only (the embedded form); `origin`: where it came from
    (Signature.source, embed_partner_id).
    """
    if not campaign.accepting_signatures():
        return Submission(Submitted.CLOSED)
    as_organization = organizations and campaign.accepts_organizations and data.get("signer") == "organization"
    form = OrganizationSignForm(data, campaign=campaign, prefix="org") if as_organization else SignForm(data, campaign=campaign)
    if not form.is_valid():
        return Submission(Submitted.INVALID, as_organization, form)
    if form.is_bot():  # the honeypot was filled: nothing is recorded, and the bot gets the usual reply
        return Submission(Submitted.ACCEPTED, as_organization, form)
    email = form.cleaned_data["email"]
    network = network_hash(client_ip)
    verdict = screen(campaign.pk, ip=client_ip, network=network, email=email, proof=form.cleaned_data["pow"])
    if verdict.action is Action.REJECT:
        return _spam_check_failed(form, as_organization)
    flagged = {"state": State.FLAGGED, "flag_reason": verdict.reason} if verdict.action is Action.FLAG else {}
    try:
        sign(
            campaign,
            email=email,
            ip_hash=network,
            pow_salt=verdict.proof,
            network_listed=verdict.listed,
            share_with=form.share_with(),
            language=get_language() or "",
            **(origin or {}),
            **form.signature_fields(),
            **flagged,
        )
    except ReplayedProof:
        return _spam_check_failed(form, as_organization)
    return Submission(Submitted.ACCEPTED, as_organization, form)


def _spam_check_failed(form, as_organization: bool) -> Submission:
    form.add_error(None, SPAM_CHECK_FAILED)
    return Submission(Submitted.INVALID, as_organization, form)


def _new_signature(campaign: Campaign, email: str, **fields) -> Signature:
    digest = email_hash(email)
    fields.setdefault("email_due", Signature.Email.CONFIRM)
    return Signature(
        campaign=campaign, email=email, email_hash=digest, email_domain=domain_of(email), person_id=person_id(digest), **fields
    )


def _insert_with_shares(signature: Signature, share_with) -> Signature:
    """The INSERT, and the signer's "share my email with" choices, in one transaction."""
    with one_sqlite_writer(), transaction.atomic():
        insert(signature)
        if share_with:
            EmailShare.objects.bulk_create(EmailShare(signature=signature, organization_id=pk) for pk in share_with)
    return signature


def sign(
    campaign: Campaign, *, email: str, ip_hash: str = "", pow_salt: str | None = None, share_with=(), **fields
) -> Signature | None:
    """Record a signature and queue its confirmation email; one INSERT.

    A second submission with the same address creates nothing: it queues the
    confirmation again (while pending) or an "already signed" note. The caller
    shows the same reply either way, so the form reveals nothing. Returns the
    new row, or None for a duplicate. `share_with`: the partner organizations
    (ids) the signer asked us to share their email with; a duplicate's choices
    are ignored, as anyone can type someone else's address.
    """
    signature = _new_signature(campaign, email, ip_hash=ip_hash, pow_salt=pow_salt, proof_of_work=pow_salt is not None, **fields)
    digest = signature.email_hash
    try:
        return _insert_with_shares(signature, share_with)
    except IntegrityError:
        if pow_salt is not None and Signature.objects.filter(pow_salt=pow_salt).exists():
            raise ReplayedProof from None
        _remind(campaign, digest, email)
        return None


def _remind(campaign: Campaign, digest: str, email: str) -> None:
    existing = Signature.objects.filter(
        campaign=campaign, email_hash=digest, email_due="", emails_sent__lt=MAX_EMAILS_PER_SIGNATURE
    )
    fresh = {"email": email, "email_attempts": 0, "email_retry_at": None}  # a new email: its own attempts
    # Unconfirmed: send the link again. Confirmed: tell them they already signed.
    existing.filter(state__in=states.CAN_CONFIRM, verified_at__isnull=True).update(email_due=Signature.Email.CONFIRM, **fresh)
    existing.filter(verified_at__isnull=False, state__in=[State.VERIFIED, State.FLAGGED]).update(
        email_due=Signature.Email.ALREADY, **fresh
    )


def record_for_partner(
    campaign: Campaign, *, email: str, partner_id: int, confirmed: bool, **fields
) -> tuple[Signature | None, bool]:
    """A partner organization sends a signature through the API: the form's path, with its name on the row.

    The email is shared with that partner (it gave it to us). Unless `confirmed`
    (the partner ran its own double opt-in), the person gets our confirmation
    email and the signature counts only once they confirm. The abuse checks run
    on it like on any other. Returns (the row, created); for a duplicate, the
    existing row (confirmed now if the partner vouches for it), or None if it
    vanished meanwhile.
    """
    extra = {"state": State.VERIFIED, "verified_at": timezone.now(), "email_due": ""} if confirmed else {}
    signature = _new_signature(campaign, email, recorded_by_id=partner_id, **fields, **extra)
    try:
        _insert_with_shares(signature, [partner_id])
    except IntegrityError:
        existing = Signature.objects.filter(campaign=campaign, email_hash=signature.email_hash).first()
        if existing is not None and confirmed:
            confirm(existing.pk)
            existing.refresh_from_db()
        elif existing is not None:
            _remind(campaign, signature.email_hash, email)
        return existing, False
    return signature, True


class Outcome(enum.Enum):
    DONE = "done"
    ALREADY = "already"
    GONE = "gone"


def confirm(signature_id: int) -> Outcome:
    """The signer clicked the button in their email."""
    now = timezone.now()
    rows = Signature.objects.filter(pk=signature_id, verified_at__isnull=True)
    with transaction.atomic():
        done = rows.filter(state=State.PENDING).update(state=State.VERIFIED, verified_at=now)
        # A flagged signature is confirmed like any other, and stays uncounted.
        done += rows.filter(state=State.FLAGGED).update(verified_at=now)
        if done:
            _forget_address_if_unneeded(Q(pk=signature_id))
            return Outcome.DONE
    if Signature.objects.filter(pk=signature_id, verified_at__isnull=False).exists():
        return Outcome.ALREADY
    return Outcome.GONE


def _forget_address_if_unneeded(rows: Q) -> None:
    """Keep the address only for someone who asked for updates, shares it with a partner, or has an email on its way."""
    shared = Exists(EmailShare.objects.filter(signature=OuterRef("pk")))
    Signature.objects.filter(rows, ~shared, verified_at__isnull=False, wants_updates=False, email_due="").update(email=None)


ERASED = {
    "name": "",
    "email": None,
    "email_hash": None,
    "email_domain": "",
    "zip_code": "",
    "city": "",
    "organization": "",
    "organization_url": "",
    "role": "",
    "ip_hash": "",
    "show_name": False,
    "wants_updates": False,
    "email_due": "",
    "email_error": "",
}


def withdraw(signature_id: int) -> Outcome:
    """Erase the signer's data. The counters drop it on their next run, then the row goes."""
    with one_sqlite_writer(), transaction.atomic():
        # Lock the row before reading `counted`: on PostgreSQL a fold marking it counted right now
        # commits first, and we see its mark. (Django's delete() reads the keys, then deletes by
        # key without checking `counted` again: a row the fold had just counted vanished uncounted.)
        counted = (
            Signature.objects.select_for_update()
            .filter(pk=signature_id, state__in=states.CAN_WITHDRAW)
            .values_list("counted", flat=True)
            .first()
        )
        if counted is None:
            return Outcome.GONE
        if not counted:
            Signature.objects.filter(pk=signature_id).delete()
            return Outcome.DONE
        # Counted: keep an anonymous row (its US state and public identifiers) until the counters
        # subtract it and leave partners a tombstone (counting.py).
        Signature.objects.filter(pk=signature_id).update(state=State.WITHDRAWN, **ERASED)
        EmailShare.objects.filter(signature_id=signature_id).delete()
        return Outcome.DONE


def record_checks(checked_pks: list[int], verdicts: dict[int, Verdict]) -> int:
    """The worker's abuse checks passed over these rows: flag the ones the defence flagged, with its reason.

    Rows are marked checked whatever the verdict (only checked rows count);
    a row that left the states a flag may start from meanwhile keeps its state.
    Returns how many were checked.
    """
    by_reason: dict[str, list[int]] = {}
    for pk, verdict in verdicts.items():
        if verdict.action is Action.FLAG:
            by_reason.setdefault(verdict.reason, []).append(pk)
    with one_sqlite_writer(), transaction.atomic():
        for reason, pks in by_reason.items():
            Signature.objects.filter(pk__in=pks, state__in=states.CAN_FLAG).update(state=State.FLAGGED, flag_reason=reason)
        Signature.objects.filter(pk__in=checked_pks).update(checked=True)
    return len(checked_pks)


def erase(queryset, *, actor) -> int:
    """An organizer erases signers' data on their request (as if each had withdrawn); returns how many."""
    with transaction.atomic():
        erased = sum(withdraw(pk) is Outcome.DONE for pk in queryset.values_list("pk", flat=True))
        _record(actor, "signatures.erase", erased)
    return erased


def invalidate(queryset, *, actor) -> int:
    """Organizers strike signatures out (fraud, duplicates by hand); returns how many.

    `actor` is the organizer, recorded in the history; None when the caller
    records the action itself (a bulk invalidation) or no one acts.
    """
    with transaction.atomic():
        done = queryset.filter(state__in=states.CAN_INVALIDATE).update(state=State.INVALIDATED, email_due="")
        _record(actor, "signatures.invalidate", done)
    return done


# The reason a flagged signature shows when an organizer flagged it (translated where it is shown).
FLAGGED_BY_HAND = gettext_noop("flagged by an organizer")


def flag(queryset, *, actor) -> int:
    """Silently stop counting: the signer still sees a normal confirmation."""
    with transaction.atomic():
        done = queryset.filter(state__in=states.CAN_FLAG).update(state=State.FLAGGED, flag_reason=FLAGGED_BY_HAND)
        _record(actor, "signatures.flag", done)
    return done


def unflag(queryset, *, actor) -> int:
    with transaction.atomic():
        done = queryset.filter(state=State.FLAGGED, verified_at__isnull=False).update(state=State.VERIFIED, flag_reason="")
        done += queryset.filter(state=State.FLAGGED, verified_at__isnull=True).update(state=State.PENDING, flag_reason="")
        _record(actor, "signatures.unflag", done)
    return done


def approve_organizations(queryset, *, actor) -> int:
    with transaction.atomic():
        done = queryset.filter(kind=Signature.Kind.ORGANIZATION, approved_at__isnull=True).update(approved_at=timezone.now())
        _record(actor, "signatures.approve", done)
    return done


def _record(actor, action: str, rows: int) -> None:
    """History for an organizer's action on many rows: who, what, how many (not whose: that would keep erased data)."""
    if actor is not None:
        audit.record(actor, action, Signature, rows=rows)


# With no email left to send, a confirmed signer's address is kept only if they asked for updates
# or to share it with a partner.
def _address_after_last_email() -> Case:
    return Case(
        When(
            Q(verified_at__isnull=False, wants_updates=False) & ~Exists(EmailShare.objects.filter(signature=OuterRef("pk"))),
            then=Value(None),
        ),
        default=F("email"),
    )


def record_email_sent(signature_id: int, kind: str) -> None:
    """The outbox sent this email: clear it, and the address where it is no longer needed; one UPDATE."""
    with one_sqlite_writer(), transaction.atomic():
        Signature.objects.filter(pk=signature_id, email_due=kind).update(
            email_due="", emails_sent=F("emails_sent") + 1, email_attempts=0, email_retry_at=None, email_error="",
            email=_address_after_last_email(),
        )  # fmt: skip


def record_email_failed(signature_id: int, kind: str, detail: str, retry_at=None) -> None:
    """The outbox could not send this email: try again at `retry_at`, or (None) give up and show organizers why."""
    with one_sqlite_writer(), transaction.atomic():
        rows = Signature.objects.filter(pk=signature_id, email_due=kind)
        if retry_at is not None:
            rows.update(email_attempts=F("email_attempts") + 1, email_retry_at=retry_at, email_error=detail)
        else:
            rows.update(
                email_due="", email_attempts=F("email_attempts") + 1, email_retry_at=None, email_error=detail,
                email=_address_after_last_email(),
            )  # fmt: skip


def stop_updates(rows: Q) -> int:
    """These signers want no more updates (unsubscribed, or their address bounced); returns how many stopped.

    The address goes with them unless an email is still owed; the signature stays and still counts.
    """
    stopped = Signature.objects.filter(rows, wants_updates=True).update(wants_updates=False)
    _forget_address_if_unneeded(rows)
    return stopped


def correct_name(signature_id: int, name: str, *, actor) -> bool:
    """An organizer fixes a misspelt name (an organization's own name for an organization); True if done.

    Partners see the correction on their next sync (modified_at moves). The history
    records that the name was corrected, on which signature and by whom; never the names.
    """
    with one_sqlite_writer(), transaction.atomic():
        signature = Signature.objects.select_for_update().filter(pk=signature_id, state__in=states.CAN_WITHDRAW).first()
        if signature is None:
            return False  # withdrawn or erased meanwhile: no name left to correct
        field = "organization" if signature.kind == Signature.Kind.ORGANIZATION else "name"
        Signature.objects.filter(pk=signature_id).update(**{field: name}, modified_at=timezone.now())
        audit.record(actor, "signatures.correct_name", signature, label=f"signature #{signature_id}", data={"field": field})
    return True
