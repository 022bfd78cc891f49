"""Packets as organizers make them in the admin and the worker builds them."""

import csv
import io

import pytest
from django.core import mail

from audit.models import AuditEntry
from delivery.models import Delivery
from local_actions.models import LocalAction
from signatures import receipts, services

from .conftest import add, deliver, download, listed_entries, manifest_of, organization, pdf_text, run_worker, sha256

pytestmark = pytest.mark.django_db


def test_a_petition_packet_lists_exactly_the_confirmed_signers_in_order(admin_client, client, petition):
    ana = add(petition, "Ana Ruiz")
    bo = add(petition, "Bo Chen", zip_code="10001", city="New York", us_state="NY")
    add(petition, "Pending Person", state="pending")
    add(petition, "Flagged Bot", state="flagged")
    add(petition, "Struck Out", state="invalidated")
    leaving = add(petition, "Leaving Soon")
    cy = add(petition, "Cy Okafor", zip_code="94110", city="San Francisco", us_state="CA")
    assert services.withdraw(leaving.pk) is services.Outcome.DONE  # withdrew before the delivery

    response = deliver(admin_client, petition, recipient="The CEO of SoundThinking")
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED  # built by the worker, not in the request
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.READY, delivery.error
    assert delivery.count == 3

    pdf, csv_bytes = download(admin_client, delivery, "pdf"), download(admin_client, delivery, "csv")
    cover, signers = pdf_text(pdf)
    assert listed_entries(signers) == ["Ana Ruiz Chicago, IL", "Bo Chen New York, NY", "Cy Okafor San Francisco, CA"]
    assert "Stop it" in cover and "The CEO of SoundThinking" in cover and "3 verified signatures" in cover
    assert "Text of the petition." in cover  # the campaign's text, Markdown made plain
    for state, count in (("Illinois", 1), ("New York", 1), ("California", 1)):
        assert f"{state} {count}" in cover
    rows = list(csv.reader(io.StringIO(csv_bytes.decode())))
    assert rows == [
        ["number", "type", "name", "role", "city", "state"],
        ["1", "individual", "Ana Ruiz", "", "Chicago", "IL"],
        ["2", "individual", "Bo Chen", "", "New York", "NY"],
        ["3", "individual", "Cy Okafor", "", "San Francisco", "CA"],
    ]
    # No email address (nor an individual's ZIP code) anywhere in the packet.
    for text in (cover, signers, csv_bytes.decode()):
        assert "@" not in text and "60614" not in text and "10001" not in text

    manifest = manifest_of(client, delivery)  # public: anyone may download it
    assert manifest["count"] == 3
    assert manifest["date"] == "2026-12-04"
    assert manifest["files"]["pdf"]["sha256"] == sha256(pdf) == delivery.pdf_sha256
    assert manifest["files"]["csv"]["sha256"] == sha256(csv_bytes) == delivery.csv_sha256
    assert manifest["signature_hashes"] == [sha256(receipts.code_for(s.pk).encode()) for s in (ana, bo, cy)]
    assert "@" not in str(manifest) and "Ana" not in str(manifest)

    # On the record: who asked for it, with which filters, and what the worker made.
    requested = AuditEntry.objects.get(action="delivery.requested")
    assert requested.actor_name == "admin" and requested.data["filters"] == {}
    built = AuditEntry.objects.get(action="delivery.built")
    assert built.rows == 3 and built.data["pdf_sha256"] == delivery.pdf_sha256
    assert AuditEntry.objects.filter(action="delivery.download_pdf", actor_name="admin").count() == 1


