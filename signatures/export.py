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
from django.db import connection
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
_FORMULA_PG = "('=', '+', '-', '@', CHR(9), CHR(13))"  # the same, in SQL
_FORMULA_SQLITE = "('=', '+', '-', '@', CHAR(9), CHAR(13))"
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


def _signers(campaign: Campaign):
    # An organization is handed on by its name, never by its contact's.
    return Signature.objects.filter(COUNTABLE, campaign=campaign).annotate(
        handed_on_name=Case(When(kind=Signature.Kind.ORGANIZATION, then=F("organization")), default=F("name"))
    )


def _supporters(campaign: Campaign):
    queryset = Signature.objects.filter(campaign=campaign, state=State.VERIFIED, wants_updates=True, email__isnull=False)
    return queryset.exclude(email="")


def signer_chunks(campaign: Campaign):
    """Lists of signer rows (CHUNK at a time): what the signers agreed may be handed on."""
    clock = LocalClock().text
    yes_no = {True: _("Yes"), False: _("No"), None: ""}  # SQLite hands back 1 and 0: the same keys
    kinds = {value: str(label) for value, label in Signature.Kind.choices}
    formula = FORMULA_CHARS
    fields = ["verified_at", "kind", "handed_on_name", "role", "city", "us_state", "show_name"]
    for raw in _raw_rows(_signers(campaign), fields):
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
    for raw in _raw_rows(_supporters(campaign), fields):
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
    """The CSV in blocks of CHUNK rows, in constant memory: the header from csv.writer, the rows formatted by the
    database (below), byte for byte what csv.writer writes for `EXPORTS[kind]`'s rows (the xlsx's)."""
    headers, _chunks, _dates = EXPORTS[kind]
    buffer = io.StringIO()
    buffer.write(BOM)  # without it, Excel reads UTF-8 as its local code page and garbles accents
    csv.writer(buffer).writerow(headers())
    yield buffer.getvalue().encode()
    yield from (_postgres_csv if connection.vendor == "postgresql" else _sqlite_csv)(kind, campaign)


# --- CSV formatted by the database ------------------------------------------------------
# Python formatting a million rows cell by cell managed about 120k rows/s (bench/export.py);
# PostgreSQL writes CSV itself (COPY ... TO STDOUT WITH (FORMAT csv)), and SQLite builds each
# line with csv.writer's quoting (a cell with a comma, a quote, CR or LF is quoted, its quotes
# doubled). The columns repeat signer_chunks' and supporter_chunks' rules, one spec per column:
# ("date", field): LocalClock's text; ("text", field): a leading ' before a formula;
# ("label", field, {value: text}): the value's label, else the value as it is.
# signatures/tests/test_export_format.py holds the two to the same bytes on both databases.
def _columns(kind: str) -> list[tuple]:
    if kind == "signers":
        return [
            ("date", "verified_at"), ("label", "kind", {v: str(label) for v, label in Signature.Kind.choices}),
            ("text", "handed_on_name"), ("text", "role"), ("text", "city"), ("text", "us_state"),
            ("label", "show_name", {True: _("Yes"), False: _("No")}),
        ]  # fmt: skip
    return [
        ("text", "email"), ("text", "name"), ("text", "organization"), ("text", "zip_code"), ("text", "city"),
        ("text", "us_state"), ("label", "language", dict(settings.LANGUAGES)), ("date", "verified_at"),
    ]  # fmt: skip


def _query(kind: str, campaign: Campaign, date_field: str) -> tuple[str, list]:
    """The rows' query as SQL: the id and each column's field, in the id's order."""
    queryset = (_signers if kind == "signers" else _supporters)(campaign)
    if date_field == "verified_text":
        queryset = queryset.annotate(verified_text=Cast("verified_at", output_field=TextField()))
    fields = [date_field if spec[0] == "date" else spec[1] for spec in _columns(kind)]
    sql, params = queryset.order_by("pk").values_list("pk", *fields).query.sql_with_params()
    return sql, list(params)


