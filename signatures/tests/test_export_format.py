"""The export's bytes are what Python's csv.writer writes for the same values, on SQLite and PostgreSQL alike
(the database formats them: signatures/export.py)."""

import csv
import io
from datetime import UTC, datetime

import pytest

from signatures import export
from signatures.models import Signature

pytestmark = pytest.mark.django_db

AWKWARD = [
    "Plain", "", "comma, inside", 'a "quote"', '"starts quoted', "line\nbreak", "carriage\rreturn", "crlf\r\ninside",
    " leading space", "trailing space ", "tab\tinside", "Ñandú José 李", "=1+2", "+1", "-1", "@SUM(A1)", "\tTab", "\rCR",
    "'already", "\\.", "semi;colon",
]  # fmt: skip


def expected(campaign) -> bytes:
    """csv.writer over the model's values, with the export's rules spelled out one by one."""

    def cell(value):
        value = value or ""
        return "'" + value if value[:1] in export.FORMULA_CHARS else value

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _ in export.COLUMNS])
    for s in Signature.objects.filter(campaign=campaign, state="verified").order_by("pk"):
        writer.writerow([
            s.verified_at.astimezone(UTC).isoformat(timespec="seconds") if s.verified_at else "",
            *(cell(getattr(s, f)) for f in ["kind", "name", "organization", "role", "organization_url", "city", "us_state", "zip_code"]),
            s.show_name, s.wants_updates, cell(s.email) if s.wants_updates else "",
        ])  # fmt: skip
    return buffer.getvalue().encode()


def test_every_awkward_value_comes_out_as_csv_writer_writes_it(letter, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 4)  # several blocks, some with a line break inside a cell
    when = datetime(2026, 11, 23, 6, 5, 4, 987654, tzinfo=UTC)
    for i, text in enumerate(AWKWARD):
        Signature.objects.create(
            campaign=letter, kind="organization", state="verified", verified_at=when, email_hash=f"h{i}",
            name=text, organization=text, role=text, organization_url=text, city=text, us_state=text[:2], zip_code=text[:10],
            email=f"{text}@example.org" if i % 3 else None, wants_updates=bool(i % 2), show_name=bool(i % 4),
        )  # fmt: skip
    Signature.objects.create(campaign=letter, state="verified", verified_at=None, email_hash="none", name="No Time")
    Signature.objects.create(campaign=letter, state="pending", email_hash="pending", name="Not Confirmed")

    out = b"".join(export.csv_response(letter, actor="test").streaming_content)

    assert out == expected(letter)
    rows = list(csv.reader(io.StringIO(out.decode(), newline="")))
    assert [row[2] for row in rows[1:]] == [t if t[:1] not in export.FORMULA_CHARS else "'" + t for t in AWKWARD] + ["No Time"]
    assert rows[1][0] == "2026-11-23T06:05:04+00:00"
