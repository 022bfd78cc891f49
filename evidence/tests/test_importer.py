"""The pass over a file, on sample files in each city's shape whose contents are known row by row."""

import io
from datetime import date
from pathlib import Path

import pytest

from evidence import csvfile, importer, report, schemas

SAMPLES = Path(__file__).parent / "samples"
CHICAGO_CENTRE = (41.85003, -87.65005)
CINCINNATI_CENTRE = (39.12711, -84.51439)
DC_CENTRE = (38.89511, -77.03637)
TODAY = date(2026, 1, 1)


def run(name, mapping=None, **options):
    with open(SAMPLES / name, "rb") as fileobj:
        shape = csvfile.inspect(fileobj)
        mapping = mapping or schemas.guess(shape.header).mapping_for(shape.header)
        return importer.run(fileobj, mapping, importer.Options(today=TODAY, **options), shape=shape)


def test_chicago_shape_is_recognised_and_counted():
    shape, tally = run("chicago.csv", time_zone="America/Chicago", center=CHICAGO_CENTRE, state="IL")
    assert schemas.guess(shape.header).name == "chicago"
    assert (shape.encoding, shape.delimiter) == ("utf-8", ",")
    assert tally.rows == 12
    assert tally.kept == 8
    assert tally.duplicates == 1 and tally.duplicate_examples == [10]
    assert tally.skipped == {importer.OUTSIDE_CITY: 1, "no_date": 1, importer.OTHER_STATE: 1}
    assert tally.examples[importer.OTHER_STATE] == [[13, "46320 is in IN"]]
    assert tally.months == {202201: 2, 202202: 1, 202203: 1, 202212: 1, 202301: 1, 202306: 1, 202307: 1}
    assert tally.hours == {23: 2, 2: 1, 21: 1, 0: 2, 22: 1, 14: 1}
    assert tally.areas == {"712": 5, "713": 1, "1011": 1, "421": 1}
    assert tally.zips == {"60621": 6, "60623": 1, "60617": 1}
    assert tally.types == {"SINGLE GUNSHOT": 3, "MULTIPLE GUNSHOTS": 4, "GUNSHOT OR FIRECRACKER": 1}
    assert (tally.first, tally.last) == (date(2022, 1, 5), date(2023, 7, 4))


def test_cincinnati_latin1_crlf_quoted_newline_mixed_dates_and_dispositions():
    shape, tally = run("cincinnati.csv", time_zone="America/New_York", center=CINCINNATI_CENTRE, state="OH")
    assert schemas.guess(shape.header).name == "cincinnati"
    assert shape.encoding == "cp1252" and shape.line_endings == "windows"
    assert tally.rows == 10  # the quoted line break inside an address does not start a row
    assert tally.kept == 7
    assert tally.duplicates == 1
    assert tally.skipped == {"bad_date": 1, importer.BLANK: 1}
    assert tally.examples["bad_date"] == [[7, "31/31/2021 10:00:00 PM"]]
    assert tally.dispositions == {
        "GOA: GONE ON ARRIVAL": 3,  # "goa:  gone on arrival" is the same code
        "NR: NO REPORT": 1,
        "RPT: REPORT TAKEN": 1,
        "ARR: ARREST": 1,
        "UNF: UNFOUNDED": 1,
    }
    assert "CAFÉ DISTRICT" in tally.areas  # read as Windows-1252, not mangled
    assert tally.months == {202101: 2, 202102: 2, 202103: 3}


def test_dc_bom_trailing_commas_and_utc_times_in_local_hours():
    shape, tally = run("dc.csv", time_zone="America/New_York", center=DC_CENTRE, state="DC")
    assert schemas.guess(shape.header).name == "dc"
    assert shape.encoding == "utf-8-sig" and shape.header == ["TYPE", "SOURCE", "DATETIME", "latitude", "longitude"]
    assert tally.rows == 6
    assert tally.kept == 4
    assert tally.duplicates == 1  # no id column: the same moment, place and type
    assert tally.skipped == {importer.BAD_COORDINATES: 1}
    # 03:30 and 04:10 UTC on 5 July are 23:30 on the 4th and 00:10 on the 5th in Washington (EDT).
    assert tally.hours == {23: 1, 0: 2, 18: 1}
    assert tally.months == {201907: 2, 201912: 1, 202001: 1}
    assert tally.first == date(2019, 7, 4)


