"""Chart geometry for the fact sheet: bars and the density squares, as numbers the templates draw in SVG.

No script and no chart library: each chart is a few rectangles with a title
and a description, and every chart has a table of the same numbers beside it.
"""

import math

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from local_actions.usmap import CHOROPLETH_COLOURS, class_of, nice_step

BAR = "#7a1f2b"  # the site's accent red: 9.6:1 on the page
BAR_PARTIAL = "#c9919a"  # a year the data covers only in part (3:1 against the page)


def fmt(value) -> str:
    return number_format(value, force_grouping=True)


def _ticks(top: int, height: float, bottom: float) -> tuple[float, list[dict]]:
    step = max(1, math.ceil(nice_step(top / 4))) if top else 1
    ceiling = step * max(1, math.ceil(top / step))
    ticks = [{"y": round(bottom - height * v / ceiling, 1), "text": fmt(v)} for v in range(0, ceiling + 1, step)]
    return ceiling, ticks


def columns(items: list[dict], *, label, value="count", every=None, partial=None, width=480, height=220) -> dict:
    """Vertical bars, one per item, with y ticks and x labels (label(item) or "" for no label)."""
    left, right, top, bottom_margin = 48, 6, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom_margin
    bottom = top + plot_h
    peak = max((item[value] for item in items), default=0)
    ceiling, ticks = _ticks(peak, plot_h, bottom)
    band = plot_w / max(1, len(items))
    gap = band * 0.2 if band >= 4 else 0
    bars, labels = [], []
    for i, item in enumerate(items):
        h = plot_h * item[value] / ceiling if ceiling else 0
        x = left + i * band
        bars.append(
            {
                "x": round(x + gap / 2, 2),
                "y": round(bottom - h, 2),
                "w": round(max(band - gap, 0.6), 2),
                "h": round(h, 2),
                "fill": BAR_PARTIAL if partial and partial(item) else BAR,
            }
        )
        text = label(item) if every is None or i % every == 0 else ""
        if text:
            labels.append({"x": round(x + band / 2, 2), "text": text})
    # Built here rather than in a template loop: a month chart has a hundred bars, and this is 20 times faster.
    body = ['<g class="axis" font-size="11" fill="#4a4a55">']
    for tick in ticks:
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{tick["y"]}" y2="{tick["y"]}" stroke="#d8d2c4" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{tick["y"]}" dy="4" text-anchor="end">{escape(tick["text"])}</text>'
        )
    body.append("</g><g>")
    body.extend(f'<rect x="{b["x"]}" y="{b["y"]}" width="{b["w"]}" height="{b["h"]}" fill="{b["fill"]}"/>' for b in bars)
    body.append(f'</g><line x1="{left}" x2="{width - right}" y1="{bottom}" y2="{bottom}" stroke="#1b1b1f" stroke-width="1"/>')
    body.append('<g font-size="11" fill="#1b1b1f" text-anchor="middle">')
    body.extend(f'<text x="{label["x"]}" y="{bottom + 16}">{escape(label["text"])}</text>' for label in labels)
    body.append("</g>")
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "labels": labels, "body": mark_safe("".join(body))}  # noqa: S308 -- numbers and escaped text


def rows(items: list[dict], *, label, value="count", width=480) -> dict:
    """Horizontal bars (the most-alerted areas), labels on the left, numbers at the bars' ends."""
    left, right, row_h, top = 110, 60, 22, 4
    plot_w = width - left - right
    peak = max((item[value] for item in items), default=0) or 1
    bars = []
    for i, item in enumerate(items):
        w = plot_w * item[value] / peak
        y = top + i * row_h
        bars.append(
            {
                "y": y + 3,
                "w": round(max(w, 0.6), 2),
                "h": row_h - 6,
                "label": label(item)[:18],
                "label_y": y + row_h / 2 + 4,
                "value": fmt(item[value]),
                "value_x": round(left + w + 4, 2),
            }
        )
    body = ['<g font-size="11" fill="#1b1b1f">']
    for b in bars:
        body.append(
            f'<text x="{left - 6}" y="{b["label_y"]}" text-anchor="end">{escape(b["label"])}</text>'
            f'<rect x="{left}" y="{b["y"]}" width="{b["w"]}" height="{b["h"]}" fill="{BAR}"/>'
            f'<text x="{b["value_x"]}" y="{b["label_y"]}">{escape(b["value"])}</text>'
        )
    body.append("</g>")
    height = top * 2 + row_h * len(items)
    return {"width": width, "height": height, "bars": bars, "body": mark_safe("".join(body))}  # noqa: S308 -- numbers and escaped text


