"""Everything that changes a letter, an official or a letter action happens here.

Writers' actions (write, confirm, withdraw) follow the signatures' rules: one
conditional UPDATE from the states each may start from, so replayed links do
nothing. Organizers' actions leave an audit record.
"""

import csv
import enum
import io

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from defence import throttle
from defence.models import RateLimit
from signatures.emails import domain_of, email_hash

from . import residency
from .forms import check_email, parse_role
from .models import Delivery, Letter, LetterAction, Official

# A writer who submits again while unconfirmed gets the link again, a few times at most.
MAX_EMAILS_PER_LETTER = 3


class Closed(Exception):
    """The action is not taking letters (not yet open, closed, or decided)."""


class NoOfficials(Exception):
    """No one to write to yet."""


def normalized(text: str) -> str:
    return " ".join(text.split())


def recipients_for(action: LetterAction, zip_code: str) -> list[Official]:
    officials = list(action.officials.all())
    if action.recipients == LetterAction.Recipients.EVERYONE:
        return officials
    zip5 = zip_code[:5]
    own = [o for o in officials if o.district and zip5 in o.zip_set()]
    return own + [o for o in officials if o.at_large]


def write(
    action: LetterAction, *, name, email, zip_code, body, reply_ok, ip_hash="", held_reason="", language=""
) -> Letter | None:
    """Store a letter and queue its confirmation email. A second letter from the same person creates nothing."""
    if not action.is_open():
        raise Closed
    if not action.officials.exists():
        raise NoOfficials
    found = residency.place(zip_code)
    digest = email_hash(email)
    held_reason = held_reason or _domain_over_limit(email)
    letter = Letter(
        action=action,
        name=name,
        email=email,
        email_hash=digest,
        zip_code=zip_code,
        city=found[0] if found else "",
        us_state=found[1] if found else "",
        resident=residency.is_resident(zip_code, action.local_action),
        body=body,
        unchanged=normalized(body) == normalized(action.suggested_text),
        reply_ok=reply_ok,
        language=language,
        ip_hash=ip_hash,
        state=Letter.State.FLAGGED if held_reason else Letter.State.PENDING,
        flag_reason=held_reason,
        email_due=True,
    )
    try:
        with transaction.atomic():
            letter.save()
        return letter
    except IntegrityError:
        # Unconfirmed: send the link again (a few times at most). Confirmed: nothing more.
        Letter.objects.filter(
            action=action,
            email_hash=digest,
            confirmed_at__isnull=True,
            state__in=[Letter.State.PENDING, Letter.State.FLAGGED],
            emails_sent__lt=MAX_EMAILS_PER_LETTER,
        ).update(email=email, email_due=True)
        return None


def _domain_over_limit(email: str) -> str:
    """Many letters from one email domain in an hour are held, as for signatures (big webmail domains exempt)."""
    limits = RateLimit.for_campaign(None)
    domain = domain_of(email)
    if domain in limits.exempt_domains():
        return ""
    if throttle.over_limit(f"letter-domain:{domain}", limits.domain_burst, 3600):
        return "email domain over the letter limit"
    return ""


class Outcome(enum.Enum):
    DONE = "done"
    ALREADY = "already"
    GONE = "gone"
    CLOSED = "closed"


def confirm(letter_id: int) -> Outcome:
    """The writer clicked the button in their email: the letter is owed to its officials."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().select_related("action").filter(pk=letter_id).first()
        if letter is None or letter.state == Letter.State.WITHDRAWN:
            return Outcome.GONE
        if letter.confirmed_at:
            return Outcome.ALREADY
        if not letter.action.is_open():
            return Outcome.CLOSED
        letter.confirmed_at = timezone.now()
        if letter.state == Letter.State.PENDING:
            letter.state = Letter.State.CONFIRMED
        letter.save(update_fields=["confirmed_at", "state"])
        if letter.state == Letter.State.CONFIRMED:  # a held letter is confirmed too, and stays undelivered
            Delivery.objects.bulk_create(
                [Delivery(letter=letter, official=o) for o in recipients_for(letter.action, letter.zip_code)],
                ignore_conflicts=True,
            )
        _forget_address_if_unneeded(Q(pk=letter.pk))
    return Outcome.DONE


def _forget_address_if_unneeded(rows: Q) -> None:
    """The address stays only for an email on its way, or until delivery for a writer who may be replied to."""
    Letter.objects.filter(rows, confirmed_at__isnull=False, email_due=False, reply_ok=False).update(email=None)


def withdraw(letter_id: int) -> Outcome:
    """Take a letter back: before delivery it is deleted; after, the writer's data is erased."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().filter(pk=letter_id).exclude(state=Letter.State.WITHDRAWN).first()
        if letter is None:
            return Outcome.GONE
        if not letter.deliveries.filter(digest__sent_at__isnull=False).exists():
            letter.delete()
            return Outcome.DONE
        letter.deliveries.filter(Q(digest__isnull=True) | Q(digest__sent_at__isnull=True)).delete()
        Letter.objects.filter(pk=letter_id).update(
            state=Letter.State.WITHDRAWN, name="", email=None, body="", zip_code="", city="", ip_hash="", email_due=False
        )
    return Outcome.DONE


