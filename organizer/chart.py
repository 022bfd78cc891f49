"""A bar chart as SVG markup, drawn on the server: no script, no third party, counts only."""

from django.template.loader import render_to_string
from django.utils.formats import date_format

WIDTH, HEIGHT, TOP, BOTTOM = 600, 140, 14, 20


def bars(points: list[tuple], *, title: str) -> str:
    """points: [(date, count), ...] oldest first. Returns the <svg> (with a table for screen readers)."""
    peak = max((n for _d, n in points), default=0) or 1
    step = WIDTH / max(len(points), 1)
    usable = HEIGHT - TOP - BOTTOM
    drawn = []
    for i, (day, n) in enumerate(points):
        h = round(usable * n / peak, 1)
        drawn.append({
            "x": round(i * step + 1, 1), "y": round(TOP + usable - h, 1), "w": round(max(step - 2, 1), 1), "h": h,
            "label": f"{date_format(day, 'SHORT_DATE_FORMAT')}: {n}", "n": n, "day": day,
        })  # fmt: skip
    return render_to_string("admin/organizer/chart.svg.html", {
        "bars": drawn, "title": title, "width": WIDTH, "height": HEIGHT, "peak": peak, "baseline": HEIGHT - BOTTOM,
        "first": points[0][0] if points else None, "last": points[-1][0] if points else None, "text_y": HEIGHT - 5,
        "total": sum(n for _d, n in points),
    })  # fmt: skip
