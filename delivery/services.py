"""Every change to a delivery happens here: requested by an organizer, built by the worker, files purged.

Organizer actions leave an audit entry with the filters and, once built, the
count and the hashes; the worker's steps are recorded under "worker".
"""

import datetime
import html
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from audit.services import record
from core import markdown
from core.us_states import PLACE_NAMES as STATE_NAMES
from signatures import receipts
from signatures.models import Campaign

from . import membership, packet, selection
from .models import Delivery
from .selection import Filters
from .tasks import build_delivery

logger = logging.getLogger(__name__)
STALLED_AFTER = datetime.timedelta(minutes=30)  # a build interrupted by a crash or restart can be started again


class NothingToDeliver(Exception):
    """No signature in the campaign, or none matching the filters: there is no packet to make."""


def check_selection(campaign: Campaign, filters: Filters) -> int:
    """How many signatures the filters select; NothingToDeliver, with the reason in words, when none."""
    if not selection.count(campaign, Filters()):
        raise NothingToDeliver(_("This campaign has no confirmed signatures yet: there is nothing to deliver."))
    found = selection.count(campaign, filters)
    if not found:
        raise NothingToDeliver(_("No confirmed signature matches these filters. Widen them and try again."))
    return found


def request_delivery(user, *, campaign: Campaign, recipient: str, delivered_on: datetime.date, filters: Filters,
                     local_action=None, listed: bool = True) -> Delivery:  # fmt: skip
    """Record the delivery and queue its packet for the worker."""
    with transaction.atomic():
        delivery = Delivery.objects.create(
            campaign=campaign,
            recipient=recipient,
            delivered_on=delivered_on,
            listed=listed,
            local_action=local_action,
            us_states=list(filters.us_states),
            signed_from=filters.signed_from,
            signed_until=filters.signed_until,
            city=filters.city,
            city_state=filters.city_state,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_by_name=user.get_username() if getattr(user, "is_authenticated", False) else "",
        )
        record(user, "delivery.requested", delivery, data={"campaign": campaign.slug, "recipient": recipient,
                                                            "filters": filters.as_dict()})  # fmt: skip
        build_delivery.enqueue(delivery.pk)  # the task row commits with the delivery (database queue), or neither does
    return delivery


def rebuild(user, queryset) -> int:
    """Queue again the deliveries that failed or whose build was interrupted; returns how many."""
    stalled = timezone.now() - STALLED_AFTER
    ids = list(queryset.filter(status=Delivery.Status.FAILED).values_list("pk", flat=True)) + list(
        queryset.filter(status=Delivery.Status.BUILDING, created_at__lt=stalled).values_list("pk", flat=True)
    )
    with transaction.atomic():
        done = Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.QUEUED, error="")
        if done:
            record(user, "delivery.rebuild", Delivery.objects.filter(pk__in=ids), rows=done)
            for pk in ids:
                build_delivery.enqueue(pk)
    return done


def set_listed(user, delivery: Delivery, listed: bool) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(listed=listed)
        record(user, "delivery.listed" if listed else "delivery.unlisted", delivery)


def delete(user, delivery: Delivery) -> None:
    """Remove a delivery and its files (a mistaken one); the audit entry stays."""
    with transaction.atomic():
        record(user, "delivery.deleted", delivery, data={"count": delivery.count, "pdf_sha256": delivery.pdf_sha256})
        _delete_files(delivery, manifest=True)
        delivery.delete()


def record_download(user, delivery: Delivery, which: str) -> None:
    """Who took a copy of the names: downloads of the PDF and CSV are on the record."""
    record(user, f"delivery.download_{which}", delivery, rows=delivery.count or 0)


def _delete_files(delivery: Delivery, manifest: bool = False) -> None:
    fields = [delivery.pdf, delivery.csv] + ([delivery.manifest] if manifest else [])
    for field in fields:
        if field:
            field.delete(save=False)