def test_an_open_letter_lists_approved_organizations_first_without_their_contacts_names(admin_client, letter):
    early = add(letter, "Early Individual", zip_code="", city="", us_state="")
    acme = organization(letter, "Acme Coalition", "Executive Director", city="Oakland", us_state="CA")
    organization(letter, "Unvetted Group", "Chair", approved=False)
    late = add(letter, "Late Individual")
    beta = organization(letter, "Beta Rights Network", "Policy Lead", city="Austin", us_state="TX")

    deliver(admin_client, letter, recipient="The company's board")
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.count == 4
    cover, signers = pdf_text(download(admin_client, delivery, "pdf"))
    assert listed_entries(signers) == [
        "Acme Coalition Oakland, CA",
        "Beta Rights Network Austin, TX",
        "Early Individual",
        "Late Individual Chicago, IL",
    ]
    assert signers.index("Organizations") < signers.index("Acme Coalition") < signers.index("Individuals")
    assert "Executive Director" in signers and "Policy Lead" in signers
    assert "Contact Person" not in signers and "Unvetted" not in signers and "@" not in signers
    assert "including 2 organizations, listed first" in cover
    rows = list(csv.reader(io.StringIO(download(admin_client, delivery, "csv").decode())))
    assert rows[1] == ["1", "organization", "Acme Coalition", "Executive Director", "Oakland", "CA"]
    assert [r[2] for r in rows[1:]] == ["Acme Coalition", "Beta Rights Network", "Early Individual", "Late Individual"]
    assert "Contact Person" not in str(rows)
    hashes = manifest_of(admin_client, delivery)["signature_hashes"]
    assert hashes == [sha256(receipts.code_for(s.pk).encode()) for s in (acme, beta, early, late)]


def test_a_city_packet_holds_its_residents_only_counted_by_zip(admin_client, petition):
    chicago = LocalAction.objects.create(city="Chicago", state="IL", slug="chicago-il", latitude=41.88, longitude=-87.63)
    add(petition, "Lincoln Park", zip_code="60614")
    add(petition, "Elsewhere", zip_code="62701", city="Springfield", us_state="IL")
    add(petition, "Hyde Park", zip_code="60637")
    add(petition, "Other Chicago", zip_code="", city="Chicago", us_state="OH")  # same name, another state
    add(petition, "Lakeview", zip_code="60614")

    assert deliver(admin_client, petition, recipient="Chicago City Council", local_action=chicago.pk).status_code == 302
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.city, delivery.city_state, delivery.count) == ("Chicago", "IL", 3)
    cover, signers = pdf_text(download(admin_client, delivery, "pdf"))
    assert listed_entries(signers) == ["Lincoln Park Chicago, IL", "Hyde Park Chicago, IL", "Lakeview Chicago, IL"]
    assert "Signers who live in Chicago, IL" in cover
    assert "Signatures by ZIP code" in cover and "60614 2" in cover and "60637 1" in cover
    assert "60614" not in signers  # counted on the cover, never printed beside a name
    assert manifest_of(admin_client, delivery)["filters"] == {"city": "Chicago", "city_state": "IL"}


def test_filters_by_state_and_date_range(admin_client, petition):
    import datetime

    from django.utils import timezone

    def on(day):
        return timezone.make_aware(datetime.datetime(2026, 11, day, 12))

    add(petition, "Too Early", created_at=on(1))
    add(petition, "In Range IL", created_at=on(10))
    add(petition, "In Range NY", created_at=on(11), zip_code="10001", city="New York", us_state="NY")
    add(petition, "In Range CA", created_at=on(12), zip_code="94110", city="San Francisco", us_state="CA")
    add(petition, "Too Late", created_at=on(20))
    deliver(admin_client, petition, us_states=["IL", "NY"], signed_from="2026-11-05", signed_until="2026-11-15")
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.count == 2
    cover, signers = pdf_text(download(admin_client, delivery, "pdf"))
    assert listed_entries(signers) == ["In Range IL Chicago, IL", "In Range NY New York, NY"]
    assert "Signers in Illinois, New York" in cover


