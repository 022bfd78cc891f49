"""The delivery packet: the PDF, the CSV and the manifest, written in one pass over the signers.

Constant memory: each PDF page is written when full, CSV rows in blocks, and
the per-signature hashes go to a scratch file until the manifest is
assembled. The cover is written last (it states totals that are only known
once every signer is on paper) but comes first in the page tree, so the
figures it prints are exactly the lines that follow.
"""

import csv
import hashlib
import io
import json
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from signatures import receipts
from signatures.export import FORMULA_CHARS

from .pdf import REPLACEMENT, Font, Writer, number, text_string

FONTS = Path(__file__).resolve().parent / "fonts"
# Subset tags (six capitals and "+") mark fonts that hold part of a family, as PDF asks.
REGULAR = Font(FONTS / "DejaVuSans.ttf", "DJVSNA+DejaVuSans")
BOLD = Font(FONTS / "DejaVuSans-Bold.ttf", "DJVSNB+DejaVuSans-Bold")

# US Letter, in points; 0.75 inch margins.
WIDTH, HEIGHT, MARGIN = 612, 792, 54
HEAD_Y, RULE_Y, COLUMNS_Y, TOP_Y, BOTTOM_Y, FOOT_Y = 756, 748, 732, 714, 54, 34
SIZE, LEAD, SMALL = 9.5, 12.5, 7.5
NUMBER_RIGHT, NAME_X, PLACE_X = MARGIN + 38, MARGIN + 48, 392
NAME_WIDTH, PLACE_WIDTH = PLACE_X - NAME_X - 12, WIDTH - MARGIN - PLACE_X
DIGIT = REGULAR.width("0", SIZE)  # DejaVu's figures are all as wide (tabular)
assert {REGULAR.width(d, SIZE) for d in "0123456789"} == {DIGIT}
CSV_COLUMNS = ["number", "type", "name", "role", "city", "state"]
CSV_BLOCK = 5000


@dataclass
class Front:
    """What the cover says; everything but the totals is known before the signers are read."""

    title: str
    kind: str  # "petition" or "letter"
    target: str
    recipient: str
    date: str
    paragraphs: list[str]
    selection: list[str]  # the filters, in words
    manifest_url: str
    check_url: str
    by_zip: bool = False  # a city's packet counts by ZIP code too


@dataclass
class Result:
    count: int = 0
    organizations: int = 0
    by_state: Counter = field(default_factory=Counter)
    by_zip: Counter = field(default_factory=Counter)
    substituted: int = 0  # names or places printed with U+FFFD somewhere
    pdf_sha256: str = ""
    csv_sha256: str = ""
    manifest_sha256: str = ""
    pages: int = 0


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class Document:
    """Pages of text and rules, written one at a time through a Writer."""

    def __init__(self, out, title: str):
        self.w = Writer(out)
        self.title = title
        self.pages_id = self.w.reserve()
        self.fonts = {"F1": self.w.embed_font(REGULAR), "F2": self.w.embed_font(BOLD)}
        font_dict = " ".join(f"/{k} {v} 0 R" for k, v in self.fonts.items()).encode()
        self.total_id = self.w.reserve()  # "of N" in the footers: its number is only known at the end
        self.font_resources = self.w.obj(b"<< /Font << %s >> >>" % font_dict)
        self.resources = self.w.obj(b"<< /Font << %s >> /XObject << /Total %d 0 R >> >>" % (font_dict, self.total_id))
        self.page_ids = array("L")
        self.ops: list[str] = []

    def text(self, x: float, y: float, glyphs: str, font: str = "F1", size: float = SIZE) -> None:
        self.ops.append(f"BT /{font} {number(size)} Tf 1 0 0 1 {number(x)} {number(y)} Tm <{glyphs}> Tj ET")

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.5) -> None:
        self.ops.append(f"{number(width)} w {number(x1)} {number(y1)} m {number(x2)} {number(y2)} l S")

    def grey(self, level: float) -> None:
        self.ops.append(f"{number(level)} g {number(level)} G")

    def end_page(self) -> int:
        content = self.w.stream(b"", "\n".join(self.ops).encode("ascii"))
        self.ops = []
        return self.w.obj(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources %d 0 R /Contents %d 0 R >>"
            % (self.pages_id, WIDTH, HEIGHT, self.resources, content)
        )

    def finish(self, front_ids: list[int], total_text: str) -> None:
        glyphs = REGULAR.glyphs(total_text)
        self.w.stream(
            b"/Type /XObject /Subtype /Form /BBox [0 -3 200 10] /Resources %d 0 R" % self.font_resources,
            f"BT /F1 {number(SMALL)} Tf 0 0 Td <{glyphs}> Tj ET".encode(),
            num=self.total_id,
        )
        kids = [*front_ids, *self.page_ids]
        self.w.obj(
            b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(kids), " ".join(f"{k} 0 R" for k in kids).encode()),
            num=self.pages_id,
        )
        # Viewers number the cover i, ii... and the signer pages 1, 2... as printed on them.
        labels = b"0 << /S /r >>" + (b" %d << /S /D >>" % len(front_ids) if self.page_ids else b"")
        root = self.w.obj(
            b"<< /Type /Catalog /Pages %d 0 R /PageLabels << /Nums [%s] >> /Lang %s"
            b" /ViewerPreferences << /DisplayDocTitle true >> >>" % (self.pages_id, labels, text_string(get_language() or "en"))
        )
        info = self.w.obj(b"<< /Title %s /Producer (Stop ShotSpotter delivery) >>" % text_string(self.title))
        self.w.finish(root, info)