def _postgres_csv(kind: str, campaign: Campaign):
    """COPY's lines, CHUNK at a time, with csv.writer's CRLF for COPY's LF. A non-NULL empty string
    is written "" by COPY and empty by csv.writer: every cell turns '' into NULL."""
    cells, params = [], []
    for spec in _columns(kind):
        column = f'r."{spec[1]}"'
        if spec[0] == "date":
            cells.append(f"TO_CHAR({column} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')")
            params.append(settings.TIME_ZONE)
        elif spec[0] == "text":
            cells.append(f"CASE WHEN LEFT({column}, 1) IN {_FORMULA_PG} THEN '''' || {column} ELSE NULLIF({column}, '') END")
        else:
            labels = spec[2]
            if set(labels) == {True, False}:
                cells.append(f"CASE WHEN {column} THEN NULLIF(%s, '') WHEN NOT {column} THEN NULLIF(%s, '') END")
                params += [labels[True], labels[False]]
            else:
                whens = " ".join("WHEN %s THEN NULLIF(%s, '')" for _ in labels)
                cells.append(f"CASE {column} {whens} ELSE NULLIF({column}, '') END")
                params += [x for pair in labels.items() for x in pair]
    inner, inner_params = _query(kind, campaign, "verified_at")
    sql = f'COPY (SELECT {", ".join(cells)} FROM ({inner}) r ORDER BY r."pk") TO STDOUT WITH (FORMAT csv)'  # noqa: S608
    with connection.cursor() as cursor, cursor.cursor.copy(sql, [*params, *inner_params]) as copy:
        lines = []
        for line in copy:  # libpq hands over one row at a time
            lines.append(line)
            if len(lines) == CHUNK:
                yield _crlf(lines)
                lines = []
        if lines:
            yield _crlf(lines)


def _crlf(lines) -> bytes:
    block = b"".join(lines)
    if block.count(b"\n") == len(lines):  # no line break inside a quoted cell: each LF ends a line
        return block.replace(b"\n", b"\r\n")
    return b"".join(bytes(line[:-1]) + b"\r\n" for line in lines)


def _quoted(text: str) -> str:
    """One cell as csv.writer writes it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text, ""])
    return buffer.getvalue()[:-1]


def _sqlite_quote(cell: str) -> str:
    return (
        f"CASE WHEN INSTR({cell}, ',') OR INSTR({cell}, '\"') OR INSTR({cell}, CHAR(10)) OR INSTR({cell}, CHAR(13)) "
        f"THEN '\"' || REPLACE({cell}, '\"', '\"\"') || '\"' ELSE {cell} END"
    )


def _sqlite_csv(kind: str, campaign: Campaign):
    """SQLite builds each line but the date (a cell that never needs quoting), which LocalClock makes, as
    for the xlsx: a row comes back as (the date's UTC text, the cells before it, the cells after it)."""
    parts, params, current = [[], []], [[], []], 0
    for spec in _columns(kind):
        column = f'r."{spec[1]}"'
        if spec[0] == "date":
            current = 1
            continue
        if spec[0] == "text":
            escaped = f"(CASE WHEN SUBSTR({column}, 1, 1) IN {_FORMULA_SQLITE} THEN '''' || {column} ELSE {column} END)"
            cell = f"CASE WHEN {column} IS NULL OR {column} = '' THEN '' ELSE {_sqlite_quote(escaped)} END"
        else:  # the labels are quoted here, once; a value without a label is quoted by SQLite
            whens = " ".join("WHEN %s THEN %s" for _ in spec[2])
            cell = f"CASE {column} {whens} ELSE COALESCE({_sqlite_quote(f'CAST({column} AS TEXT)')}, '') END"
            params[current] += [x for value, label in spec[2].items() for x in (value, _quoted(str(label)))]
        parts[current].append(cell)
    if current == 0:
        raise ValueError("a CSV export without a date column")
    before = " || ',' || ".join(parts[0]) + " || ','" if parts[0] else "''"
    after = "',' || " + " || ',' || ".join(parts[1]) if parts[1] else "''"
    inner, inner_params = _query(kind, campaign, "verified_text")
    sql = f'SELECT r."verified_text", {before}, {after} FROM ({inner}) r ORDER BY r."pk"'  # noqa: S608
    clock = LocalClock().text
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params[0], *params[1], *inner_params])
        while rows := cursor.fetchmany(CHUNK):
            yield "".join([f"{head}{clock(raw)}{tail}\r\n" for raw, head, tail in rows]).encode()


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
