"""A signer checks, from their own confirmation email, that their signature is in a delivery."""

import datetime
import re

import pytest
from django.utils import timezone

from delivery import services
from delivery.models import Delivery
from signatures import receipts

from .conftest import add, deliver, run_worker, sha256

pytestmark = pytest.mark.django_db


def receipt_in(message) -> tuple[str, str]:
    """The receipt code and the check link from an email."""
    code = re.search(r"^(\d+-[0-9A-F]{20})$", message.body, re.MULTILINE).group(1)
    link = re.search(r"https?://[^/\s]+(/delivery/check/\?code=\S+)", message.body).group(1)
    return code, link


def test_the_confirmation_email_carries_a_code_that_finds_the_delivery(client, admin_client, petition, mailoutbox):
    client.post("/petition/p/sign/", {"signer": "individual", "name": "Ana Ruiz", "email": "ana@example.org",
                                      "zip_code": "60614"})  # fmt: skip
    run_worker()
    (message,) = mailoutbox
    assert "your name, city and state go to the target; your email address never does" in message.body
    code, link = receipt_in(message)
    confirm = re.search(r"https?://[^/\s]+(/signature/confirm/[^\s/]+/)", message.body).group(1)
    client.post(confirm)
    run_worker()

    before = client.get(link)
    assert before.status_code == 200
    assert "not in any published delivery yet" in before.content.decode()
    assert before["Cache-Control"].startswith("max-age=0")  # an answer about one person is never cached

    deliver(admin_client, petition, recipient="The CEO of SoundThinking")
    run_worker()
    delivery = Delivery.objects.get()
    page = client.get(link).content.decode()
    assert "Your signature is in the delivery of Dec. 4, 2026" in " ".join(page.split())
    assert f"/delivery/{delivery.pk}/" in page
    # The signer can also check the public manifest on their own: the hash of their code is in it.
    manifest = client.get(f"/delivery/{delivery.pk}/manifest.json")
    assert f'"{sha256(code.encode())}"'.encode() in b"".join(manifest.streaming_content)
    assert sha256(code.encode()) in page

    # Codes are forgiving of case and spaces, and strict about the rest.
    assert client.get("/delivery/check/", {"code": f"  {code.lower()} "}).status_code == 200
    number, mac = code.split("-")
    forged = f"{int(number) + 1}-{mac}"
    response = client.get("/delivery/check/", {"code": forged})
    assert response.status_code == 400
    assert "This is not a receipt code from our emails" in response.content.decode()
    lookalikes = ["\uff11\uff12-" + mac, number + "-" + mac[:-1] + "\u0660"]  # full-width and Arabic-Indic digits
    for bad in ["", "x" * 500, "' OR 1=1 --", "<script>alert(1)</script>", "\x00", *lookalikes]:
        response = client.get("/delivery/check/", {"code": bad})
        assert response.status_code in (200, 400)
        assert "<script>alert" not in response.content.decode()
    assert client.get("/delivery/check/").status_code == 200  # the empty form
    assert client.post("/delivery/check/").status_code == 405


def test_a_withdrawn_signer_is_not_in_later_deliveries(client, admin_client, petition):
    stays, leaves = add(petition, "Stays Here"), add(petition, "Leaves Later")
    deliver(admin_client, petition, recipient="First target")
    run_worker()
    from signatures import services as signing

    signing.withdraw(leaves.pk)
    run_worker()
    deliver(admin_client, petition, recipient="Second target")
    run_worker()
    first, second = Delivery.objects.order_by("pk")
    assert (first.count, second.count) == (2, 1)
    held = {d.recipient for d in services.deliveries_holding(leaves.pk)}
    assert held == {"First target"}  # in the delivery made before they withdrew, and only that one
    assert {d.recipient for d in services.deliveries_holding(stays.pk)} == {"First target", "Second target"}
    response = client.get("/delivery/check/", {"code": receipts.code_for(leaves.pk)})
    assert "First target" in response.content.decode() and "Second target" not in response.content.decode()


def test_the_sign_forms_say_what_goes_to_the_target_before_signing(client, petition, letter):
    page = " ".join(client.get("/petition/p/").content.decode().split())
    consent = "By signing you agree that your name, city and state go to The CEO when we deliver the signatures"
    assert consent in page
    assert page.index(consent) < page.index(">Sign</button>")
    assert 'aria-describedby="consent-individual"' in page
    assert "Your email address and ZIP code never do" in page
    page = " ".join(client.get("/letter/l/").content.decode().split())
    org_consent = "your organization's name, city and state, with your role, go to The company"
    assert org_consent in page
    assert page.index(org_consent) < page.index("Sign for my organization</button>")


def test_names_leave_the_server_after_the_retention_period_but_the_manifest_stays(admin_client, client, petition, settings):
    settings.DELIVERY_FILE_DAYS = 30
    add(petition, "Ana Ruiz")
    deliver(admin_client, petition)
    run_worker()
    delivery = Delivery.objects.get()
    pdf_path = delivery.pdf.path
    assert services.purge_files(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert services.purge_files(now=timezone.now() + datetime.timedelta(days=31)) == 1
    delivery.refresh_from_db()
    assert not delivery.pdf and not delivery.csv and delivery.files_deleted_at
    assert not __import__("os").path.exists(pdf_path)
    assert admin_client.get(f"/admin/delivery/delivery/{delivery.pk}/file/pdf/").status_code == 404
    assert client.get(f"/delivery/{delivery.pk}/manifest.json").status_code == 200
    assert delivery.pdf_sha256  # the record keeps what it held


def test_organizers_see_the_record_and_can_retry_a_failed_build(admin_client, petition):
    only = add(petition, "Only One")
    deliver(admin_client, petition, recipient="Council")
    from signatures import services as signing

    signing.withdraw(only.pk)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    changelist = admin_client.get("/admin/delivery/delivery/").content.decode()
    assert "Council" in changelist and "Failed" in changelist
    add(petition, "Someone New")
    response = admin_client.post("/admin/delivery/delivery/", {"action": "build_again", "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.READY and delivery.count == 1
    page = admin_client.get(f"/admin/delivery/delivery/{delivery.pk}/change/").content.decode()
    assert delivery.pdf_sha256 in page and "None: every signature that counts" in page
    # The record is fixed once made; only its listing on the campaign page can change.
    admin_client.post(f"/admin/delivery/delivery/{delivery.pk}/change/", {"listed": ""})
    delivery.refresh_from_db()
    assert not delivery.listed and delivery.count == 1
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="delivery.unlisted").exists()
    assert AuditEntry.objects.filter(action="delivery.rebuild").exists()


def test_a_packet_is_built_once_and_a_mistaken_delivery_can_be_deleted_on_the_record(admin_client, petition):
    add(petition, "Ana Ruiz")
    deliver(admin_client, petition)
    run_worker()
    delivery = Delivery.objects.get()
    assert services.build(delivery.pk) is None  # a replayed task finds it built and leaves it alone
    manifest_path = delivery.manifest.path
    response = admin_client.post(f"/admin/delivery/delivery/{delivery.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Delivery.objects.exists()
    assert not __import__("os").path.exists(manifest_path)
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="delivery.deleted")
    assert entry.actor_name == "admin" and entry.data["pdf_sha256"] == delivery.pdf_sha256
