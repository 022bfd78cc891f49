"""A small PDF writer that streams: each page goes to the file as soon as it is full.

Why our own (bench/results/*-delivery-*.md has the figures): ReportLab and fpdf2
keep every page in memory until the document is saved; ReportLab needed 317 MB
and fpdf2 would need minutes for a million signers. A signer list is one font,
lines of text and a few rules, so the part of PDF we need is small: objects
written in order with their byte offsets, an embedded TrueType font addressed
by glyph id (Identity-H) with a ToUnicode map so the text can be searched and
extracted, and a page tree written last. Memory stays constant but for one
integer per page.

Text reaches the file only as hexadecimal glyph ids (<0041...>) and
metadata only as hexadecimal UTF-16, never as a literal string: a name
cannot close a string or inject an operator.
"""

import hashlib
import unicodedata
import zlib
from array import array
from functools import cached_property
from pathlib import Path

from fontTools.ttLib import TTFont

REPLACEMENT = "\ufffd"  # printed in place of a character the font lacks
# Invisible characters that would print as nothing or as a box: controls, format
# characters (bidi overrides, zero-width joiners) and variation selectors.
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class Font:
    """A TrueType font: metrics for layout, and the objects that embed it."""

    def __init__(self, path: Path, name: str):
        self.path = Path(path)
        self.name = name
        font = TTFont(str(path))
        scale = 1000 / font["head"].unitsPerEm
        order = font.getGlyphOrder()
        gid = {glyph: i for i, glyph in enumerate(order)}
        cmap = font.getBestCmap()
        hmtx = font["hmtx"].metrics
        self.widths_by_gid = [round(hmtx[glyph][0] * scale) for glyph in order]
        # str.translate tables: character -> glyph id as four hex digits, and -> width.
        self.hex = {code: f"{gid[glyph]:04X}" for code, glyph in cmap.items()}
        self.width_of = {chr(code): hmtx[glyph][0] * scale / 1000 for code, glyph in cmap.items()}
        self.unicode_of = {}
        for code, glyph in sorted(cmap.items(), reverse=True):  # the lowest code point wins
            self.unicode_of[gid[glyph]] = code
        self.covers = frozenset(chr(code) for code in cmap)
        self.printable = frozenset(
            ch for ch in self.covers if unicodedata.category(ch) not in _DROP_CATEGORIES and not "\ufe00" <= ch <= "\ufe0f"
        )
        self.ascent = round(font["hhea"].ascent * scale)
        self.descent = round(font["hhea"].descent * scale)
        self.cap_height = round(getattr(font["OS/2"], "sCapHeight", 0) * scale) or self.ascent
        head = font["head"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]

    def clean(self, text: str) -> tuple[str, bool]:
        """The text as it can be printed, and whether anything had to be substituted.

        Composed (NFC) so accents the font has as one glyph use it; invisible
        characters dropped; each run of characters the font lacks (emoji,
        scripts it does not cover) becomes one U+FFFD.
        """
        if text.isascii() and text.isprintable():
            return text, False
        text = unicodedata.normalize("NFC", text)
        if self.printable.issuperset(text):
            return text, False
        out, substituted, missing = [], False, False
        for ch in text:
            if ch in self.printable:
                out.append(ch)
                missing = False
            elif unicodedata.category(ch) in _DROP_CATEGORIES or "\ufe00" <= ch <= "\ufe0f":
                continue
            else:
                substituted = True
                if not missing:
                    out.append(REPLACEMENT)
                missing = True
        return "".join(out), substituted

    def width(self, text: str, size: float) -> float:
        """Width in points of clean text."""
        return sum(map(self.width_of.__getitem__, text)) * size

    def glyphs(self, text: str) -> str:
        """Clean text as the hex string a Tj operator takes."""
        return text.translate(self.hex)

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Clean text broken into lines no wider than `width`: at spaces, or inside a word too long for a line."""
        if self.width(text, size) <= width:
            return [text]
        lines, line = [], ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if self.width(candidate, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:
                if line and self.width(line + ch, size) > width:
                    lines.append(line)
                    line = ""
                line += ch
        if line:
            lines.append(line)
        return lines or [""]

    def fit(self, text: str, size: float, width: float) -> str:
        """Clean text cut with an ellipsis to fit one line (running heads)."""
        if self.width(text, size) <= width:
            return text
        while text and self.width(text + "…", size) > width:
            text = text[:-1]
        return text.rstrip() + "…"

    @cached_property
    def to_unicode_cmap(self) -> bytes:
        lines = [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        ]
        pairs = sorted(self.unicode_of.items())
        for i in range(0, len(pairs), 100):  # at most 100 entries per block
            block = pairs[i : i + 100]
            lines.append(f"{len(block)} beginbfchar")
            lines.extend(f"<{g:04X}> <{_utf16_hex(chr(u))}>" for g, u in block)
            lines.append("endbfchar")
        lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
        return "\n".join(lines).encode()


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def text_string(text: str) -> bytes:
    """A PDF text string (metadata): UTF-16 with its byte-order mark, in hex."""
    return b"<FEFF" + _utf16_hex(text).encode() + b">"


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


class Writer:
    """Writes numbered objects to a binary file in order, and the cross-reference table at the end.

    The SHA-256 of everything written is kept as it goes, so the caller has
    the file's hash without reading it back.
    """

    def __init__(self, out):
        self.out = out
        self.position = 0
        self.sha256 = hashlib.sha256()
        self.offsets = array("Q", [0])  # object number -> byte offset; 0 is the free head
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.sha256.update(data)
        self.position += len(data)

    def reserve(self) -> int:
        """A number for an object written later (pages name their parent before it exists)."""
        self.offsets.append(0)
        return len(self.offsets) - 1

    def obj(self, body: bytes, num: int | None = None) -> int:
        num = num or self.reserve()
        self.offsets[num] = self.position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (num, body))
        return num

    def stream(self, entries: bytes, data: bytes, num: int | None = None, compress: bool = True) -> int:
        if compress:
            data = zlib.compress(data, 6)
            entries += b" /Filter /FlateDecode"
        num = num or self.reserve()
        self.offsets[num] = self.position
        self._write(b"%d 0 obj\n<< %s /Length %d >>\nstream\n" % (num, entries, len(data)))
        self._write(data)
        self._write(b"\nendstream\nendobj\n")
        return num

    def embed_font(self, font: Font) -> int:
        """The Type 0 font dictionary (and its parts) for text set by glyph id; returns its number."""
        data = font.path.read_bytes()
        file_ = self.stream(b"/Length1 %d" % len(data), data)
        descriptor = self.obj(
            b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%s] /ItalicAngle 0 /Ascent %d /Descent %d"
            b" /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>"
            % (font.name.encode(), " ".join(map(str, font.bbox)).encode(), font.ascent, font.descent,
               font.cap_height, file_)
        )  # fmt: skip
        widths = " ".join(map(str, font.widths_by_gid)).encode()
        cid_font = self.obj(
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering"
            b" (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /W [0 [%s]] /CIDToGIDMap /Identity >>"
            % (font.name.encode(), descriptor, widths)
        )
        to_unicode = self.stream(b"", font.to_unicode_cmap)
        return self.obj(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R]"
            b" /ToUnicode %d 0 R >>" % (font.name.encode(), cid_font, to_unicode)
        )

    def finish(self, root: int, info: int) -> None:
        """The cross-reference table and trailer: written once, after every object."""
        xref = self.position
        count = len(self.offsets)
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % count)
        for start in range(1, count, 4096):
            self._write(b"".join(b"%010d 00000 n \n" % offset for offset in self.offsets[start : start + 4096]))
        file_id = self.sha256.hexdigest()[:32].encode()
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (count, root, info, file_id, file_id, xref)
        )
