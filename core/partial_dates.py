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