def purge_files(now=None) -> int:
    """Delete the PDF and CSV (names) DELIVERY_FILE_DAYS after the build; the manifest stays. Worker, hourly."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.DELIVERY_FILE_DAYS)
    due = Delivery.objects.filter(status=Delivery.Status.READY, built_at__lt=cutoff, files_deleted_at__isnull=True)
    purged = 0
    for delivery in due:
        _delete_files(delivery)
        Delivery.objects.filter(pk=delivery.pk).update(pdf="", csv="", files_deleted_at=now)
        record("worker", "delivery.files_deleted", delivery)
        purged += 1
    return purged


def paragraphs(markdown_text: str) -> list[str]:
    """The campaign's text as plain paragraphs for print (lists become bullets)."""
    rendered = markdown.render(markdown_text)
    rendered = re.sub(r"<li[^>]*>", "\n• ", rendered)
    rendered = re.sub(r"</(p|li|h\d|blockquote|pre|tr)>|<br\s*/?>", "\n", rendered)
    text = html.unescape(strip_tags(rendered))
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _front(delivery: Delivery) -> packet.Front:
    campaign = delivery.campaign
    return packet.Front(
        title=campaign.title,
        kind=campaign.kind,
        target=campaign.target,
        recipient=delivery.recipient,
        date=formats.date_format(delivery.delivered_on, "DATE_FORMAT"),
        paragraphs=paragraphs(campaign.body),
        selection=delivery.filters.describe(),
        manifest_url=settings.SITE_URL + delivery.manifest_url(),
        check_url=settings.SITE_URL + reverse("delivery:check"),
        by_zip=bool(delivery.city),
    )


def _manifest_head(delivery: Delivery) -> dict:
    campaign = delivery.campaign
    return {
        "format": "stop-shotspotter-delivery/1",
        "delivery": settings.SITE_URL + delivery.get_absolute_url(),
        "campaign": {
            "title": campaign.title,
            "kind": campaign.kind,
            "addressed_to": campaign.target,
            "url": settings.SITE_URL + campaign.get_absolute_url(),
        },
        "delivered_to": delivery.recipient,
        "date": delivery.delivered_on.isoformat(),
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "filters": delivery.filters.as_dict(),
        "included": "confirmed signatures that count on the public tally (organizations once approved), "
        "organizations first, then individuals, each in the order they signed",
    }


def build(delivery_id: int) -> int | None:
    """Write the packet and store it; returns the count, or None if there was nothing to do."""
    if not Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(status=Delivery.Status.BUILDING):
        return None  # already built, or taken by another worker
    delivery = Delivery.objects.select_related("campaign").get(pk=delivery_id)
    try:
        with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryDirectory(prefix="delivery-") as tmp:
            bitmap = membership.Bitmap()

            def rows():
                for row in selection.rows(delivery.campaign, delivery.filters):
                    bitmap.add(row[0])
                    yield row

            stem = f"{delivery.campaign.slug}-{delivery.delivered_on.isoformat()}-{delivery.pk}"
            with selection.consistent_read():
                result = packet.build(rows(), _front(delivery), Path(tmp), stem, _manifest_head(delivery), STATE_NAMES)
            if not result.count:
                raise NothingToDeliver(_("No confirmed signature matched the filters when the packet was built."))
            for field, ext in ((delivery.pdf, "pdf"), (delivery.csv, "csv"), (delivery.manifest, "json")):
                with open(Path(tmp) / f"{stem}.{ext}", "rb") as f:
                    field.save(f"{delivery.pk}/{stem}.{ext}", File(f), save=False)
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.READY, count=result.count, pages=result.pages, pdf=delivery.pdf.name,
                csv=delivery.csv.name, manifest=delivery.manifest.name, pdf_sha256=result.pdf_sha256,
                csv_sha256=result.csv_sha256, manifest_sha256=result.manifest_sha256, members=bitmap.pack(),
                built_at=timezone.now(), error="",
            )  # fmt: skip
            record("worker", "delivery.built", delivery, rows=result.count, data={
                "pdf_sha256": result.pdf_sha256, "csv_sha256": result.csv_sha256,
                "manifest_sha256": result.manifest_sha256,
            })  # fmt: skip
        return result.count
    except Exception as exc:
        reason = (
            str(exc)
            if isinstance(exc, NothingToDeliver)
            else _("The packet could not be built: %(error)s") % {"error": type(exc).__name__}
        )
        if not isinstance(exc, NothingToDeliver):
            logger.exception("delivery %s could not be built", delivery_id)
        _delete_files(delivery, manifest=True)
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, error=reason[:300], pdf="", csv="", manifest=""
            )
            record("worker", "delivery.failed", delivery, data={"reason": reason[:300]})
        return None


@dataclass
class Receipt:
    code: str
    digest: str  # as listed in the manifests
    deliveries: list[Delivery]


def check_receipt(text: str) -> Receipt | None:
    """What the check page answers for a pasted receipt code; None if it is not one of ours."""
    signature_id = receipts.read(text)
    if signature_id is None:
        return None
    return Receipt(receipts.code_for(signature_id), receipts.digest_for(signature_id), deliveries_holding(signature_id))


def deliveries_holding(signature_id: int) -> list[Delivery]:
    """The public deliveries a signature is in (the check page)."""
    found = []
    for delivery in Delivery.objects.public().select_related("campaign"):
        if membership.contains(delivery.members, signature_id):
            found.append(delivery)
    return found
