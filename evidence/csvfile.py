"""Opening a city's export as CSV, whatever it was saved with.

Real exports come with a byte-order mark or without, in UTF-8, UTF-16 (Excel's
"Unicode text") or Windows-1252 (Latin-1), with Windows or Unix line endings,
separated by commas, semicolons or tabs. `inspect` looks at the file once and
says how to read it, or raises `NotCSV` with a sentence an organizer can act on.
"""

import codecs
import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .schemas import normalize

HEAD_BYTES = 64 * 1024
SCAN_CHUNK = 4 * 1024 * 1024
DELIMITERS = [",", ";", "\t", "|"]

# csv's default field limit (128 KB) is fine; a cell bigger than this is a broken file, not an alert.
csv.field_size_limit(1024 * 1024)


class NotCSV(ValueError):
    """The file cannot be read as a CSV export; the message says why, in plain words."""


@dataclass
class Shape:
    encoding: str  # a Python codec name
    delimiter: str
    header: list[str]
    line_endings: str  # "windows" or "unix"

    @property
    def encoding_label(self) -> str:
        return {
            "utf-8-sig": _("UTF-8 with a byte-order mark"),
            "utf-8": _("UTF-8"),
            "utf-16": _("UTF-16"),
            "cp1252": _("Windows-1252 (Latin-1)"),
        }.get(self.encoding, self.encoding)

    @property
    def delimiter_label(self) -> str:
        return {",": _("commas"), ";": _("semicolons"), "\t": _("tabs"), "|": _("vertical bars")}[self.delimiter]


SIGNATURES = [
    (b"PK\x03\x04", gettext_noop("an Excel workbook (.xlsx) or a zip archive")),
    (b"\xd0\xcf\x11\xe0", gettext_noop("an old Excel workbook (.xls)")),
    (b"%PDF", gettext_noop("a PDF document")),
    (b"\x89PNG", gettext_noop("an image")),
    (b"\xff\xd8\xff", gettext_noop("an image")),
    (b"GIF8", gettext_noop("an image")),
    (b"\x1f\x8b", gettext_noop("a compressed (gzip) file")),
    (b"7z\xbc\xaf", gettext_noop("a compressed (7-Zip) file")),
    (b"Rar!", gettext_noop("a compressed (RAR) file")),
]


def _what_binary(head: bytes) -> str | None:
    for magic, what in SIGNATURES:
        if head.startswith(magic):
            return what
    start = head.lstrip()[:16].lower()
    if start.startswith((b"<!doctype", b"<html", b"<?xml")):
        return gettext_noop("a web page or an XML file")
    if start.startswith((b"{", b"[")):
        return gettext_noop("a JSON file")
    return None


def _encoding(fileobj, head: bytes) -> str:
    """The codec that reads the whole file: the BOM's, else UTF-8 if every byte decodes, else Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        candidate = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    else:
        candidate = "utf-8"
    decoder = codecs.getincrementaldecoder(candidate)()
    fileobj.seek(0)
    try:
        while chunk := fileobj.read(SCAN_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        # Not UTF-8: exports from older Windows systems are Windows-1252, a superset of Latin-1's letters.
        return "cp1252"
    finally:
        fileobj.seek(0)
    return candidate


def _delimiter(first_line: str) -> str:
    """The separator that occurs most in the header outside quotes (a comma when there is none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def inspect(fileobj) -> Shape:
    """How to read this binary file as CSV; raises NotCSV when it cannot be."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise NotCSV(_("The file is empty."))
    what = _what_binary(head)
    if what:
        raise NotCSV(
            _("This file is %(what)s, not a CSV file. Open it in a spreadsheet and save it as “CSV (comma-separated)”.")
            % {"what": _(what)}
        )
    encoding = _encoding(fileobj, head)
    if encoding != "utf-16" and b"\x00" in head:
        raise NotCSV(_("This file holds binary data, not text: it is not a CSV file."))
    text = head.decode(encoding, errors="replace")
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = _delimiter(first_line)
    wrapper = open_text(fileobj, encoding)
    try:
        header = next(csv.reader(wrapper, delimiter=delimiter), [])
    except csv.Error as error:
        raise NotCSV(_("The first line of the file could not be read as CSV (%(error)s).") % {"error": error}) from None
    finally:
        wrapper.detach()  # else closing the wrapper would close the caller's file
        fileobj.seek(0)
    header = clean_header(header)
    if not header:
        raise NotCSV(_("The file has no header row: the first line should name the columns."))
    return Shape(encoding, delimiter, header, "windows" if b"\r\n" in head else "unix")


def clean_header(header: list[str]) -> list[str]:
    """Column names without BOM or padding; trailing empty names (a trailing comma) dropped; repeats numbered."""
    names = [h.replace("\ufeff", "").strip() for h in header]
    while names and not names[-1]:
        names.pop()
    seen: dict[str, int] = {}
    result = []
    for i, name in enumerate(names):
        name = name or _("column %(number)d") % {"number": i + 1}
        key = normalize(name)
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        result.append(name)
    return result


def open_text(fileobj, encoding: str) -> io.TextIOWrapper:
    """A text view of the binary file; newline="" lets csv handle quoted newlines and CRLF."""
    fileobj.seek(0)
    return io.TextIOWrapper(fileobj, encoding=encoding, errors="replace", newline="")


def rows(fileobj, shape: Shape):
    """A csv.reader over the data rows (header skipped), on the open binary file."""
    reader = csv.reader(open_text(fileobj, shape.encoding), delimiter=shape.delimiter)
    next(reader, None)
    return reader