def test_the_campaign_page_lists_deliveries_and_anyone_can_fetch_the_manifest(admin_client, client, petition):
    for i in range(3):
        add(petition, f"Signer {i}")
    deliver(admin_client, petition, recipient="The CEO of SoundThinking")
    deliver(admin_client, petition, recipient="A private meeting", listed="")
    run_worker()
    listed, unlisted = Delivery.objects.get(listed=True), Delivery.objects.get(listed=False)
    page = client.get("/petition/p/").content.decode()
    assert "Delivered to The CEO of SoundThinking on Dec. 4, 2026: 3 signatures" in " ".join(page.split())
    assert f"/delivery/{listed.pk}/manifest.json" in page and "A private meeting" not in page
    assert client.get(f"/delivery/{unlisted.pk}/manifest.json").status_code == 404
    detail = client.get(f"/delivery/{listed.pk}/")
    assert detail.status_code == 200 and listed.pdf_sha256 in detail.content.decode()
    # The names themselves are for organizers only.
    assert client.get(f"/admin/delivery/delivery/{listed.pk}/file/pdf/").status_code == 302  # to the login page


def test_names_the_font_lacks_and_injection_attempts(admin_client, petition):
    names = [
        "Zoë 🌻 Ångström",  # emoji among Latin letters
        "王小明",  # a script the font does not cover
        "Ἀριστοτέλης Παπαδόπουλος",  # Greek
        "Наталья Иванова",  # Cyrillic
        '=HYPERLINK("http://evil.example","x")',  # a spreadsheet formula
        ") Tj /F2 99 Tf (pwned",  # PDF operators in a name
        "+1 Plus",
    ]
    for name in names:
        add(petition, name)
    add(petition, "Right To Left\u202e Mark", city="@Chicago")
    deliver(admin_client, petition)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.READY, delivery.error
    cover, signers = pdf_text(download(admin_client, delivery, "pdf"))
    entries = listed_entries(signers)
    assert entries[0] == "Zoë \ufffd Ångström Chicago, IL"
    assert entries[1] == "\ufffd Chicago, IL"
    assert entries[2:7] == [f"{name} Chicago, IL" for name in names[2:]]  # printed as text, not obeyed
    assert entries[7] == "Right To Left Mark @Chicago, IL"  # the invisible override is dropped
    assert "shown as \ufffd; the CSV gives every name exactly as signed" in " ".join(cover.split())
    rows = list(csv.reader(io.StringIO(download(admin_client, delivery, "csv").decode())))
    assert [r[2] for r in rows[1:]] == [
        "Zoë 🌻 Ångström", "王小明", "Ἀριστοτέλης Παπαδόπουλος", "Наталья Иванова",
        "'=HYPERLINK(\"http://evil.example\",\"x\")", ") Tj /F2 99 Tf (pwned", "'+1 Plus", "Right To Left\u202e Mark",
    ]  # fmt: skip
    assert rows[8][4] == "'@Chicago"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"us_states": ["AK"]}, "No confirmed signature matches these filters"),
        ({"signed_from": "2026-12-05", "signed_until": "2026-12-01"}, "The end of the date range is before its start"),
        ({"city": "Chicago"}, "Which state is the city in?"),
        ({"city_state": "IL"}, "Type the city&#x27;s name"),
        ({"city": "Nowhere", "city_state": "IL"}, "No confirmed signature matches these filters"),
        ({"us_states": ["ZZ"]}, "Select a valid choice"),
        ({"signed_from": "yesterday"}, "Enter a valid date"),
    ],
)
def test_bad_selections_get_a_clear_message_and_no_delivery(admin_client, petition, filters, message):
    add(petition, "Ana Ruiz", created_at=__import__("django.utils.timezone").utils.timezone.now())
    response = deliver(admin_client, petition, **filters)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_campaign_without_confirmed_signatures_has_nothing_to_deliver(admin_client, petition):
    add(petition, "Still Pending", state="pending")
    response = deliver(admin_client, petition)
    assert "This campaign has no confirmed signatures yet" in response.content.decode()
    assert not Delivery.objects.exists()
    assert deliver(admin_client, petition, recipient="").status_code == 200  # a required field, not a 500


def test_a_selection_emptied_before_the_build_fails_cleanly(admin_client, petition):
    only = add(petition, "Only One")
    deliver(admin_client, petition)
    services.withdraw(only.pk)  # withdrew while the packet waited for the worker
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "No confirmed signature matched" in delivery.error
    assert not delivery.pdf and not delivery.manifest
    assert AuditEntry.objects.filter(action="delivery.failed").exists()
    assert mail.outbox == []
