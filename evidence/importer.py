"""One pass over a city's export: each row read, checked, de-duplicated and counted.

Nothing per alert is kept: the pass only adds to counters (alerts per month,
per hour, per area, per disposition code, per grid square...). Exact
coordinates never leave this module; the map gets squares of at least 500 m
(see `grid`). The pass raises `ImportProblem` when the file cannot give a
trustworthy fact sheet (nothing kept, most dates unreadable...), and the
caller then changes nothing.
"""

import math
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import zipcodes
from django.utils.translation import gettext as _

from . import csvfile, dates
from .schemas import normalize

EXAMPLES = 3  # the first few examples of each reason a row was skipped
FINE = 1000  # the counting grid: 1/1000 of a degree (about 100 m), regrouped into display squares later
PROGRESS_EVERY = 20_000  # rows between progress reports

# Why a row was skipped (dates' codes, plus these).
BLANK = "blank"
EXTRA_CELLS = "extra_cells"
BAD_COORDINATES = "bad_coordinates"
OUTSIDE_CITY = "outside_city"
OTHER_STATE = "other_state"


class ImportProblem(ValueError):
    """The import cannot go ahead; the message is for the organizer, `report` says what was read."""

    def __init__(self, message: str, report: dict | None = None):
        super().__init__(message)
        self.report = report or {}


@dataclass
class Options:
    time_zone: str = "America/Chicago"
    dayfirst: bool = False
    center: tuple[float, float] | None = None  # the city's latitude and longitude
    radius_km: float = 40.0  # alerts farther than this from the centre are outside the city
    state: str = ""  # postal code: ZIP codes of other states are outside the city
    today: date | None = None


