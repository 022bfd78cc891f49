"""Dates known to the day, the month or only the year ("2024-06-20", "2024-06", "2024").

Sources and press items often carry only a month or a year; we keep what is
known instead of inventing a day, and sort them as ISO strings.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse(value: str) -> datetime.date | None:
    """The first day the partial date covers, or None when empty."""
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    year, month, day = [*parts, 1, 1][:3]
    return datetime.date(year, month, day)


def validate(value: str) -> None:
    if not value:
        return
    if not PARTIAL_DATE_RE.match(value):
        raise ValidationError(_("Use YYYY-MM-DD, YYYY-MM or YYYY."), code="invalid")
    try:
        parse(value)
    except ValueError:
        raise ValidationError(_("This date does not exist."), code="invalid") from None


def display(value: str) -> str:
    """A human-readable form in the active language."""
    date = parse(value)
    if date is None:
        return ""
    precision = value.count("-")
    if precision == 2:
        return formats.date_format(date, "DATE_FORMAT")
    if precision == 1:
        return formats.date_format(date, "YEAR_MONTH_FORMAT")
    return str(date.year)


class Precision:
    DAY, MONTH, YEAR = "day", "month", "year"


def split(value: str) -> tuple[datetime.date | None, str]:
    """A stored partial date as (the first day it covers, how precisely it is known)."""
    if not value or not PARTIAL_DATE_RE.match(value):
        return None, Precision.DAY
    return parse(value), {2: Precision.DAY, 1: Precision.MONTH, 0: Precision.YEAR}[value.count("-")]


def join(day: datetime.date | None, precision: str) -> str:
    """The stored form of a date known to the day, the month or the year."""
    if day is None:
        return ""
    if precision == Precision.YEAR:
        return f"{day.year:04d}"
    if precision == Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def form_field(**kwargs):
    """A form field for a partial date: a date picker (any date format the language accepts, "Nov 30, 2024"
    included) and how much of it is known. Stored as before ("2024-11-30", "2024-11", "2024")."""
    from django import forms
    from django.contrib.admin.widgets import AdminDateWidget

    precisions = [
        (Precision.DAY, _("exact day")),
        (Precision.MONTH, _("only the month is known")),
        (Precision.YEAR, _("only the year is known")),
    ]

    class PartialDateWidget(forms.MultiWidget):
        def __init__(self):
            known = forms.Select(choices=precisions, attrs={"aria-label": _("How much of the date is known")})
            super().__init__([AdminDateWidget(), known])

        def decompress(self, value):
            return list(split(value or ""))

    class PartialDateField(forms.MultiValueField):
        widget = PartialDateWidget

        def __init__(self, **kwargs):
            fields = [
                forms.DateField(required=False, error_messages={"invalid": _("Enter a date, like 2024-11-30 (or pick it).")}),
                forms.ChoiceField(required=False, choices=precisions),
            ]
            super().__init__(fields, require_all_fields=False, **kwargs)

        def compress(self, data_list):
            if not data_list or data_list[0] in (None, ""):
                return ""
            return join(data_list[0], data_list[1] or Precision.DAY)

    return PartialDateField(**kwargs)
