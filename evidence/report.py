"""The import report, in words an organizer understands (the admin and `import_alerts` print the same)."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import dates, importer


def describe(tally, **context) -> dict:
    """The report as plain data (stored with the import and the dataset)."""
    return {
        **context,
        "rows": tally.rows,
        "kept": tally.kept,
        "duplicates": tally.duplicates,
        "duplicate_examples": tally.duplicate_examples,
        "skipped": {reason: {"count": n, "examples": tally.examples.get(reason, [])} for reason, n in tally.skipped.items()},
        "no_time": tally.no_time,
        "no_location": tally.no_location,
        "first": tally.first.isoformat() if tally.first else None,
        "last": tally.last.isoformat() if tally.last else None,
        "seconds": getattr(tally, "seconds", None),
    }


def reason_sentence(reason: str, report: dict | None = None) -> str:
    radius = (report or {}).get("radius_km") or 40
    return {
        importer.BLANK: _("the row is empty"),
        importer.EXTRA_CELLS: _("the row has more cells than the header has columns (a separator inside a value without quotes?)"),
        dates.NO_DATE: _("the date is empty"),
        dates.BAD_DATE: _("the date could not be read"),
        dates.DATE_RANGE: _("the date is before 1990 or in the future"),
        importer.BAD_COORDINATES: _("the coordinates are not a latitude and a longitude"),
        importer.OUTSIDE_CITY: _("the alert is more than %(km)s km from the centre of the city") % {"km": radius},
        importer.OTHER_STATE: _("the ZIP code is in another state"),
    }.get(reason, reason)


def _n(number: int) -> str:
    return f"{number:,}"


def _day(iso: str | None) -> str:
    return date_format(date.fromisoformat(iso), "DATE_FORMAT") if iso else ""


def lines(report: dict) -> list[str]:
    """The report as sentences, one per line."""
    out = []
    how = []
    if report.get("encoding"):
        how.append(report["encoding"])
    if report.get("delimiter"):
        how.append(_("separated by %(what)s") % {"what": report["delimiter"]})
    if report.get("line_endings") == "windows":
        how.append(_("Windows line endings"))
    read = ngettext("Read %(n)s row", "Read %(n)s rows", report["rows"]) % {"n": _n(report["rows"])}
    if report.get("file"):
        read += " " + _("of “%(file)s”") % {"file": report["file"]}
    out.append(read + (f" ({', '.join(how)})." if how else "."))
    kept = ngettext("Kept %(n)s alert", "Kept %(n)s alerts", report["kept"]) % {"n": _n(report["kept"])}
    if report.get("first"):
        kept += ", " + _("dated %(first)s to %(last)s") % {"first": _day(report["first"]), "last": _day(report["last"])}
    out.append(kept + ".")
    if report["duplicates"]:
        examples = ", ".join(_n(r) for r in report["duplicate_examples"])
        out.append(
            ngettext(
                "Merged %(n)s row that repeats an alert already read (for example row %(examples)s).",
                "Merged %(n)s rows that repeat an alert already read (for example rows %(examples)s).",
                report["duplicates"],
            )
            % {"n": _n(report["duplicates"]), "examples": examples}
        )
    skipped = report.get("skipped") or {}
    total = sum(item["count"] for item in skipped.values())
    if total:
        out.append(ngettext("Skipped %(n)s row:", "Skipped %(n)s rows:", total) % {"n": _n(total)})
        for reason, item in sorted(skipped.items(), key=lambda pair: -pair[1]["count"]):
            line = ngettext("%(n)s row because %(reason)s", "%(n)s rows because %(reason)s", item["count"]) % {
                "n": _n(item["count"]),
                "reason": reason_sentence(reason, report),
            }
            shown = [
                _("row %(row)s: “%(text)s”") % {"row": _n(row), "text": text} if text else _("row %(row)s") % {"row": _n(row)}
                for row, text in item["examples"]
            ]
            if shown:
                line += " (" + _("for example %(examples)s") % {"examples": "; ".join(shown)} + ")"
            out.append("  - " + line + ".")
    else:
        out.append(_("No row was skipped."))
    if report.get("no_time"):
        out.append(
            ngettext(
                "%(n)s alert kept has no time of day: it counts everywhere except the hour-of-day chart.",
                "%(n)s alerts kept have no time of day: they count everywhere except the hour-of-day chart.",
                report["no_time"],
            )
            % {"n": _n(report["no_time"])}
        )
    if report.get("no_location") and report.get("has_coordinates"):
        out.append(
            ngettext(
                "%(n)s alert kept has no coordinates: it counts everywhere except the map.",
                "%(n)s alerts kept have no coordinates: they count everywhere except the map.",
                report["no_location"],
            )
            % {"n": _n(report["no_location"])}
        )
    return out


def text(report: dict) -> str:
    return "\n".join(lines(report))
