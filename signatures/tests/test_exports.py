"""The two exports as an organizer opens them: with a CSV reader and with openpyxl (as Excel would)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission, User

from audit.models import AuditEntry
from organizer import roles
from signatures.models import Signature

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 03:30 UTC on 23 November is 21:30 on the 22nd in Chicago (the site's TIME_ZONE in the tests).
CONFIRMED = datetime.datetime(2026, 11, 23, 3, 30, tzinfo=UTC)


def add(campaign, **fields):
    n = Signature.objects.count()
    values = {
        "state": "verified", "verified_at": CONFIRMED, "checked": True, "email_hash": f"h{n}", "name": f"Signer {n}",
        "city": "Boston", "us_state": "MA", "zip_code": "02134",
    }  # fmt: skip
    values.update(fields)
    return Signature.objects.create(campaign=campaign, **values)


@pytest.fixture
def signed(petition):
    add(petition, name="José Núñez", email="jose@example.org", wants_updates=True, show_name=True, language="es")
    add(petition, name="Quiet Person", email=None, wants_updates=False)
    add(petition, name="Not Confirmed", state="pending", verified_at=None, email="p@example.org", wants_updates=True)
    add(petition, name="Flagged Bot", state="flagged", email="bot@example.org", wants_updates=True)
    add(petition, kind="organization", name="Contact Name", organization="Ñandú Collective", role="Director",
        email="org@example.org", wants_updates=True, approved_at=CONFIRMED)  # fmt: skip
    add(petition, kind="organization", name="Waiting Contact", organization="Not Approved Yet", email="w@example.org")
    return petition


def download(client, campaign, kind, fmt):
    response = client.get(f"/admin/signatures/campaign/{campaign.pk}/export/{kind}.{fmt}")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def read_csv(client, campaign, kind):
    body = download(client, campaign, kind, "csv")
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(client, campaign, kind):
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, campaign, kind, "xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], sheet


def test_signers_csv_holds_what_signers_agreed_to_hand_on(admin_client, signed):
    rows = read_csv(admin_client, signed, "signers")
    assert [r["Name"] for r in rows] == ["José Núñez", "Quiet Person", "Ñandú Collective"]
    jose, quiet, org = rows
    assert list(jose) == ["Date confirmed", "Signs as", "Name", "Role", "City", "State", "Name shown on the site"]
    assert jose["Date confirmed"] == "2026-11-22 21:30:00"  # Chicago time, not UTC
    assert (jose["Name shown on the site"], quiet["Name shown on the site"]) == ("Yes", "No")
    assert (org["Signs as"], org["Role"]) == ("Organization", "Director")
    body = download(admin_client, signed, "signers", "csv").decode("utf-8-sig")
    for never in ["@", "02134", "Contact Name"]:  # no address, no ZIP code, no organization's contact
        assert never not in body


def test_signers_xlsx_has_real_dates_and_accents(admin_client, signed):
    rows, sheet = read_xlsx(admin_client, signed, "signers")
    assert rows[0]["Name"] == "José Núñez" and rows[2]["Name"] == "Ñandú Collective"
    assert rows[0]["Date confirmed"] == datetime.datetime(2026, 11, 22, 21, 30)
    assert sheet["A2"].is_date
    assert rows[0]["Name shown on the site"] == "Yes"


def test_supporters_export_is_the_confirmed_people_who_asked_for_updates_with_their_emails(admin_client, signed):
    for rows in (read_csv(admin_client, signed, "supporters"), read_xlsx(admin_client, signed, "supporters")[0]):
        assert [r["Email"] for r in rows] == ["jose@example.org", "org@example.org"]
        jose = rows[0]
        assert (jose["Name"], jose["ZIP code"], jose["Language"]) == ("José Núñez", "02134", "Español")
        assert rows[1]["Organization"] == "Ñandú Collective"
    assert read_csv(admin_client, signed, "supporters")[0]["Date confirmed"] == "2026-11-22 21:30:00"
    rows, sheet = read_xlsx(admin_client, signed, "supporters")
    assert sheet["D2"].data_type == "s"  # stored as text: Excel keeps the leading zero
    assert rows[0]["Date confirmed"] == datetime.datetime(2026, 11, 22, 21, 30)


def test_each_download_is_in_the_history(admin_client, admin_user, signed):
    download(admin_client, signed, "signers", "xlsx")
    download(admin_client, signed, "supporters", "csv")
    entries = list(AuditEntry.objects.order_by("id").values_list("actor", "action", "data"))
    assert entries == [
        (admin_user.pk, "signatures.export", {"export": "signers", "format": "xlsx"}),
        (admin_user.pk, "signatures.export_supporters", {"export": "supporters", "format": "csv"}),
    ]


def test_an_unknown_export_is_a_404(admin_client, signed):
    for path in ["everyone.csv", "signers.pdf"]:
        assert admin_client.get(f"/admin/signatures/campaign/{signed.pk}/export/{path}").status_code == 404


def staff_in(role):
    roles.sync()
    user = User.objects.create_user(role.lower(), password="a long enough password", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize(
    ("role", "signers", "supporters"),
    [("Coordinator", 200, 200), ("Moderator", 403, 403), ("Editor", 403, 403)],
)
def test_only_coordinators_export_supporters(client, signed, role, signers, supporters):
    client.force_login(staff_in(role))
    base = f"/admin/signatures/campaign/{signed.pk}/export/"
    assert client.get(base + "signers.xlsx").status_code == signers
    assert client.get(base + "supporters.csv").status_code == supporters
    assert client.get(base + "supporters.xlsx").status_code == supporters
    page = client.get("/admin/signatures/campaign/")
    if role == "Coordinator":
        assert "Supporters (emails)" in page.content.decode() and "Signers: " in page.content.decode()
    else:
        assert "Supporters (emails)" not in page.content.decode()


def test_the_signers_permission_alone_does_not_give_the_emails(client, signed):
    user = User.objects.create_user("exporter", is_staff=True)
    for codename in ["view_campaign", "export_signature"]:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    base = f"/admin/signatures/campaign/{signed.pk}/export/"
    assert client.get(base + "signers.csv").status_code == 200
    assert client.get(base + "supporters.csv").status_code == 403
    assert "Supporters (emails)" not in client.get("/admin/signatures/campaign/").content.decode()
    assert not AuditEntry.objects.filter(action="signatures.export_supporters").exists()