def test_a_shape_never_seen_with_a_mapping():
    mapping = {
        "date": "Incident Date",
        "time": "incident time",
        "type": "Kind",
        "zip": "ZIP",
        "latitude": "Latitude",
        "longitude": "Longitude",
    }
    shape, tally = run("messy.csv", mapping, center=CHICAGO_CENTRE, state="IL")
    assert shape.delimiter == ";"
    assert schemas.guess(shape.header) is None
    assert tally.rows == 10
    assert tally.kept == 6
    assert tally.duplicates == 1
    assert tally.skipped == {"bad_date": 1, importer.BAD_COORDINATES: 1, importer.EXTRA_CELLS: 1}
    # 1-Jan-13 and 01/02/13: two-digit years are this century; 12/31/12 too.
    assert tally.months == {201212: 1, 201301: 5}
    assert tally.first == date(2012, 12, 31)
    assert tally.no_time == 1 and tally.no_location == 1
    assert tally.types == {"Single": 4, "Multiple": 1, "Single; loud": 1}
    assert tally.hours == {23: 2, 0: 1, 11: 1, 21: 1}


def test_report_in_words():
    _shape, tally = run("chicago.csv", center=CHICAGO_CENTRE, state="IL", radius_km=40)
    text = report.text(report.describe(tally, file="chicago.csv", radius_km=40, has_coordinates=True))
    assert "Read 12 rows of “chicago.csv”." in text
    assert "Kept 8 alerts, dated Jan. 5, 2022 to July 4, 2023." in text
    assert "Merged 1 row that repeats an alert already read (for example row 10)." in text
    assert "Skipped 3 rows:" in text
    assert (
        "1 row because the alert is more than 40 km from the centre of the city (for example row 11: “198 km from the centre”)."
        in text
    )
    assert "1 row because the ZIP code is in another state (for example row 13: “46320 is in IN”)." in text
    assert "1 row because the date is empty (for example row 12)." in text


def refused(data: bytes, mapping=None, **options) -> str:
    fileobj = io.BytesIO(data)
    with pytest.raises((importer.ImportProblem, csvfile.NotCSV)) as caught:
        shape = csvfile.inspect(fileobj)
        importer.run(fileobj, mapping or {"datetime": "date"}, importer.Options(today=TODAY, **options), shape=shape)
    return str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n  \r\n", "The file is empty."),
        (
            b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook",
            "This file is an Excel workbook (.xlsx) or a zip archive, not a CSV file.",
        ),
        (b"%PDF-1.7\n...", "This file is a PDF document, not a CSV file."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This file is an image, not a CSV file."),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "This file is a web page or an XML file, not a CSV file."),
        (b"date,type\x00\x01\x02\n", "This file holds binary data, not text: it is not a CSV file."),
        (b"date,type\n", "The file has a header row but no data rows."),
        (b"date,type\n,\n,\n", "Every row of the file is empty."),
    ],
)
def test_files_that_cannot_be_read_say_why(data, message):
    assert message in refused(data)


def test_a_mapping_without_a_date_is_refused():
    message = refused(b"when,type\n2020-01-01,x\n", {"type": "type"})
    assert message == "Choose the column that holds the date (or the date and time) of each alert."


def test_a_column_not_in_the_file_is_named():
    message = refused(b"when,type\n2020-01-01,x\n", {"datetime": "DATE"})
    assert message == "The column “DATE” chosen for datetime is not in this file. Its columns are: when, type."


def test_mostly_unreadable_dates_refuse_the_file():
    data = b"date,type\nsoon,x\nlater,x\n2020-01-01,x\n"
    message = refused(data)
    assert message.startswith("2 of 3 rows have a date we could not read (for example “soon”; “later”).")


def test_mostly_impossible_coordinates_refuse_the_file():
    data = b"date,lat,lon\n2020-01-01,1170000,1890000\n2020-01-02,1170001,1890001\n2020-01-03,41.8,-87.6\n"
    message = refused(data, {"datetime": "date", "latitude": "lat", "longitude": "lon"})
    assert message.startswith("2 of 3 rows have coordinates that are not latitudes and longitudes")


def test_nothing_kept_says_the_main_reason():
    data = b"date,type\n1/1/1980,x\n1/1/1981,x\n"
    assert refused(data) == "No row could be kept. Most were skipped because the date is before 1990 or in the future."


def test_utf16_tab_separated_export_from_excel():
    text = "DATETIME\tTYPE\tlatitude\tlongitude\r\n2019/07/05 03:30:00+00\tSingle_Gunshot\t38.87\t-76.99\r\n"
    fileobj = io.BytesIO(text.encode("utf-16"))
    shape = csvfile.inspect(fileobj)
    assert (shape.encoding, shape.delimiter) == ("utf-16", "\t")
    _shape, tally = importer.run(
        fileobj, schemas.SCHEMAS["dc"].mapping_for(shape.header), importer.Options(time_zone="America/New_York"), shape=shape
    )
    assert tally.kept == 1 and tally.hours == {23: 1}
