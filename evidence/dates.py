"""Reading the dates and times of alerts in whatever format the city used.

Exports mix "01/22/2023 11:49:17 PM", "2023-01-22T23:49:17.000Z",
"1-Jan-13", "1/1/13 0:00" and more, sometimes in one column. Each value is
split into its date, time and time-zone parts; a date part is read once by
python-dateutil (the maintained parser made for this) and remembered, so a
million rows cost a few thousand parses, and a time part is read by a small
regular expression. A value whose day, month or year is missing ("2013",
"Jan 2013") is refused rather than guessed.

Times with a zone ("Z", "+00") are converted to the city's time zone, so "by
hour of day" means the city's clock; times without one are taken as local.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

# The parts of "DATE[ T]TIME[ ZONE]"; a value that does not split is read whole by dateutil.
SPLIT_RE = re.compile(
    r"^\s*(?P<date>.+?)(?:(?:\s+|T)(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:\s*[AaPp]\.?\s*[Mm]\.?)?)"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?\s*$"
)
TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(?:([AaPp])\.?\s*[Mm]\.?)?\s*$")
COMPACT_TIME_RE = re.compile(r"^\s*(\d{2})(\d{2})\s*$")  # "2349", from dispatch systems
HOUR_RE = re.compile(r"^\s*(\d{1,2})\s*$")  # an hour column, 0-23

EARLIEST = date(1990, 1, 1)  # before any acoustic gunshot detection was sold
_DEFAULT_A = datetime(1901, 1, 1)
_DEFAULT_B = datetime(1902, 2, 2)

# Why a value was refused; the importer turns these into sentences (report.py).
NO_DATE = "no_date"
BAD_DATE = "bad_date"
DATE_RANGE = "date_range"


def parse_time(text: str):
    """(hour, minute, second) from "23:49", "11:49:17 PM", "2349" or "23"; None when unreadable."""
    match = TIME_RE.match(text)
    if match:
        hour, minute, second, half = match.groups()
        hour, minute, second = int(hour), int(minute), int(second or 0)
        if half:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if half in "Pp" else 0)
    else:
        match = COMPACT_TIME_RE.match(text) or HOUR_RE.match(text)
        if not match:
            return None
        parts = [int(p) for p in match.groups()]
        hour, minute, second = parts[0], parts[1] if len(parts) > 1 else 0, 0
    if hour > 23 or minute > 59 or second > 60:
        return None
    return hour, minute, min(second, 59)


def parse_offset(text: str) -> timezone:
    if text in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
    return timezone(sign * timedelta(minutes=minutes))


class DateParser:
    """Reads one file's dates; remembers each date and time part it has seen.

    `parse(text)` and `parse_parts(date_text, time_text)` return
    (date, hour or None, stamp) where stamp identifies the moment for
    de-duplication, or one of the error codes above.
    """

    def __init__(self, time_zone: str = "America/Chicago", dayfirst: bool = False, today: date | None = None):
        self.zone = ZoneInfo(time_zone)
        self.dayfirst = dayfirst
        self.latest = (today or datetime.now(self.zone).date()) + timedelta(days=1)
        self._dates: dict[str, date | str] = {}
        self._times: dict[str, tuple | None] = {}

    def read_date(self, text: str) -> date | str:
        """A date part ("01/22/2023", "1-Jan-13"), or an error code; cached."""
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = self._read_date(text)
        return found

    def _read_date(self, text: str) -> date | str:
        if not text.strip():
            return NO_DATE
        try:
            a = dateutil_parser.parse(text, default=_DEFAULT_A, dayfirst=self.dayfirst)
            b = dateutil_parser.parse(text, default=_DEFAULT_B, dayfirst=self.dayfirst)
        except (ValueError, OverflowError, TypeError):
            return BAD_DATE
        if a.date() != b.date():
            return BAD_DATE  # the day, month or year was missing and would have been guessed
        if a.tzinfo is not None or (a.hour, a.minute) != (0, 0):
            return BAD_DATE  # a time inside the date part: not a date part
        found = a.date()
        if not EARLIEST <= found <= self.latest:
            return DATE_RANGE
        return found

    def read_time(self, text: str):
        found = self._times.get(text, False)
        if found is False:
            found = self._times[text] = parse_time(text)
        return found

    def parse(self, text: str):
        """One column holding the date and (usually) the time."""
        # Fast path for "DATE TIME" and "DATETTIME" whose date part was seen before (most rows).
        cut = text.find(" ")
        if cut < 0:
            cut = text.find("T")
        if cut > 0:
            day = self._dates.get(text[:cut])
            if day is not None and day.__class__ is not str:
                rest = text[cut + 1 :]
                clock = self._times.get(rest, False)
                if clock is False:
                    clock = self._times[rest] = parse_time(rest)  # None for "05:06:07Z": the full path reads the zone
                if clock:
                    return day, clock[0], (day, clock)
        match = SPLIT_RE.match(text)
        if match is None:
            return NO_DATE if not text.strip() else BAD_DATE
        date_text, time_text, zone = match.group("date", "time", "tz")
        if time_text is None:
            day = self.read_date(date_text)
            if day.__class__ is str:
                return self._whole(text) if day == BAD_DATE else day
            return day, None, (day, None)
        day = self.read_date(date_text)
        if day.__class__ is str:
            return self._whole(text) if day == BAD_DATE else day
        clock = self.read_time(time_text)
        if clock is None:
            return BAD_DATE
        if zone is not None:
            moment = datetime(day.year, day.month, day.day, *clock, tzinfo=parse_offset(zone)).astimezone(self.zone)
            day, clock = moment.date(), (moment.hour, moment.minute, moment.second)
        return day, clock[0], (day, clock)

    def parse_parts(self, date_text: str, time_text: str):
        """A date column and a time column."""
        day = self.read_date(date_text)
        if day.__class__ is str:
            return day
        if not time_text.strip():
            return day, None, (day, None)
        clock = self.read_time(time_text)
        if clock is None:
            return BAD_DATE
        return day, clock[0], (day, clock)

    def _whole(self, text: str):
        """A value in a shape the split does not know ("Jan 22 2023 11:49PM"): dateutil reads it all."""
        try:
            a = dateutil_parser.parse(text, default=_DEFAULT_A, dayfirst=self.dayfirst)
            b = dateutil_parser.parse(text, default=_DEFAULT_B, dayfirst=self.dayfirst)
        except (ValueError, OverflowError, TypeError):
            return BAD_DATE
        if a.date() != b.date():
            return BAD_DATE
        if a.tzinfo is not None:
            a = a.astimezone(self.zone)
        day = a.date()
        if not EARLIEST <= day <= self.latest:
            return DATE_RANGE
        return day, a.hour, (day, (a.hour, a.minute, a.second))