def _round_down(value: int) -> int:
    """Two significant digits, rounded down: 8,709 -> 8,700; 47 -> 47."""
    if value < 100:
        return value
    scale = 10 ** (len(str(value)) - 2)
    return value // scale * scale


def density_breaks(counts: list[int]) -> list[int]:
    """Lower bounds of the colour classes at the median, upper quartile, top tenth and top 3% of squares.

    Alerts pile up in a few squares; equal steps would paint nearly every square the lightest colour.
    """
    values = sorted(counts)
    breaks = [1]
    for share in (0.5, 0.75, 0.9, 0.97):
        bound = _round_down(values[min(len(values) - 1, int(share * len(values)))]) if values else 0
        if bound > breaks[-1]:
            breaks.append(bound)
    return breaks


def class_colours(classes: int) -> list[str]:
    """As many colours of the choropleth's scale, spread from lightest to darkest."""
    if classes == 1:
        return [CHOROPLETH_COLOURS[2]]
    last = len(CHOROPLETH_COLOURS) - 1
    return [CHOROPLETH_COLOURS[round(i * last / (classes - 1))] for i in range(classes)]


def density(map_figures: dict, max_width: int = 480) -> dict:
    """The density squares: position, colour class and label of each; the legend; the busiest squares."""
    rows_n, cols_n = map_figures["rows"], map_figures["cols"]
    px = max(4.0, min(24.0, max_width / cols_n))
    counts = [n for _r, _c, n in map_figures["squares"]]
    breaks = density_breaks(counts)
    colours = class_colours(len(breaks))
    squares = []
    for row, col, n in map_figures["squares"]:
        index = class_of(n, breaks)
        x, y, fill = col * px, (rows_n - 1 - row) * px, colours[index]
        squares.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{px:.2f}" height="{px:.2f}" fill="{fill}"/>')
    legend = []
    for i, low in enumerate(breaks):
        high = breaks[i + 1] - 1 if i + 1 < len(breaks) else None
        text = (
            _("%(low)s or more") % {"low": fmt(low)}
            if high is None
            else _("%(low)s to %(high)s") % {"low": fmt(max(low, 1)), "high": fmt(high)}
        )
        legend.append({"colour": colours[i], "text": text})
    south, west, dlat, dlon = map_figures["south"], map_figures["west"], map_figures["dlat"], map_figures["dlon"]
    busiest = sorted(map_figures["squares"], key=lambda s: -s[2])[:10]
    table = [
        {
            "lat": f"{south + (row + 0.5) * dlat:.3f}",
            "lon": f"{west + (col + 0.5) * dlon:.3f}",
            "count": fmt(n),
        }
        for row, col, n in busiest
    ]
    scale_cells = max(1, round(2 / map_figures["km"])) if map_figures["km"] < 2 else 1
    return {
        "width": round(cols_n * px, 2),
        "height": round(rows_n * px, 2) + 24,
        "map_height": round(rows_n * px, 2),
        "px": round(px, 2),
        "squares": mark_safe("".join(squares)),  # noqa: S308 -- numbers and our colours only
        "count": len(squares),
        "legend": legend,
        "busiest": table,
        "scale_w": round(scale_cells * px, 2),
        "scale_y": round(rows_n * px, 2) + 10,
        "scale_text_x": round(scale_cells * px, 2) + 10,
        "scale_text_y": round(rows_n * px, 2) + 16,
        "scale_km": fmt(scale_cells * map_figures["km"]),
        "peak": fmt(max(counts, default=0)),
    }
