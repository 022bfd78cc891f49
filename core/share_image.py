"""Share images: the 1200x630 PNG a social site shows for a shared link (og:image).

Each app says what goes on its pages' images (a title, a key figure, a line
under it); this module draws them on our server with Pillow, with our mark and
the site's name, and keeps the bytes in the cache keyed by what is drawn. A
picture changes only when its words change: a campaign's figure is the last
milestone passed ("1,000+ signed"), not the live count, so an image is drawn
again when the count crosses a milestone, not on every signature. The URL
carries a short hash of the words (`?v=`), so a social site that cached the old
picture fetches the new one, and the response can be cached for a day.

The fonts are files on disk (settings.SHARE_IMAGE_FONTS, DejaVu Sans by
default, shipped for the delivery PDF); without them Pillow's bundled font is
used. Nothing is fetched from the network.
"""

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import quote_etag

WIDTH, HEIGHT = 1200, 630
# The colour tokens of core/static/css/site.css.
ACCENT = (122, 31, 43)  # --accent #7a1f2b
INK = (27, 27, 31)  # --ink #1b1b1f
PAPER = (253, 252, 249)  # --paper #fdfcf9
FOCUS = (245, 183, 0)  # --focus #f5b700
ON_ACCENT_MUTED = (244, 226, 228)  # pale rose on the accent: 9:1
CACHE_SECONDS = 7 * 24 * 3600
HTTP_MAX_AGE = 24 * 3600
VERSION = "1"  # bump when the drawing changes, so cached images are drawn again


@dataclass(frozen=True)
class ShareCard:
    title: str
    figure: str = ""  # a number or short key figure, drawn large ("1,000+")
    figure_label: str = ""  # what it counts ("people have signed")
    kicker: str = ""  # a small line above the title ("Petition", "Boston, MA")
    site_name: str = ""

    @property
    def digest(self) -> str:
        parts = (VERSION, self.title, self.figure, self.figure_label, self.kicker, self.site_name)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


@lru_cache(maxsize=32)
def _font(size: int, bold: bool):
    from PIL import ImageFont

    path = settings.SHARE_IMAGE_FONTS.get("bold" if bold else "regular")
    if path:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap; the last line ends in an ellipsis when the text does not fit."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == max_lines:
            break
    if line and len(lines) < max_lines:
        lines.append(line)
    consumed = sum(len(entry.split()) for entry in lines)
    if consumed < len(words) and lines:
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _fit(draw, text: str, width: int, sizes, max_lines: int):
    """The largest size in `sizes` at which `text` fits in `max_lines` lines."""
    for size in sizes:
        font = _font(size, True)
        lines = _wrap(draw, text, font, width, max_lines)
        if " ".join(lines) == " ".join(text.split()):
            return font, lines
    return font, lines


def draw_mark(draw, x: int, y: int, size: int) -> None:
    """Our mark (core/static/img/mark.svg): a listening sensor's waves, struck through."""
    s = size / 48
    draw.rounded_rectangle((x, y, x + size, y + size), radius=int(9 * s), fill=PAPER)
    cx, cy = x + 14 * s, y + 34 * s
    draw.ellipse((cx - 3.5 * s, cy - 3.5 * s, cx + 3.5 * s, cy + 3.5 * s), fill=ACCENT)
    for radius in (11, 19):
        r = radius * s
        draw.arc((cx - r, cy - r, cx + r, cy + r), start=270, end=360, fill=ACCENT, width=max(2, int(4 * s)))
    draw.line((x + 10 * s, y + 10 * s, x + 38 * s, y + 38 * s), fill=PAPER, width=max(4, int(10 * s)))
    draw.line((x + 10 * s, y + 10 * s, x + 38 * s, y + 38 * s), fill=ACCENT, width=max(2, int(5 * s)))


def render(card: ShareCard) -> bytes:
    """The PNG of one card: the accent background, kicker, title, figure, and our wordmark at the foot."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), ACCENT)
    draw = ImageDraw.Draw(image)
    margin, inner = 72, WIDTH - 2 * 72
    draw.rectangle((0, 0, WIDTH, 14), fill=FOCUS)

    y = 64
    if card.kicker:
        kicker_font = _font(30, True)
        draw.text((margin, y), card.kicker.upper(), font=kicker_font, fill=ON_ACCENT_MUTED)
        y += 54

    title_font, lines = _fit(draw, card.title, inner, (68, 60, 54, 48, 42), 3 if card.figure else 4)
    line_height = int(title_font.size * 1.18)
    for line in lines:
        draw.text((margin, y), line, font=title_font, fill=PAPER)
        y += line_height

    if card.figure:
        y += 24
        figure_font = _font(104, True)
        draw.text((margin, y), card.figure, font=figure_font, fill=FOCUS)
        figure_width = draw.textlength(card.figure, font=figure_font)
        if card.figure_label:
            label_font = _font(38, False)
            label_x = margin + figure_width + 24
            if label_x + draw.textlength(card.figure_label, font=label_font) <= WIDTH - margin:
                draw.text((label_x, y + 52), card.figure_label, font=label_font, fill=PAPER)
            else:
                draw.text((margin, y + 118), card.figure_label, font=label_font, fill=PAPER)

    # The foot: the wordmark (mark + site name) on a dark band.
    band = HEIGHT - 110
    draw.rectangle((0, band, WIDTH, HEIGHT), fill=INK)
    draw_mark(draw, margin, band + 27, 56)
    name_font = _font(40, True)
    draw.text((margin + 80, band + 33), card.site_name or "", font=name_font, fill=PAPER)

    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def png(card: ShareCard) -> bytes:
    """The card's PNG, from the cache when these exact words were drawn before."""
    key = f"share-image:{card.digest}"
    data = cache.get(key)
    if data is None:
        data = render(card)
        cache.set(key, data, CACHE_SECONDS)
    return data


def response(request, card: ShareCard) -> HttpResponse:
    """The PNG with cache headers: public for a day (the URL changes with the words), with an ETag."""
    etag = quote_etag(card.digest)
    if etag in request.headers.get("If-None-Match", ""):
        reply = HttpResponseNotModified()
    else:
        reply = HttpResponse(png(card), content_type="image/png")
    reply["ETag"] = etag
    patch_cache_control(reply, public=True, max_age=HTTP_MAX_AGE)
    return reply


def url(path: str, card: ShareCard) -> str:
    """The absolute address of a card's image, with the version that changes when its words do."""
    return f"{settings.SITE_URL}{path}?v={card.digest}"
