"""The daily digest: at most one email a day to each official, with every letter since the last.

Offices are not flooded with one email per letter, and identical letters are
grouped ("214 residents sent this letter:" then the names) so the personal
ones stand out. Residents come first.

Exactly once: a digest row is created and the letters are attached to it in one
transaction, then it is sent and marked sent. A crash in between leaves an unsent
digest that the next run sends: at most that one email repeats.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import sending, services
from .models import Delivery, Digest, Letter, Official, digest_interval

logger = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 20


def group_letters(letters) -> tuple[list[dict], list[Letter]]:
    """Letters with the same text become one group with its names; the rest stay personal letters."""
    by_text = defaultdict(list)
    for letter in letters:
        by_text[services.normalized(letter.body)].append(letter)
    groups, personal = [], []
    for same in by_text.values():
        if len(same) > 1 or same[0].unchanged:
            groups.append({"text": same[0].body, "letters": same, "count": len(same)})
        else:
            personal.extend(same)
    groups.sort(key=lambda g: -g["count"])
    return groups, personal


def build_message(digest: Digest) -> EmailMessage:
    official = digest.official
    action = official.action
    letters = list(
        Letter.objects.filter(deliveries__digest=digest).exclude(state=Letter.State.WITHDRAWN).order_by("confirmed_at", "pk")
    )
    residents = [letter for letter in letters if letter.resident]
    others = [letter for letter in letters if not letter.resident]
    context = {
        "official": official,
        "action": action,
        "city": action.local_action,
        "count": len(letters),
        "residents": group_letters(residents),
        "resident_count": len(residents),
        "others": group_letters(others),
        "other_count": len(others),
        "site_url": settings.SITE_URL,
        "page_url": settings.SITE_URL + action.local_action.get_absolute_url(),
    }
    subject = " ".join(render_to_string("letters/emails/digest_subject.txt", context).split())
    body = render_to_string("letters/emails/digest_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[official.email])


def open_digests(now) -> int:
    """Attach the letters waiting for each official to a new digest, where the last one is old enough."""
    waiting = (
        Delivery.objects.filter(digest__isnull=True, letter__state=Letter.State.CONFIRMED, official__is_example=False)
        .values_list("official_id", flat=True)
        .distinct()
    )
    opened = 0
    for official in Official.objects.filter(pk__in=list(waiting)).annotate(last=Max("digests__created_at")):
        if official.last and official.last > now - digest_interval():
            continue
        with transaction.atomic():
            digest = Digest.objects.create(official=official)
            attached = Delivery.objects.filter(
                official=official, digest__isnull=True, letter__state=Letter.State.CONFIRMED
            ).update(digest=digest)
            if not attached:
                digest.delete()
                continue
            digest.letters = attached
            digest.save(update_fields=["letters"])
            opened += 1
    return opened


def send_digests(now=None) -> int:
    """The worker's job: open today's digests, then send every unsent one that is due; returns how many went."""
    now = now or timezone.now()
    open_digests(now)
    due = list(
        Digest.objects.filter(sent_at__isnull=True, failed="")
        .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
        .select_related("official__action__local_action")
        .order_by("pk")
    )
    if not due:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        connection = get_connection()
        try:
            for digest in due:
                outcome, detail = sending.send_one(connection, build_message(digest))
                if outcome == sending.SENT:
                    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now(), attempts=digest.attempts + 1)
                    services.forget_delivered_addresses(list(digest.deliveries.values_list("letter_id", flat=True)))
                    sent += 1
                    continue
                attempts = digest.attempts + 1
                if outcome == sending.PERMANENT or attempts >= MAX_ATTEMPTS:
                    Digest.objects.filter(pk=digest.pk).update(attempts=attempts, failed=detail or outcome)
                    logger.error("digest %s to official %s refused: %s", digest.pk, digest.official_id, detail)
                else:
                    Digest.objects.filter(pk=digest.pk).update(attempts=attempts, next_try_at=now + RETRY_AFTER * attempts)
                    logger.warning("digest %s not sent yet: %s", digest.pk, detail)
        finally:
            connection.close()
    return sent


def hearing_text(action) -> str:
    """Every confirmed letter of an action as one plain-text document, laid out as the digest (for a hearing)."""
    letters = list(action.letters.filter(state=Letter.State.CONFIRMED).order_by("confirmed_at", "pk"))
    residents = [letter for letter in letters if letter.resident]
    others = [letter for letter in letters if not letter.resident]
    context = {
        "action": action,
        "city": action.local_action,
        "count": len(letters),
        "residents": group_letters(residents),
        "resident_count": len(residents),
        "others": group_letters(others),
        "other_count": len(others),
        "officials": list(action.officials.all()),
        "page_url": settings.SITE_URL + action.local_action.get_absolute_url(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("letters/hearing.txt", context)