class SignerPages:
    """The list of signers, a page at a time: running head, column heads, numbered lines, footer."""

    def __init__(self, doc: Document, front: Front):
        self.doc = doc
        self.front = front
        self.y = None  # no page open
        self.page = 0
        head_left = REGULAR.clean(front.title)[0]
        head_right = REGULAR.clean(_("To %(recipient)s, %(date)s") % {"recipient": front.recipient, "date": front.date})[0]
        half = (WIDTH - 2 * MARGIN) / 2 - 6
        self.head_left = REGULAR.glyphs(REGULAR.fit(head_left, SMALL, half))
        head_right = REGULAR.fit(head_right, SMALL, half)
        self.head_right = (WIDTH - MARGIN - REGULAR.width(head_right, SMALL), REGULAR.glyphs(head_right))
        labels = (_("No."), _("Name"), _("City and state"))
        number_label, name_label, place_label = (BOLD.clean(label)[0] for label in labels)
        self.columns = [
            (NUMBER_RIGHT - BOLD.width(number_label, SMALL), BOLD.glyphs(number_label)),
            (NAME_X, BOLD.glyphs(name_label)),
            (PLACE_X, BOLD.glyphs(place_label)),
        ]

    def _open(self) -> None:
        doc = self.doc
        self.page += 1
        doc.grey(0.35)
        doc.text(MARGIN, HEAD_Y, self.head_left, size=SMALL)
        doc.text(self.head_right[0], HEAD_Y, self.head_right[1], size=SMALL)
        doc.line(MARGIN, RULE_Y, WIDTH - MARGIN, RULE_Y)
        for x, glyphs in self.columns:
            doc.text(x, COLUMNS_Y, glyphs, "F2", SMALL)
        page_text = REGULAR.clean(_("Page %(page)s of") % {"page": intcomma(self.page)} + " ")[0]
        doc.text(MARGIN, FOOT_Y, REGULAR.glyphs(page_text), size=SMALL)
        doc.ops.append(f"q 1 0 0 1 {number(MARGIN + REGULAR.width(page_text, SMALL))} {FOOT_Y} cm /Total Do Q")
        doc.grey(0)
        self.y = TOP_Y

    def close(self) -> None:
        if self.y is not None:
            self.doc.page_ids.append(self.doc.end_page())
            self.y = None

    def room(self, lines: int) -> None:
        """Start a new page unless `lines` more lines fit on this one."""
        if self.y is None or self.y - (lines - 1) * LEAD < BOTTOM_Y:
            self.close()
            self._open()

    def heading(self, text: str) -> None:
        self.room(3)  # a heading is never the last line of a page
        if self.y != TOP_Y:
            self.y -= LEAD / 2
        line = BOLD.fit(BOLD.clean(text)[0], SIZE + 1, NAME_WIDTH + PLACE_WIDTH)
        self.doc.text(NAME_X, self.y, BOLD.glyphs(line), "F2", SIZE + 1)
        self.y -= LEAD * 1.5

    def signer(self, position: int, name: list[str], role: list[str], place: list[str]) -> None:
        """One numbered entry; name, role and place are lines of glyph ids. One text object per entry."""
        lines = max(len(name) + len(role), len(place))
        self.room(lines)
        y = self.y
        digits = str(position)
        parts = [
            f"BT /F1 {SIZE} Tf 1 0 0 1 {NUMBER_RIGHT - DIGIT * len(digits):.2f} {y:g} Tm <{REGULAR.glyphs(digits)}> Tj"
            f" 1 0 0 1 {NAME_X} {y:g} Tm <{name[0]}> Tj"
        ]
        if place[0]:
            parts.append(f"1 0 0 1 {PLACE_X} {y:g} Tm <{place[0]}> Tj")
        for i, glyphs in enumerate(name[1:], start=1):
            parts.append(f"1 0 0 1 {NAME_X} {y - i * LEAD:g} Tm <{glyphs}> Tj")
        for i, glyphs in enumerate(place[1:], start=1):
            parts.append(f"1 0 0 1 {PLACE_X} {y - i * LEAD:g} Tm <{glyphs}> Tj")
        if role:
            parts.append(f"/F1 {SIZE - 1.5} Tf")
            for i, glyphs in enumerate(role, start=len(name)):
                parts.append(f"1 0 0 1 {NAME_X} {y - i * LEAD:g} Tm <{glyphs}> Tj")
        parts.append("ET")
        self.doc.ops.append(" ".join(parts))
        self.y = y - lines * LEAD