def record_confirmation_sent(letter_id: int) -> None:
    Letter.objects.filter(pk=letter_id).update(email_due=False, emails_sent=F("emails_sent") + 1, next_email_at=None)
    _forget_address_if_unneeded(Q(pk=letter_id))


def forget_delivered_addresses(letter_ids) -> None:
    """Once every official has a letter, no address is needed any more."""
    pending = Delivery.objects.filter(letter_id__in=letter_ids).filter(Q(digest__isnull=True) | Q(digest__sent_at__isnull=True))
    done = set(letter_ids) - set(pending.values_list("letter_id", flat=True))
    Letter.objects.filter(pk__in=done, email_due=False).update(email=None)


# --- Organizers ----------------------------------------------------------------


def flag(actor, queryset) -> int:
    with transaction.atomic():
        n = queryset.filter(state__in=[Letter.State.PENDING, Letter.State.CONFIRMED]).update(
            state=Letter.State.FLAGGED, flag_reason="held by an organizer"
        )
        # Held letters are not delivered: take back what is not yet in a sent digest.
        Delivery.objects.filter(letter__in=queryset, digest__isnull=True).delete()
        record(actor, "letters.flag", queryset, rows=n)
    return n


def unflag(actor, queryset) -> int:
    with transaction.atomic():
        rows = list(queryset.filter(state=Letter.State.FLAGGED).select_related("action"))
        for letter in rows:
            letter.state = Letter.State.CONFIRMED if letter.confirmed_at else Letter.State.PENDING
            letter.flag_reason = ""
            letter.save(update_fields=["state", "flag_reason"])
            if letter.confirmed_at:
                Delivery.objects.bulk_create(
                    [Delivery(letter=letter, official=o) for o in recipients_for(letter.action, letter.zip_code)],
                    ignore_conflicts=True,
                )
        record(actor, "letters.unflag", queryset, rows=len(rows))
    return len(rows)


def record_download(actor, action: LetterAction) -> None:
    record(actor, "letters.download", action, rows=action.letters.filter(state=Letter.State.CONFIRMED).count())


def set_result(actor, action: LetterAction, result: str) -> None:
    with transaction.atomic():
        action.result = result
        action.save(update_fields=["result", "updated_at"])
        record(actor, "letters.result", action, data={"result": result[:200]})


class BadOfficialsFile(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


HEADER_ALIASES = {
    "name": "name",
    "full name": "name",
    "role": "role",
    "title": "title",
    "district": "district",
    "ward": "district",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "zip_codes": "zip_codes",
    "zip codes": "zip_codes",
    "zips": "zip_codes",
}


def parse_officials_csv(data: bytes) -> list[dict]:
    """Rows of a city's list; raises BadOfficialsFile with every problem found (nothing is saved then)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise BadOfficialsFile([_("The file is empty.")])
    header = [HEADER_ALIASES.get(cell.strip().lower(), "") for cell in rows[0]]
    if "name" not in header or "email" not in header:
        raise BadOfficialsFile([_("The first row must name the columns, with at least “name” and “email”.")])
    officials, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        values = {field: (row[i].strip() if i < len(row) else "") for i, field in enumerate(header) if field}
        if not values.get("name"):
            problems.append(_("Row %(row)d: the name is empty.") % {"row": number})
            continue
        if not check_email(values.get("email", "")):
            problems.append(
                _("Row %(row)d (%(name)s): “%(email)s” is not a valid email address.")
                % {"row": number, "name": values["name"], "email": values.get("email", "")}
            )
            continue
        officials.append(
            {
                "name": values["name"][:120],
                "role": parse_role(values.get("role", "")),
                "title": values.get("title", "")[:120],
                "district": values.get("district", "")[:60],
                "email": values["email"],
                "zip_codes": values.get("zip_codes", ""),
            }
        )
    if problems:
        raise BadOfficialsFile(problems)
    if not officials:
        raise BadOfficialsFile([_("The file has a header but no officials.")])
    return officials


def import_officials(actor, action: LetterAction, data: bytes, *, replace: bool) -> int:
    officials = parse_officials_csv(data)
    with transaction.atomic():
        if replace:
            action.officials.all().delete()
        start = action.officials.count()
        Official.objects.bulk_create(
            Official(action=action, position=start + i, **fields) for i, fields in enumerate(officials)
        )
        readdress_waiting_letters(action)
        record(actor, "letters.import_officials", action, rows=len(officials), data={"replace": replace})
    return len(officials)


def readdress_waiting_letters(action: LetterAction) -> None:
    """After the list changes, confirmed letters are owed to the new officials too (none is lost)."""
    for letter in action.letters.filter(state=Letter.State.CONFIRMED):
        Delivery.objects.bulk_create(
            [Delivery(letter=letter, official=o) for o in recipients_for(action, letter.zip_code)], ignore_conflicts=True
        )


# --- What the page shows --------------------------------------------------------


def counts(action: LetterAction) -> dict:
    confirmed = action.letters.filter(state=Letter.State.CONFIRMED)
    totals = confirmed.aggregate(residents=Count("pk", filter=Q(resident=True)), others=Count("pk", filter=Q(resident=False)))
    per_official = (
        action.officials.annotate(
            letters=Count("deliveries", filter=Q(deliveries__letter__state=Letter.State.CONFIRMED))
        ).order_by("position", "name")
    )
    return {**totals, "total": totals["residents"] + totals["others"], "per_official": list(per_official)}
