import csv
import io

import pytest
from django.utils import timezone

from signatures import counting
from signatures.models import Signature

from .conftest import clear_caches, count_of, link_in, run_worker, sign

pytestmark = pytest.mark.django_db

ORG = {
    "signer": "organization", "org-organization": "Oakland Privacy", "org-organization_url": "https://oaklandprivacy.org",
    "org-city": "Oakland", "org-us_state": "CA", "org-name": "Tracy Rosenberg", "org-role": "Advocacy director",
    "org-email": "tracy@example.org",
}  # fmt: skip


def confirm_all(client, mailoutbox):
    run_worker()
    for message in mailoutbox:
        if "Please confirm" in message.subject:
            client.post(link_in(message, "confirm"))
    run_worker()
    clear_caches()


def test_an_organization_signs_the_letter_and_appears_once_approved(client, admin_client, letter, mailoutbox):
    page = client.get("/letter/l/").content.decode()
    assert "Sign on behalf of an organization" in page
    response = client.post("/letter/l/sign/", ORG)
    assert "Check your email" in response.content.decode()
    confirm_all(client, mailoutbox)
    signature = Signature.objects.get()
    assert (signature.kind, signature.organization, signature.role, signature.us_state) == (
        "organization", "Oakland Privacy", "Advocacy director", "CA",
    )  # fmt: skip
    assert "Oakland Privacy" not in client.get("/letter/l/").content.decode()
    assert count_of(client, letter)["total"] == 0

    changelist = admin_client.get("/admin/signatures/signature/?approval=waiting").content.decode()
    assert "Oakland Privacy" in changelist
    response = admin_client.post(
        "/admin/signatures/signature/", {"action": "approve", "_selected_action": [signature.pk]}, follow=True
    )
    assert "1 organization approved." in response.content.decode()
    run_worker()
    clear_caches()
    page = client.get("/letter/l/").content.decode()
    assert "Oakland Privacy" in page and "Oakland, CA" in page
    assert "Tracy Rosenberg" not in page  # the contact person is not public
    assert count_of(client, letter)["organizations"] == 1


def test_organization_errors_are_shown_on_the_organization_form(client, letter):
    response = client.post("/letter/l/sign/", {**ORG, "org-organization": "", "org-organization_url": "not a url"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please enter a full web address" in html
    assert 'value="Tracy Rosenberg"' in html


def test_a_petition_does_not_take_organization_signatures(client, petition):
    response = client.post("/petition/p/sign/", {**ORG, "name": "Ana", "email": "ana@example.org", "zip_code": "60614"})
    assert "Check your email" in response.content.decode()
    assert Signature.objects.get().kind == "individual"


def test_organizers_filter_search_and_invalidate_in_bulk(client, admin_client, petition, mailoutbox):
    sign(client, petition, email="one@example.org", zip_code="94607")
    sign(client, petition, email="two@example.org", name="Bea Two")
    sign(client, petition, email="three@example.org", name="Cy Three")
    confirm_all(client, mailoutbox)
    assert count_of(client, petition)["total"] == 3

    assert "Bea Two" in admin_client.get("/admin/signatures/signature/?us_state=IL").content.decode()
    assert "Bea Two" not in admin_client.get("/admin/signatures/signature/?us_state=CA").content.decode()
    found = admin_client.get("/admin/signatures/signature/?q=TWO@example.org").content.decode()
    assert "Bea Two" in found and "Cy Three" not in found
    assert "Cy Three" in admin_client.get("/admin/signatures/signature/?state__exact=verified").content.decode()

    ids = list(Signature.objects.filter(us_state="IL").values_list("pk", flat=True))
    asked = admin_client.post("/admin/signatures/signature/", {"action": "invalidate", "_selected_action": ids})
    assert "This affects 2 signatures." in asked.content.decode() and "This cannot be undone." in asked.content.decode()
    assert Signature.objects.filter(state="invalidated").count() == 0  # nothing happens before the confirmation
    response = admin_client.post(
        "/admin/signatures/signature/", {"action": "invalidate", "_selected_action": ids, "confirmed": "yes"}, follow=True
    )
    assert "2 signatures invalidated." in response.content.decode()
    counting.update_counts()
    clear_caches()
    assert count_of(client, petition)["total"] == 1


def test_the_csv_export_streams_counted_signatures_with_formulas_neutralized(client, admin_client, petition, mailoutbox):
    sign(client, petition, name='=HYPERLINK("http://evil")', email="evil@example.org")
    sign(client, petition, name="Ana Ruiz", email="ana@example.org", wants_updates="on")
    sign(client, petition, name="Pending Person", email="p@example.org")
    run_worker()
    for message in mailoutbox[:2]:
        client.post(link_in(message, "confirm"))
    run_worker()

    response = admin_client.get(f"/admin/signatures/campaign/{petition.pk}/export/")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2
    by_name = {r["Name"]: r for r in rows}
    assert '\'=HYPERLINK("http://evil")' in by_name
    assert by_name["Ana Ruiz"]["State"] == "IL"
    assert "ana@example.org" not in str(rows)  # the signers export has no addresses


def test_the_export_needs_an_organizer(client, petition):
    assert client.get(f"/admin/signatures/campaign/{petition.pk}/export/").status_code == 302


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralized_in_every_text_column(admin_client, letter, start):
    text = {"name": "N", "organization": "O", "role": "R", "organization_url": "U", "city": "C", "zip_code": "Z"}
    now = timezone.now()
    Signature.objects.create(
        campaign=letter, kind="organization", state="verified", verified_at=now, email_hash="h", checked=True,
        approved_at=now, email=f"{start}e@example.org", wants_updates=True, us_state=f"{start}S",
        **{k: f"{start}{v}" for k, v in text.items()},
    )  # fmt: skip
    Signature.objects.create(
        campaign=letter, state="verified", verified_at=now, email_hash="i", name="Plain -1", checked=True,
        email="plain@example.org", wants_updates=True,
    )  # fmt: skip
    for kind, columns in [("signers", ["Name", "Role", "City", "State"]),
                          ("supporters", ["Email", "Name", "Organization", "ZIP code", "City", "State"])]:  # fmt: skip
        response = admin_client.get(f"/admin/signatures/campaign/{letter.pk}/export/{kind}.csv")
        formula, plain = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline=""))
        for column in columns:
            assert formula[column].startswith(f"'{start}"), (kind, column, formula[column])
        assert plain["Name"] == "Plain -1"


def test_an_organizer_erases_a_signer_on_request(client, admin_client, petition, mailoutbox):
    sign(client, petition, email="forget-me@example.org", name="Forget Me", show_name="on")
    confirm_all(client, mailoutbox)
    assert count_of(client, petition)["total"] == 1
    found = Signature.objects.get()
    asked = admin_client.post("/admin/signatures/signature/", {"action": "erase", "_selected_action": [found.pk]})
    assert "This affects 1 signature." in asked.content.decode() and "Yes, erase their data" in asked.content.decode()
    assert Signature.objects.filter(name="Forget Me").exists()
    response = admin_client.post(
        "/admin/signatures/signature/", {"action": "erase", "_selected_action": [found.pk], "confirmed": "yes"}, follow=True
    )
    assert "1 signature erased." in response.content.decode()
    assert not Signature.objects.filter(name="Forget Me").exists()
    run_worker()
    clear_caches()
    assert count_of(client, petition)["total"] == 0
    assert Signature.objects.count() == 0
