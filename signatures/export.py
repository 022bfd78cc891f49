"""CSV export of verified signatures, streamed in constant memory."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from .models import Campaign, Signature
from .states import State

COLUMNS = [
    ("confirmed_at", "verified_at"),
    ("kind", "kind"),
    ("name", "name"),
    ("organization", "organization"),
    ("role", "role"),
    ("organization_url", "organization_url"),
    ("city", "city"),
    ("state", "us_state"),
    ("zip", "zip_code"),
    ("listed_publicly", "show_name"),
    ("wants_updates", "wants_updates"),
    ("email_if_wants_updates", "email"),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value) -> str:
    """Spreadsheets run cells that start like a formula: make them plain text."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def rows(campaign: Campaign):
    signatures = (
        Signature.objects.filter(campaign=campaign, state=State.VERIFIED)
        .order_by("pk")
        .values_list(*(field for _, field in COLUMNS))
    )
    email_index = [field for _, field in COLUMNS].index("email")
    updates_index = [field for _, field in COLUMNS].index("wants_updates")
    yield [header for header, _ in COLUMNS]
    for row in signatures.iterator(chunk_size=5000):
        row = list(row)
        row[0] = row[0].isoformat(timespec="seconds") if row[0] else ""
        if not row[updates_index]:
            row[email_index] = ""  # only people who asked for updates are handed on with their address
        yield [neutralize(v) for v in row]


def csv_response(campaign: Campaign) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        (writer.writerow(r) for r in rows(campaign)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-signatures-{stamp}.csv"'
    return response