class Cover:
    """The front pages: the campaign, the delivery, the totals and the text. Flowing text, a page at a time."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.ids: list[int] = []
        self.y = None

    def _new_page(self) -> None:
        if self.y is not None:
            self.ids.append(self.doc.end_page())
        self.y = HEIGHT - MARGIN

    def paragraph(self, text: str, font: Font = REGULAR, size: float = 10.5, lead: float = 14, after: float = 6,
                  x: float = MARGIN, width: float = WIDTH - 2 * MARGIN, grey: float = 0) -> None:  # fmt: skip
        name = "F2" if font is BOLD else "F1"
        if grey:
            self.doc.grey(grey)
        for line in font.wrap(font.clean(text)[0], size, width):
            if self.y is None or self.y - lead < BOTTOM_Y:
                self._new_page()
            self.y -= lead
            self.doc.text(x, self.y, font.glyphs(line), name, size)
        if grey:
            self.doc.grey(0)
        self.y -= after

    def table(self, title: str, rows: list[tuple[str, int]], columns: int = 3) -> None:
        """Label and count pairs in columns, down then across, continued on the next page if long."""
        if not rows:
            return
        self.paragraph(title, BOLD, 12, 16, 4)
        col_width = (WIDTH - 2 * MARGIN) / columns
        while rows:
            if self.y is None or self.y - 3 * LEAD < BOTTOM_Y:
                self._new_page()
            per_column = int((self.y - BOTTOM_Y) // LEAD)
            chunk, rows = rows[: per_column * columns], rows[per_column * columns :]
            used = min(per_column, -(-len(chunk) // columns))
            for i, (label, count) in enumerate(chunk):
                col, line = divmod(i, used)
                x, y = MARGIN + col * col_width, self.y - (line + 1) * LEAD
                label = REGULAR.fit(REGULAR.clean(label)[0], SIZE, col_width - 60)
                figure = intcomma(count)
                self.doc.text(x, y, REGULAR.glyphs(label))
                self.doc.text(x + col_width - 14 - REGULAR.width(figure, SIZE), y, REGULAR.glyphs(figure))
            self.y -= used * LEAD + 8

    def finish(self) -> list[int]:
        self._new_page()
        return self.ids


def _write_cover(doc: Document, front: Front, result: Result, state_names: dict) -> list[int]:
    cover = Cover(doc)
    kind = _("Open letter") if front.kind == "letter" else _("Petition")
    cover.paragraph(kind.upper(), BOLD, 9, 12, 4, grey=0.35)
    cover.paragraph(front.title, BOLD, 20, 25, 8)
    cover.paragraph(_("To: %(target)s") % {"target": front.target}, size=11.5, lead=15, after=2)
    cover.paragraph(
        _("Delivered to %(recipient)s on %(date)s") % {"recipient": front.recipient, "date": front.date},
        size=11.5, lead=15, after=14,
    )  # fmt: skip
    total = ngettext("%(count)s verified signature", "%(count)s verified signatures", result.count) % {
        "count": intcomma(result.count)
    }
    cover.paragraph(total, BOLD, 16, 20, 2)
    if result.organizations:
        cover.paragraph(
            ngettext("including %(count)s organization, listed first", "including %(count)s organizations, listed first",
                     result.organizations) % {"count": intcomma(result.organizations)},
            size=10.5, after=2,
        )  # fmt: skip
    for line in front.selection:
        cover.paragraph(line, size=10.5, after=2)
    cover.y -= 8
    cover.paragraph(
        _("Each person confirmed their signature from their own email address, and each counts once. Names are "
          "listed in the order people signed, with the city and state they gave. Email addresses are never handed "
          "on. Anyone who withdrew before this date is not included."),
        size=9.5, lead=12.5, after=4, grey=0.2,
    )  # fmt: skip
    cover.paragraph(
        _("To verify: the manifest at %(url)s gives the SHA-256 of this PDF and of its CSV, and one hash per "
          "signature. Each signer can check their own at %(check)s with the receipt code from their confirmation "
          "email.") % {"url": front.manifest_url, "check": front.check_url},
        size=9.5, lead=12.5, after=4, grey=0.2,
    )  # fmt: skip
    if result.substituted:
        cover.paragraph(
            _("Characters the print font does not have (emoji, some scripts) are shown as %(mark)s; the CSV gives "
              "every name exactly as signed.") % {"mark": REPLACEMENT},
            size=9.5, lead=12.5, after=4, grey=0.2,
        )  # fmt: skip
    cover.y -= 10
    states = sorted(result.by_state.items(), key=lambda kv: (-kv[1], kv[0]))
    cover.table(_("Signatures by state"), [(str(state_names.get(s, s or _("Not given"))), n) for s, n in states])
    if front.by_zip:
        zips = sorted(result.by_zip.items())
        cover.table(_("Signatures by ZIP code"), [(z or _("Not given"), n) for z, n in zips], columns=4)
    if front.paragraphs:
        cover.y -= 6
        cover.paragraph(_("The text"), BOLD, 12, 16, 4)
        for text in front.paragraphs:
            cover.paragraph(text, size=10.5, lead=14.5, after=7)
    return cover.finish()


def build(rows, front: Front, directory: Path, stem: str, manifest_head: dict, state_names: dict) -> Result:
    """Write <stem>.pdf, <stem>.csv and <stem>.json into `directory` from `rows`.

    `rows` yields (pk, kind, name, role, city, us_state, zip_code) in the order
    to print, organizations first. ZIP codes are only counted, never printed.
    """
    result = Result()
    pdf_path, csv_path, manifest_path = (directory / f"{stem}.{ext}" for ext in ("pdf", "csv", "json"))
    with (
        open(pdf_path, "wb") as pdf_file,
        open(csv_path, "w", newline="", encoding="utf-8") as csv_file,
        tempfile.TemporaryFile("w+", dir=directory, encoding="ascii") as hashes,
    ):
        doc = Document(pdf_file, front.title)
        pages = SignerPages(doc, front)
        writer = csv.writer(csv_file)
        writer.writerow(CSV_COLUMNS)
        block = []
        digest = receipts.digester()
        clean, wrap, glyphs = REGULAR.clean, REGULAR.wrap, REGULAR.glyphs
        formula = FORMULA_CHARS
        by_state, by_zip, count_zip = result.by_state, result.by_zip, front.by_zip
        places = {}  # place -> (lines of glyphs, substituted): a few thousand places serve a million signers
        previous_kind = None
        position = 0
        for pk, kind, name, role, city, us_state, zip_code in rows:
            position += 1
            if kind != previous_kind and (kind == "organization" or previous_kind == "organization"):
                pages.heading(_("Organizations") if kind == "organization" else _("Individuals"))
            previous_kind = kind
            place = f"{city}, {us_state}" if city and us_state else city or us_state
            if place in places:
                place_lines, place_changed = places[place]
            else:
                if len(places) > 100_000:
                    places.clear()
                text, place_changed = clean(place)
                place_lines = [glyphs(line) for line in wrap(text, SIZE, PLACE_WIDTH)]
                places[place] = place_lines, place_changed
            name_text, changed = clean(name)
            if role:
                role_text, role_changed = clean(role)
                role_lines = [glyphs(line) for line in wrap(role_text, SIZE - 1.5, NAME_WIDTH)]
            else:
                role_lines, role_changed = [], False
            result.substituted += changed or place_changed or role_changed
            pages.signer(position, [glyphs(line) for line in wrap(name_text, SIZE, NAME_WIDTH)], role_lines, place_lines)
            block.append([
                position, kind,
                name if not name or name[0] not in formula else "'" + name,
                role if not role or role[0] not in formula else "'" + role,
                city if not city or city[0] not in formula else "'" + city,
                us_state if not us_state or us_state[0] not in formula else "'" + us_state,
            ])  # fmt: skip
            if len(block) == CSV_BLOCK:
                writer.writerows(block)
                block = []
            hashes.write(digest(pk) + "\n")
            by_state[us_state] += 1
            if count_zip and zip_code:
                by_zip[zip_code] += 1
            result.organizations += kind == "organization"
        writer.writerows(block)
        pages.close()
        result.count = position
        result.pages = len(doc.page_ids)
        front_ids = _write_cover(doc, front, result, state_names)
        doc.finish(front_ids, intcomma(result.pages))
        pdf_file.flush()
        csv_file.flush()
        result.pdf_sha256 = sha256_of(pdf_path)
        result.csv_sha256 = sha256_of(csv_path)
        hashes.seek(0)
        _write_manifest(manifest_path, manifest_head, result, hashes, pdf_path, csv_path)
    result.manifest_sha256 = sha256_of(manifest_path)
    return result


def _write_manifest(path: Path, head: dict, result: Result, hashes, pdf_path: Path, csv_path: Path) -> None:
    """The public manifest: totals and file hashes first, then one hash per signature, in packet order."""
    summary = {
        **head,
        "count": result.count,
        "organizations": result.organizations,
        "count_by_state": dict(sorted(result.by_state.items())),
        "files": {
            "pdf": {"name": pdf_path.name, "bytes": pdf_path.stat().st_size, "sha256": result.pdf_sha256},
            "csv": {"name": csv_path.name, "bytes": csv_path.stat().st_size, "sha256": result.csv_sha256},
        },
        "signature_hashes_are": receipts.DIGEST_EXPLAINED,
    }
    text = json.dumps(summary, indent=1, ensure_ascii=False)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text[: text.rindex("}")].rstrip() + ',\n "signature_hashes": [')
        first = True
        buffer = io.StringIO()
        for line in hashes:
            buffer.write(f'\n  "{line.rstrip()}"' if first else f',\n  "{line.rstrip()}"')
            first = False
            if buffer.tell() > 1 << 16:
                out.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        out.write(buffer.getvalue())
        out.write("\n ]\n}\n")
