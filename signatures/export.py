"""Exports organizers open in a spreadsheet, streamed from raw database rows.

Two exports with different purposes:

- **signers** (permission "Can export signatures as CSV"): the signatures on the
  public count, with what the signer agreed may be handed to the target (the
  sign form says so): name, city and state; for an organization its name and the
  contact's role, never the contact's name. No email address, no ZIP code.
- **supporters** (permission "Can export supporters who asked for updates", the
  Coordinator role only): confirmed signers who asked for updates, the only
  export with email addresses.

Each comes as CSV (UTF-8 with a byte-order mark, so Excel reads accents) or as
an .xlsx workbook (openpyxl; ZIP codes stored as text keep their leading zero,
dates are real dates). Dates are in the site's time zone (TIME_ZONE), headers
are plain words in the organizer's language, choices are Yes/No. Cells that a
spreadsheet would run as a formula (`= + - @`) get a leading ' in both formats.
"""

import csv
import datetime
import io
import tempfile
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, F, TextField, When
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit

from .counting import COUNTABLE
from .models import Campaign, Signature
from .states import State

# Spreadsheets run cells that start like a formula: those cells get a leading ' (plain text).
FORMULA_CHARS = frozenset("=+-@\t\r")
CHUNK = 5000
BOM = "\ufeff"
KINDS = ("signers", "supporters")
FORMATS = ("csv", "xlsx")


def signer_headers() -> list[str]:
    return [_("Date confirmed"), _("Signs as"), _("Name"), _("Role"), _("City"), _("State"), _("Name shown on the site")]


def supporter_headers() -> list[str]:
    return [_("Email"), _("Name"), _("Organization"), _("ZIP code"), _("City"), _("State"), _("Language"), _("Date confirmed")]


class LocalClock:
    """The database's UTC text ("2026-11-23 06:05:00[.123456][+00]") as "2026-11-23 00:05:00" in the site's zone.

    One zone conversion per hour of UTC seen (a dict hit per row after that): a
    whole-hour zone changes its offset only on the hour, so the hour's local
    prefix plus the row's own minutes and seconds is exact. A zone with a
    half-hour offset converts each row.
    """

    def __init__(self, zone=None):
        self.zone = zone or ZoneInfo(settings.TIME_ZONE)
        self.hours = {}

    def _hour(self, key: str) -> str | None:
        local = datetime.datetime.fromisoformat(f"{key}:00:00+00:00").astimezone(self.zone)
        whole = local.utcoffset() % datetime.timedelta(hours=1) == datetime.timedelta(0)
        prefix = local.strftime("%Y-%m-%d %H") if whole else None
        self.hours[key] = prefix
        return prefix

    def text(self, raw) -> str:
        if not raw:
            return ""
        key = raw[:13]
        prefix = self.hours[key] if key in self.hours else self._hour(key)
        if prefix is not None:
            return prefix + raw[13:19]
        moment = datetime.datetime.fromisoformat(f"{raw[:10]}T{raw[11:19]}+00:00").astimezone(self.zone)
        return moment.strftime("%Y-%m-%d %H:%M:%S")


def _raw_rows(queryset, fields):
    """Tuples of raw values, CHUNK at a time, with `verified_at` as the database's UTC text.

    Django's per-value converters and a function call per cell took 17 us a
    row; formatting the raw values inline takes a few (bench/: a million rows).
    """
    rows = (
        queryset.order_by("pk")
        .annotate(verified_text=Cast("verified_at", output_field=TextField()))
        .values_list(*["verified_text" if f == "verified_at" else f for f in fields])
    )
    compiler = rows.query.get_compiler(using=rows.db)
    yield from compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK)


