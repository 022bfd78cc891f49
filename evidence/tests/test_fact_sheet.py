"""Importing each known shape end to end, and the fact sheet a visitor sees (figures known from the sample files)."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from evidence import figures, services
from evidence.models import AlertDataset, AlertImport, DispositionClass, ImportStatus
from local_actions.models import LocalAction

SAMPLES = Path(__file__).parent / "samples"


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def chicago(db):
    return LocalAction.objects.create(city="Chicago", state="IL", slug="chicago-il", amount_usd=8_000_000, money="$8 million")


@pytest.fixture
def cincinnati(db):
    return LocalAction.objects.create(city="Cincinnati", state="OH", slug="cincinnati-oh", amount_usd=700_000)


@pytest.fixture
def dc(db):
    return LocalAction.objects.create(city="Washington", state="DC", slug="washington-dc")


def import_file(slug, name, *args):
    out = io.StringIO()
    call_command("import_alerts", slug, str(SAMPLES / name), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_prints_the_report_and_the_fact_sheet_shows_the_known_figures(client, chicago):
    out = import_file("chicago-il", "chicago.csv")
    assert "Kept 8 alerts, dated Jan. 5, 2022 to July 4, 2023." in out
    assert "Merged 1 row that repeats an alert already read (for example row 10)." in out
    assert "The fact sheet is at /local/chicago-il/facts/." in out

    page = text_of(client.get("/local/chicago-il/facts/"))
    assert "ShotSpotter in Chicago: the facts" in page
    # Key figures: 8 alerts over 546 days; 5 of 8 in beat 712; $8,000,000 / 8.
    assert "<dt>Alerts</dt><dd>8</dd>" in page
    assert "<dt>In the most-alerted beat</dt><dd>62%</dd>" in page
    assert "<dt>Cost per alert</dt><dd>$1,000,000</dd>" in page
    # Per year, with the partial years marked; per hour; by beat.
    assert '<th scope="row">2022 <span class="meta">(part of the year)</span></th><td class="number">5</td>' in page
    assert '<th scope="row">2023 <span class="meta">(part of the year)</span></th><td class="number">3</td>' in page
    assert '<th scope="row">23:00-23:59</th><td class="number">2</td>' in page
    assert '<th scope="row">712</th><td class="number">5</td><td class="number">62%</td>' in page
    assert "The most-alerted beat (of 4 beats) had 62% of all alerts." in page
    assert "Half of all alerts came from a single beat (25% of the beats)." in page
    # No disposition column in Chicago's export: no "what police found".
    assert "What police found" not in page
    # Provenance: the file, its rows, the column and the method.
    assert "Counted from the 8 alerts in “chicago.csv” dated Jan. 5, 2022 to July 4, 2023 (column DATE)" in page
    assert "The file “chicago.csv”, 12 rows, of which 8 alerts were kept." in page
    assert AlertDataset.objects.get(action=chicago).sha256 in page
    assert "$8,000,000, the total the city paid as our profits table states it, divided by the 8 alerts" in page


def test_the_density_map_draws_squares_never_points(client, dc):
    import_file("washington-dc", "dc.csv")
    dataset = AlertDataset.objects.get(action=dc)
    assert dataset.grid["km"] >= 0.5
    squares = dataset.figures["map"]["squares"]
    assert sum(n for _r, _c, n in squares) == 4
    page = text_of(client.get("/local/washington-dc/facts/"))
    assert '<svg class="chart density-svg"' in page and "in squares of 0.5 km" in page
    # No alert's own coordinates anywhere: not on the page, not in what is stored (squares are "row,column").
    for exact in ("38.8700", "38.871", "-76.9900", "-76.991", "38.92", "38.83"):
        assert exact not in page
    stored = list(dataset.aggregates.filter(dimension="cell").values_list("key", flat=True))
    assert stored and all(key.replace(",", "").isdigit() for key in stored)
    # UTC times read on Washington's clock.
    assert '<th scope="row">00:00-00:59</th><td class="number">2</td>' in page
    assert '<th scope="row">18:00-18:59</th><td class="number">1</td>' in page


def test_dispositions_read_by_organizers_give_the_gun_crime_share_and_its_cost(client, cincinnati, admin_user, run_worker):
    import_file("cincinnati-oh", "cincinnati.csv")
    services.set_meanings(
        cincinnati,
        {
            "GOA: GONE ON ARRIVAL": DispositionClass.NO_EVIDENCE,
            "NR: NO REPORT": DispositionClass.NO_EVIDENCE,
            "RPT: REPORT TAKEN": DispositionClass.GUN_CRIME,
            "ARR: ARREST": DispositionClass.GUN_CRIME,
            "UNF: UNFOUNDED": DispositionClass.UNFOUNDED,
        },
        admin_user,
    )
    run_worker()  # the figures are recomputed by the worker
    page = text_of(client.get("/local/cincinnati-oh/facts/"))
    assert "2 of 7 alerts (29%) ended with evidence of a gun crime." in page
    assert '<th scope="row">No evidence of a gun crime found</th><td class="number">4</td><td class="number">57%</td>' in page
    assert '<th scope="row">Unfounded</th><td class="number">1</td><td class="number">14%</td>' in page
    assert '<th scope="row">GOA: GONE ON ARRIVAL</th><td>No evidence of a gun crime found</td><td class="number">3</td>' in page
    # $700,000 / 7 alerts and / 2 with evidence of a gun crime.
    assert "<dt>Cost per alert</dt><dd>$100,000</dd>" in page
    assert "$350,000 per alert with evidence of a gun crime" in page
    assert AuditEntry.objects.filter(action="evidence.dispositions", rows=5).exists()


def test_codes_not_yet_read_count_as_unknown(client, cincinnati):
    import_file("cincinnati-oh", "cincinnati.csv")
    unknown = next(
        c for c in AlertDataset.objects.get(action=cincinnati).figures["dispositions"]["classes"] if c["meaning"] == "unknown"
    )
    assert unknown["count"] == 7


def test_the_local_fights_page_shows_the_summary_only_once_data_is_imported(client, chicago):
    assert "The city's own numbers" not in text_of(client.get("/local/chicago-il/"))
    assert client.get("/local/chicago-il/facts/").status_code == 404
    import_file("chicago-il", "chicago.csv")
    page = text_of(client.get("/local/chicago-il/"))
    assert "The city's own numbers" in page
    assert '<a class="button" href="/local/chicago-il/facts/">The full fact sheet</a>' in page


def test_printable_page_and_csv_of_the_aggregates(client, chicago):
    import_file("chicago-il", "chicago.csv")
    printed = text_of(client.get("/local/chicago-il/facts/print/"))
    assert "ShotSpotter in Chicago, Illinois: the facts" in printed
    assert "http://testserver/local/chicago-il/facts/" in printed
    response = client.get("/local/chicago-il/facts/figures.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "category", "alerts", "share of all alerts"]
    assert ["provenance", "source file", "chicago.csv", ""] in rows
    assert ["alerts per year", "2022", "5", "0.6250"] in rows
    assert ["alerts per month", "2022-04", "0", "0.0000"] in rows  # months without alerts are zeros
    assert ["alerts by beat (most alerted)", "712", "5", "0.6250"] in rows
    assert ["alerts by day of the week", "Thursday", "2", "0.2500"] in rows
    assert ["alerts by rounds detected", "1", "3", "0.3750"] in rows
    assert "/local/chicago-il/facts/</loc>" in client.get("/sitemap.xml").content.decode()


def test_a_failed_import_leaves_the_previous_data_as_it_was(client, chicago, tmp_path):
    import_file("chicago-il", "chicago.csv")
    before = AlertDataset.objects.get(action=chicago)
    bad = tmp_path / "bad.csv"
    bad.write_text("DATE,INCIDENT_TYPE_DESCRIPTION\nsoon,x\nlater,y\n")
    with pytest.raises(CommandError, match="2 of 2 rows have a date we could not read"):
        import_file("chicago-il", str(bad))
    after = AlertDataset.objects.get(action=chicago)
    assert (after.pk, after.kept, after.file_name) == (before.pk, 8, "chicago.csv")
    assert AlertImport.objects.filter(status=ImportStatus.FAILED).count() == 1
    assert "<dt>Alerts</dt><dd>8</dd>" in text_of(client.get("/local/chicago-il/facts/"))


def test_an_error_while_storing_rolls_back_the_whole_swap(chicago, monkeypatch):
    import_file("chicago-il", "chicago.csv")
    before = AlertDataset.objects.get(action=chicago)

    def broken(dataset):
        raise RuntimeError("disk full")

    monkeypatch.setattr(figures, "compute", broken)
    with pytest.raises(CommandError, match=r"The import stopped because of an error on our side\. Nothing was changed\."):
        import_file("chicago-il", "chicago.csv", "--map", "area=DISTRICT")
    after = AlertDataset.objects.get(action=chicago)
    assert (after.pk, after.file_name, after.aggregates.count()) == (before.pk, "chicago.csv", before.aggregates.count())


def test_progress_is_reported_while_reading(chicago, monkeypatch):
    from evidence import importer

    monkeypatch.setattr(importer, "PROGRESS_EVERY", 3)
    err = io.StringIO()
    call_command("import_alerts", "chicago-il", str(SAMPLES / "chicago.csv"), verbosity=2, stdout=io.StringIO(), stderr=err)
    assert "  read 3 rows (" in err.getvalue() and "  read 9 rows (" in err.getvalue()
    assert AlertImport.objects.get().progress_rows == 12


def test_a_shape_never_seen_imports_with_map(chicago):
    out = import_file(
        "chicago-il",
        "messy.csv",
        "--map",
        "date=Incident Date",
        "--map",
        "time=Incident Time",
        "--map",
        "type=Kind",
        "--map",
        "latitude=Latitude",
        "--map",
        "longitude=Longitude",
        "--map",
        "zip=ZIP",
    )
    assert "Kept 6 alerts" in out
    assert AlertDataset.objects.get(action=chicago).kept == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere-xx", "chicago.csv"], "No local fight has the address “nowhere-xx”."),
        (["chicago-il", "missing.csv"], "There is no file at"),
        (["chicago-il", "messy.csv"], "We do not recognise this file's columns (Incident Date, Incident Time"),
        (["chicago-il", "chicago.csv", "--map", "when=DATE"], "“when” is not a field we know."),
        (["chicago-il", "chicago.csv", "--map", "date"], "--map takes FIELD=COLUMN"),
        (["chicago-il", "messy.csv", "--map", "type=Kind"], "We do not recognise this file's columns"),
        (["chicago-il", "chicago.csv", "--map", "datetime=WHEN"], "The column “WHEN” chosen for datetime is not in this file."),
    ],
)
def test_command_line_mistakes_are_explained(chicago, args, message):
    slug, name, *rest = args
    with pytest.raises(CommandError) as caught:
        import_file(slug, name, *rest)
    assert message in str(caught.value)
    assert not AlertDataset.objects.exists()


def test_values_from_the_file_are_escaped_on_the_page_and_neutralized_in_the_csv(client, chicago, tmp_path):
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        "DATE,INCIDENT_TYPE_DESCRIPTION,BEAT\n"
        '01/05/2022 11:49:17 PM,<script>alert(1)</script>,"=HYPERLINK(""http://x"")"\n'
        "01/06/2022 11:49:17 PM,SINGLE GUNSHOT,<b>712</b>\n"
    )
    import_file("chicago-il", str(hostile))
    page = client.get("/local/chicago-il/facts/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>712</b>" not in page and "&lt;b&gt;712&lt;/b&gt;" in page  # in the bar chart's labels too
    rows = list(csv.reader(io.StringIO(client.get("/local/chicago-il/facts/figures.csv").content.decode())))
    assert ["alerts by beat (most alerted)", '\'=HYPERLINK("http://x")', "1", "0.5000"] in rows
