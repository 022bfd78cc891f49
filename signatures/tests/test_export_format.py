"""The CSV exports' bytes are what csv.writer writes for the export's own rows (the ones the .xlsx gets), on
SQLite and PostgreSQL alike, although the database formats them (signatures/export.py, for speed)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import translation

from signatures import export
from signatures.models import Signature

pytestmark = pytest.mark.django_db

AWKWARD = [
    "Plain", "", "comma, inside", 'a "quote"', '"starts quoted', "line\nbreak", "carriage\rreturn", "crlf\r\ninside",
    " leading space", "trailing space ", "tab\tinside", "Ñandú José 李", "=1+2", "+1", "-1", "@SUM(A1)", "\tTab", "\rCR",
    "'already", "\\.", "semi;colon",
]  # fmt: skip
# Either side of Chicago's clock changes, a whole second and a fraction of one.
WHEN = [
    datetime(2026, 11, 1, 6, 59, 59, 999999, tzinfo=UTC), datetime(2026, 11, 1, 7, 0, 0, tzinfo=UTC),
    datetime(2026, 3, 8, 7, 59, 59, tzinfo=UTC), datetime(2026, 3, 8, 8, 0, 1, 500000, tzinfo=UTC), None,
]  # fmt: skip


def written_by_csv_writer(kind, campaign) -> bytes:
    headers, chunks, _ = export.EXPORTS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for chunk in chunks(campaign):
        writer.writerows(chunk)
    return export.BOM.encode() + buffer.getvalue().encode()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", export.KINDS)
def test_every_awkward_value_comes_out_as_csv_writer_writes_it(letter, monkeypatch, kind, language):
    monkeypatch.setattr(export, "CHUNK", 4)  # several blocks, some with a line break inside a cell
    for i, text in enumerate(AWKWARD):
        Signature.objects.create(
            campaign=letter, kind=["individual", "organization", text[:12]][i % 3], state="verified", checked=True,
            verified_at=WHEN[i % len(WHEN)], approved_at=WHEN[0], email_hash=f"h{i}", name=text, organization=text,
            role=text, city=text, us_state=text[:2], zip_code=text[:10], language=["en", "es", text[:8]][i % 3],
            email=[f"{text}@example.org"[:254], None, text][i % 3], wants_updates=bool(i % 2) or i % 3 == 0, show_name=bool(i % 4),
        )  # fmt: skip
    Signature.objects.create(campaign=letter, state="pending", email_hash="pending", name="Not Confirmed", checked=True)

    with translation.override(language):
        expected = written_by_csv_writer(kind, letter)
        out = b"".join(export.csv_bytes(kind, letter))

    assert out == expected
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert len(rows) > 10 and "Not Confirmed" not in out.decode()