@dataclass
class Tally:
    """What the pass counted."""

    rows: int = 0
    kept: int = 0
    duplicates: int = 0
    duplicate_examples: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)  # reason -> count
    examples: dict = field(default_factory=dict)  # reason -> [[row number, text], ...]
    no_time: int = 0
    no_location: int = 0
    first: date | None = None
    last: date | None = None
    months: dict = field(default_factory=dict)
    hours: dict = field(default_factory=dict)
    weekdays: dict = field(default_factory=dict)
    areas: dict = field(default_factory=dict)
    zips: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)
    dispositions: dict = field(default_factory=dict)
    rounds: dict = field(default_factory=dict)
    fine_cells: dict = field(default_factory=dict)  # (lat*1000, lon*1000) -> alerts; never stored

    def skip(self, reason: str, row_number: int, text: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        examples = self.examples.setdefault(reason, [])
        if len(examples) < EXAMPLES:
            examples.append([row_number, text[:80]])

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def resolve(mapping: dict, header: list[str]) -> dict:
    """{field: column index} for a {field: column name} mapping; ImportProblem names what is wrong."""
    by_name = {normalize(name): i for i, name in enumerate(header)}
    found = {}
    for name, column in mapping.items():
        if not column:
            continue
        index = by_name.get(normalize(column))
        if index is None:
            raise ImportProblem(
                _("The column “%(column)s” chosen for %(field)s is not in this file. Its columns are: %(columns)s.")
                % {"column": column, "field": name, "columns": ", ".join(header)}
            )
        found[name] = index
    check_mapping(found)
    return found


def check_mapping(fields) -> None:
    if "datetime" not in fields and "date" not in fields:
        raise ImportProblem(_("Choose the column that holds the date (or the date and time) of each alert."))
    if ("latitude" in fields) != ("longitude" in fields):
        raise ImportProblem(_("Choose both the latitude and the longitude columns, or neither."))


@lru_cache(maxsize=1)
def zip_states() -> dict[str, str]:
    """Every US ZIP code's state, from the offline `zipcodes` data (read once: its lookups scan a list)."""
    return {z["zip_code"]: z["state"] for z in zipcodes.list_all()}


def _zip_state(cache: dict, text: str) -> tuple[str, str]:
    """(ZIP code, its state or "") for "60621", "60621-1234", "2134" (02134 after a spreadsheet), "60621.0"."""
    found = cache.get(text)
    if found is None:
        digits = text.split("-")[0].strip()
        if digits.endswith(".0"):
            digits = digits[:-2]  # a spreadsheet turned it into a number
        if digits.isdigit() and 3 <= len(digits) <= 5:
            digits = digits.zfill(5)
            found = (digits, zip_states().get(digits, ""))
        else:
            found = (text, "")
        cache[text] = found
    return found


def count_rows(reader, fields: dict, width: int, options: Options, progress=None) -> Tally:
    """The pass itself. `progress(rows)` is called every PROGRESS_EVERY rows.

    The loop runs a million times per import, so it counts raw cell values and
    days, and tidies them (spacing, case, months, weekdays) once at the end.
    """
    tally = Tally()
    parser = dates.DateParser(options.time_zone, options.dayfirst, options.today)
    parse, parse_parts = parser.parse, parser.parse_parts
    skip = tally.skip
    seen: set[int] = set()
    zip_cache: dict = {}
    days: dict = {}
    hours, fine_cells, zips = tally.hours, tally.fine_cells, tally.zips
    raw = {name: {} for name in ("type", "area", "rounds", "disposition") if name in fields}
    counted = [(fields[name], target) for name, target in raw.items()]
    i_datetime, i_date, i_time = fields.get("datetime"), fields.get("date"), fields.get("time")
    i_when = i_datetime if i_datetime is not None else i_date
    i_lat, i_lon, i_zip, i_id = fields.get("latitude"), fields.get("longitude"), fields.get("zip"), fields.get("id")
    key_columns = [fields[name] for name in ("address", "type", "latitude", "longitude", "zip") if name in fields]
    if options.center:
        lat0, lon0 = options.center
        kx, ky = 111.32 * math.cos(math.radians(lat0)), 110.57
        radius2 = options.radius_km**2
    else:
        lat0 = lon0 = kx = ky = radius2 = None
    state = options.state
    floor = math.floor
    padding = [""] * width
    rows = duplicates = no_time = no_location = 0
    row_number = 1  # the header is row 1, as a spreadsheet numbers them
    next_progress = PROGRESS_EVERY
    for row in reader:
        row_number += 1
        rows += 1
        if rows >= next_progress:
            next_progress += PROGRESS_EVERY
            if progress:
                progress(rows)
        if len(row) != width:
            if len(row) > width:
                if any(cell.strip() for cell in row[width:]):
                    skip(EXTRA_CELLS, row_number, ",".join(row[width:]))
                    continue
                row = row[:width]  # trailing commas
            elif not any(cell.strip() for cell in row):
                skip(BLANK, row_number, "")
                continue
            else:
                row = row + padding[len(row) :]
        # When
        if i_datetime is not None:
            when = parse(row[i_datetime])
        else:
            when = parse_parts(row[i_date], row[i_time] if i_time is not None else "")
        if when.__class__ is str:
            if when == dates.NO_DATE and not any(cell.strip() for cell in row):
                skip(BLANK, row_number, "")
            else:
                skip(when, row_number, row[i_when].strip())
            continue
        day, hour, stamp = when
        # Where
        cell = None
        if i_lat is not None:
            lat_text, lon_text = row[i_lat], row[i_lon]
            if lat_text or lon_text:
                try:
                    lat, lon = float(lat_text), float(lon_text)
                except ValueError:
                    if lat_text.strip() or lon_text.strip():
                        skip(BAD_COORDINATES, row_number, f"{lat_text.strip()}, {lon_text.strip()}")
                        continue
                    lat = None
                if lat is not None:
                    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
                        skip(BAD_COORDINATES, row_number, f"{lat_text.strip()}, {lon_text.strip()}")
                        continue
                    if radius2 is not None:
                        dx, dy = (lon - lon0) * kx, (lat - lat0) * ky
                        distance2 = dx * dx + dy * dy
                        if distance2 > radius2:
                            skip(OUTSIDE_CITY, row_number, _("%(km)s km from the centre") % {"km": round(distance2**0.5)})
                            continue
                    cell = (floor(lat * FINE), floor(lon * FINE))
        zip_code = None
        if i_zip is not None:
            zip_text = row[i_zip]
            if zip_text:
                found = zip_cache.get(zip_text)
                if found is None:
                    found = _zip_state(zip_cache, zip_text.strip())
                    zip_cache[zip_text] = found
                zip_code, zip_state = found
                if not zip_code:
                    zip_code = None
                elif zip_state and state and zip_state != state:
                    skip(OTHER_STATE, row_number, _("%(zip)s is in %(state)s") % {"zip": zip_code, "state": zip_state})
                    continue
        # Once
        if i_id is not None and row[i_id]:
            key = hash(row[i_id].strip())
        else:
            key = hash((stamp, *(row[i].strip().upper() for i in key_columns)))
        if key in seen:
            duplicates += 1
            if len(tally.duplicate_examples) < EXAMPLES:
                tally.duplicate_examples.append(row_number)
            continue
        seen.add(key)
        # Counted
        days[day] = days.get(day, 0) + 1
        if hour is None:
            no_time += 1
        else:
            hours[hour] = hours.get(hour, 0) + 1
        if cell is None:
            no_location += 1
        else:
            fine_cells[cell] = fine_cells.get(cell, 0) + 1
        if zip_code is not None:
            zips[zip_code] = zips.get(zip_code, 0) + 1
        for index, target in counted:
            value = row[index]
            target[value] = target.get(value, 0) + 1
    tally.rows, tally.duplicates, tally.no_time, tally.no_location = rows, duplicates, no_time, no_location
    tally.kept = sum(days.values())
    _tidy(tally, days, raw)
    return tally


def _tidy(tally: Tally, days: dict, raw: dict) -> None:
    """Months, weekdays and the first and last day from the days; cell values with spacing (and codes' case) evened out."""
    for day, n in days.items():
        month = day.year * 100 + day.month
        tally.months[month] = tally.months.get(month, 0) + n
        tally.weekdays[day.weekday()] = tally.weekdays.get(day.weekday(), 0) + n
    if days:
        tally.first, tally.last = min(days), max(days)
    targets = {"type": tally.types, "area": tally.areas, "rounds": tally.rounds, "disposition": tally.dispositions}
    for name, counts in raw.items():
        target = targets[name]
        for value, n in counts.items():
            value = " ".join(value.split())
            if name == "disposition":
                value = value.upper()  # "goa:  gone on arrival" is the code "GOA: GONE ON ARRIVAL"
            target[value] = target.get(value, 0) + n


def run(fileobj, mapping: dict, options: Options, progress=None, shape: csvfile.Shape | None = None):
    """Read the whole binary file; returns (shape, tally). Raises ImportProblem or csvfile.NotCSV."""
    shape = shape or csvfile.inspect(fileobj)
    fields = resolve(mapping, shape.header)
    started = time.monotonic()
    try:
        tally = count_rows(csvfile.rows(fileobj, shape), fields, len(shape.header), options, progress)
    except csvfile.csv.Error as error:
        raise ImportProblem(_("The file stopped being readable as CSV: %(error)s.") % {"error": error}) from None
    tally.seconds = round(time.monotonic() - started, 2)
    judge(tally, fields)
    return shape, tally


def judge(tally: Tally, fields: dict) -> None:
    """Refuse a file whose figures could not be trusted, with the reason in words."""
    from .report import describe, reason_sentence

    report = describe(tally)
    if tally.rows == 0:
        raise ImportProblem(_("The file has a header row but no data rows."), report)
    readable = tally.rows - tally.skipped.get(BLANK, 0)
    if readable == 0:
        raise ImportProblem(_("Every row of the file is empty."), report)
    unreadable = tally.skipped.get(dates.BAD_DATE, 0)
    if unreadable * 2 > readable:
        examples = "; ".join(f"“{text}”" for _row, text in tally.examples[dates.BAD_DATE])
        raise ImportProblem(
            _(
                "%(count)s of %(rows)s rows have a date we could not read (for example %(examples)s). "
                "Check that the date column is the right one."
            )
            % {"count": f"{unreadable:,}", "rows": f"{readable:,}", "examples": examples},
            report,
        )
    bad_places = tally.skipped.get(BAD_COORDINATES, 0)
    if bad_places * 2 > readable:
        examples = "; ".join(f"“{text}”" for _row, text in tally.examples[BAD_COORDINATES])
        raise ImportProblem(
            _(
                "%(count)s of %(rows)s rows have coordinates that are not latitudes and longitudes "
                "(for example %(examples)s). Check the latitude and longitude columns."
            )
            % {"count": f"{bad_places:,}", "rows": f"{readable:,}", "examples": examples},
            report,
        )
    if tally.kept == 0:
        reason = max(tally.skipped, key=tally.skipped.get)
        raise ImportProblem(
            _("No row could be kept. Most were skipped because %(reason)s.") % {"reason": reason_sentence(reason)},
            report,
        )