def signer_chunks(campaign: Campaign):
    """Lists of signer rows (CHUNK at a time): what the signers agreed may be handed on."""
    clock = LocalClock().text
    yes_no = {True: _("Yes"), False: _("No"), None: ""}  # SQLite hands back 1 and 0: the same keys
    kinds = {value: str(label) for value, label in Signature.Kind.choices}
    formula = FORMULA_CHARS
    fields = ["verified_at", "kind", "handed_on_name", "role", "city", "us_state", "show_name"]
    # An organization is handed on by its name, never by its contact's.
    queryset = Signature.objects.filter(COUNTABLE, campaign=campaign).annotate(
        handed_on_name=Case(When(kind=Signature.Kind.ORGANIZATION, then=F("organization")), default=F("name"))
    )
    for raw in _raw_rows(queryset, fields):
        yield [
            [
                clock(verified_at),
                kinds.get(kind, kind),
                name if not name or name[0] not in formula else "'" + name,
                role if not role or role[0] not in formula else "'" + role,
                city if not city or city[0] not in formula else "'" + city,
                state if not state or state[0] not in formula else "'" + state,
                yes_no[show_name],
            ]
            for verified_at, kind, name, role, city, state, show_name in raw
        ]


def supporter_chunks(campaign: Campaign):
    """Lists of supporter rows: confirmed signers who asked for updates, with their address."""
    clock = LocalClock().text
    languages = dict(settings.LANGUAGES)
    formula = FORMULA_CHARS
    fields = ["email", "name", "organization", "zip_code", "city", "us_state", "language", "verified_at"]
    queryset = Signature.objects.filter(campaign=campaign, state=State.VERIFIED, wants_updates=True, email__isnull=False)
    for raw in _raw_rows(queryset, fields):
        yield [
            [
                email if email[0] not in formula else "'" + email,
                name if not name or name[0] not in formula else "'" + name,
                organization if not organization or organization[0] not in formula else "'" + organization,
                zip_code if not zip_code or zip_code[0] not in formula else "'" + zip_code,
                city if not city or city[0] not in formula else "'" + city,
                state if not state or state[0] not in formula else "'" + state,
                languages.get(language, language),
                clock(verified_at),
            ]
            for email, name, organization, zip_code, city, state, language, verified_at in raw
            if email
        ]


EXPORTS = {
    "signers": (signer_headers, signer_chunks, (0,)),  # (headers, rows, the columns holding dates)
    "supporters": (supporter_headers, supporter_chunks, (7,)),
}


def csv_bytes(kind: str, campaign: Campaign):
    """The CSV in blocks of CHUNK rows: constant memory, one write per block rather than per row."""
    headers, chunks, _dates = EXPORTS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)  # without it, Excel reads UTF-8 as its local code page and garbles accents
    writer.writerow(headers())
    for chunk in chunks(campaign):
        writer.writerows(chunk)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def xlsx_file(kind: str, campaign: Campaign):
    """The workbook, written row by row (openpyxl's write-only mode) into a temporary file; returns the open file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    headers, chunks, date_columns = EXPORTS[kind]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Signers") if kind == "signers" else _("Supporters"))
    sheet.freeze_panes = "A2"
    sheet.append(headers())
    illegal = ILLEGAL_CHARACTERS_RE
    for chunk in chunks(campaign):
        for row in chunk:
            cells = [illegal.sub("", value) if isinstance(value, str) else value for value in row]
            for column in date_columns:
                if cells[column]:
                    cell = WriteOnlyCell(sheet, datetime.datetime.fromisoformat(cells[column]))
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    cells[column] = cell
            sheet.append(cells)  # text stays text: a ZIP code keeps its leading zero
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    book.save(out)
    out.seek(0)
    return out


def filename(kind: str, campaign: Campaign, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{campaign.slug}-{kind}-{stamp}.{fmt}"


def response(kind: str, campaign: Campaign, fmt: str, *, actor):
    """The download; the history records who handed on which people's data, and when."""
    action = "signatures.export" if kind == "signers" else "signatures.export_supporters"
    audit.record(actor, action, campaign, data={"export": kind, "format": fmt})
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(kind, campaign),
            as_attachment=True,
            filename=filename(kind, campaign, fmt),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    out = StreamingHttpResponse(csv_bytes(kind, campaign), content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{filename(kind, campaign, fmt)}"'
    return out


def csv_response(campaign: Campaign, *, actor) -> StreamingHttpResponse:
    """The signers CSV (what the admin's export link and bench/probe.py stream)."""
    return response("signers", campaign, "csv", actor=actor)
