"""The organizers' path: upload, columns with a preview, import in the worker, the report, the codes."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEntry
from evidence.models import AlertDataset, AlertImport, DispositionClass, DispositionMapping, ImportStatus
from local_actions.models import LocalAction

SAMPLES = Path(__file__).parent / "samples"
UPLOAD = "/admin/evidence/alertimport/upload/"


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def chicago(db):
    return LocalAction.objects.create(city="Chicago", state="IL", slug="chicago-il")


@pytest.fixture
def cincinnati(db):
    return LocalAction.objects.create(city="Cincinnati", state="OH", slug="cincinnati-oh")


def upload(admin_client, action, name, data=None, **extra):
    data = data if data is not None else (SAMPLES / name).read_bytes()
    return admin_client.post(UPLOAD, {"action": action.pk, "file": SimpleUploadedFile(name, data, "text/csv"), **extra})


def columns_data(alert_import, **changes):
    data = dict(alert_import.mapping)
    data.update(time_zone=alert_import.time_zone, radius_km=alert_import.radius_km)
    data.update(changes)
    return data


def test_upload_preview_import_and_report(admin_client, chicago, run_worker):
    response = upload(admin_client, chicago, "chicago.csv")
    alert_import = AlertImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/evidence/alertimport/{alert_import.pk}/columns/"
    assert alert_import.schema == "chicago" and alert_import.mapping["datetime"] == "DATE"
    assert default_storage.exists(alert_import.upload)

    page = text_of(admin_client.get(response["Location"]))
    assert "Recognised as a known export" in page
    assert '<option value="DATE" selected>DATE</option>' in page
    assert "<td>2</td><td>2022-01-05</td><td>23</td><td>SINGLE GUNSHOT</td><td>712</td>" in page
    assert "skipped: the alert is more than 40 km from the centre of the city" in page
    assert "skipped: the date is empty" in page
    assert '<td>10</td><td colspan="6"></td><td>merged: it repeats an alert in an earlier row</td>' in page
    assert not AlertDataset.objects.exists()  # nothing changes before "Import"

    response = admin_client.post(response["Location"], {**columns_data(alert_import), "import": "1"})
    assert response.status_code == 302
    alert_import.refresh_from_db()
    assert alert_import.status == ImportStatus.QUEUED
    queued = text_of(admin_client.get(response["Location"]))
    assert '<meta http-equiv="refresh" content="2">' in queued and "Waiting for the worker" in queued

    run_worker()
    alert_import.refresh_from_db()
    assert alert_import.status == ImportStatus.DONE
    assert not default_storage.exists(alert_import.upload or "evidence/uploads/none.csv")
    done = text_of(admin_client.get(f"/admin/evidence/alertimport/{alert_import.pk}/change/"))
    assert "Kept 8 alerts, dated Jan. 5, 2022 to July 4, 2023." in done
    assert 'http-equiv="refresh"' not in done
    assert AlertDataset.objects.get(action=chicago).kept == 8
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "evidence.upload",
        "evidence.import.queued",
        "evidence.import.done",
    }


def test_cincinnati_codes_are_read_before_the_import_and_changed_after(admin_client, cincinnati, run_worker, client):
    upload(admin_client, cincinnati, "cincinnati.csv")
    alert_import = AlertImport.objects.get()
    page = text_of(admin_client.get(f"/admin/evidence/alertimport/{alert_import.pk}/columns/"))
    assert "What the disposition codes mean" in page
    assert "CAFÉ DISTRICT" in page  # Windows-1252 read right in the preview too
    form = columns_data(alert_import, **{"import": "1"})
    # The codes in the order shown: GOA (3), then one each, alphabetically.
    labels = ["GOA: GONE ON ARRIVAL", "ARR: ARREST", "NR: NO REPORT", "RPT: REPORT TAKEN", "UNF: UNFOUNDED"]
    meanings = ["no_evidence", "gun_crime", "no_evidence", "unknown", "unfounded"]
    for i, meaning in enumerate(meanings):
        form[f"code_{i}"] = meaning
    assert all(label in page for label in labels)
    response = admin_client.post(f"/admin/evidence/alertimport/{alert_import.pk}/columns/", form)
    assert response.status_code == 302
    run_worker()
    assert dict(DispositionMapping.objects.values_list("code", "meaning"))["ARR: ARREST"] == DispositionClass.GUN_CRIME
    assert "1 of 7 alerts (14%) ended with evidence of a gun crime." in text_of(client.get("/local/cincinnati-oh/facts/"))

    dataset = AlertDataset.objects.get(action=cincinnati)
    codes_url = f"/admin/evidence/alertdataset/{dataset.pk}/codes/"
    page = text_of(admin_client.get(codes_url))
    assert "3 alerts" in page
    response = admin_client.post(
        codes_url, {f"code_{i}": m for i, m in enumerate(["no_evidence", "gun_crime", "no_evidence", "gun_crime", "unfounded"])}
    )
    assert response.status_code == 302
    run_worker()
    assert "2 of 7 alerts (29%) ended with evidence of a gun crime." in text_of(client.get("/local/cincinnati-oh/facts/"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("alerts.csv", b"", "The submitted file is empty."),
        ("alerts.csv", b"\r\n\r\n", "The file is empty."),
        ("alerts.xlsx", b"PK\x03\x04\x14\x00\x06\x00", "This file is an Excel workbook (.xlsx) or a zip archive, not a CSV file."),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(100), "This file is an image, not a CSV file."),
    ],
)
def test_files_that_are_not_csv_are_refused_on_the_form(admin_client, chicago, name, data, message):
    response = upload(admin_client, chicago, name, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert not AlertImport.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(admin_client, chicago, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    big = b"DATE,TYPE\n" + b"01/01/2020 10:00:00 PM,x\n" * 60_000  # 1.5 MB: the announced length is over the limit
    response = upload(admin_client, chicago, "big.csv", big)
    assert response.status_code == 413
    assert "This file is larger than 0 MB, the most the admin takes." in text_of(response)
    assert not AlertImport.objects.exists()


def test_a_file_over_the_limit_is_stopped_while_it_arrives(admin_client, chicago, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000  # the body is under limit + slack, so the handler must catch it
    response = upload(admin_client, chicago, "chicago.csv")
    assert response.status_code == 413
    assert "the most the admin takes" in text_of(response)
    assert not AlertImport.objects.exists()


def test_a_mapping_without_a_date_is_refused(admin_client, chicago):
    upload(admin_client, chicago, "chicago.csv")
    alert_import = AlertImport.objects.get()
    response = admin_client.post(
        f"/admin/evidence/alertimport/{alert_import.pk}/columns/", columns_data(alert_import, datetime="", **{"import": "1"})
    )
    assert response.status_code == 400
    assert "Choose the column that holds the date (or the date and time) of each alert." in text_of(response)
    alert_import.refresh_from_db()
    assert alert_import.status == ImportStatus.UPLOADED


def test_a_failed_import_reports_and_can_be_retried_with_other_columns(admin_client, chicago, run_worker):
    upload(admin_client, chicago, "chicago.csv")
    alert_import = AlertImport.objects.get()
    url = f"/admin/evidence/alertimport/{alert_import.pk}/columns/"
    admin_client.post(url, columns_data(alert_import, datetime="BLOCK", **{"import": "1"}))  # addresses are not dates
    run_worker()
    alert_import.refresh_from_db()
    assert alert_import.status == ImportStatus.FAILED
    page = text_of(admin_client.get(f"/admin/evidence/alertimport/{alert_import.pk}/change/"))
    assert "rows have a date we could not read" in page and "Nothing was changed" in page
    assert "Change the columns and try again" in page
    assert not AlertDataset.objects.exists()
    admin_client.post(url, columns_data(alert_import, datetime="DATE", **{"import": "1"}))
    run_worker()
    alert_import.refresh_from_db()
    assert alert_import.status == ImportStatus.DONE


def test_an_import_whose_worker_died_can_be_marked_stopped(admin_client, chicago):
    upload(admin_client, chicago, "chicago.csv")
    alert_import = AlertImport.objects.get()
    AlertImport.objects.filter(pk=alert_import.pk).update(status=ImportStatus.RUNNING)
    AlertImport.objects.filter(pk=alert_import.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    url = f"/admin/evidence/alertimport/{alert_import.pk}/change/"
    assert "its worker may have stopped" in text_of(admin_client.get(url))
    admin_client.post(url, {"give_up": "1"})
    alert_import.refresh_from_db()
    assert alert_import.status == ImportStatus.FAILED
    assert "Change the columns and try again" in text_of(admin_client.get(url))


def test_the_upload_page_needs_an_organizer(client, chicago):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_upload_keeps_its_csrf_protection(admin_user, chicago):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    data = (SAMPLES / "chicago.csv").read_bytes()
    response = client.post(UPLOAD, {"action": chicago.pk, "file": SimpleUploadedFile("chicago.csv", data, "text/csv")})
    assert response.status_code == 403
    assert not AlertImport.objects.exists()
