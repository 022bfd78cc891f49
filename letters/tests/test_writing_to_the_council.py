"""A resident writes to the council before the vote, confirms, and the officials get one digest a day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from letters.digest import send_digests
from letters.models import Delivery, Digest, Letter

from .conftest import link_in, run_worker, write

pytestmark = pytest.mark.django_db


def confirm_all(client, smtp):
    for _, message in smtp.messages:
        if "Confirm your letter" in message["Subject"]:
            client.post(link_in(message.get_content(), "confirm"))


def test_a_resident_writes_confirms_and_the_officials_get_one_digest(client, fight, smtp):
    page = client.get("/local/chicago-il/").content.decode()
    assert "Write to your council before" in page
    assert "Please vote no on ShotSpotter." in page  # the suggested letter, prefilled
    assert "Ada Alder" in page and "Mo Mayor" in page

    response = write(client)
    assert response.status_code == 302 and response["Location"] == "/letters/chicago-il/sent/"
    assert smtp.messages == []  # the request only records; the worker sends
    run_worker()
    [(rcpts, message)] = smtp.messages
    assert rcpts == ["ana@example.org"]
    body = message.get_content()
    assert "Ada Alder" in body and "Mo Mayor" in body
    confirm_url = link_in(body, "confirm")

    # Opening the link only shows a button: nothing is owed to anyone yet.
    assert "Send my letter" in client.get(confirm_url).content.decode()
    assert Delivery.objects.count() == 0
    assert client.post(confirm_url).status_code == 200
    letter = Letter.objects.get()
    assert letter.state == "confirmed" and letter.resident and letter.unchanged
    assert letter.email is None  # no reply wanted: the address is gone once confirmed
    assert client.post(confirm_url).status_code == 200  # a replay changes nothing
    assert Delivery.objects.count() == 2

    page = client.get("/local/chicago-il/").content.decode()
    assert "1 letter so far: 1 from residents, 0 from elsewhere." in page

    smtp.messages.clear()
    assert send_digests() == 2
    for address in ("ward5@chicago.example", "mayor@chicago.example"):
        [digest] = smtp.to(address)
        assert digest["Subject"] == "1 letter about ShotSpotter (1 from residents of Chicago)"
        text = digest.get_content()
        assert "1 resident sent this letter:" in text
        assert "Ana Ruiz, Chicago, IL" in text
        assert "ana@example.org" not in text
    assert send_digests() == 0  # nothing more to send


def test_digest_puts_residents_first_groups_identical_letters_and_sends_once_a_day(client, fight, smtp):
    for i in range(3):
        write(client, name=f"Resident {i}", email=f"r{i}@example.org", ip=f"203.0.113.{i}")
    personal = "I was stopped twice after false alerts on my block."
    write(client, name="Pat Personal", email="pat@example.org", body=personal, reply_ok="on", ip="203.0.113.50")
    write(client, name="Vic Visitor", email="vic@example.org", zip_code="10001", ip="203.0.113.60")  # New York
    run_worker()
    confirm_all(client, smtp)
    assert Letter.objects.filter(state="confirmed").count() == 5
    assert Letter.objects.get(name="Vic Visitor").resident is False

    smtp.messages.clear()
    send_digests()
    [mayor] = smtp.to("mayor@chicago.example")
    assert mayor["Subject"] == "5 letters about ShotSpotter (4 from residents of Chicago)"
    text = mayor.get_content()
    residents, others = text.index("4 letters from residents of Chicago"), text.index("1 letter from people outside the city")
    assert residents < text.index("3 residents sent this letter:") < text.index("I was stopped twice") < others
    assert text.index("Vic Visitor, New York, NY") > others
    assert "pat@example.org" in text  # Pat asked to be replied to
    assert text.count("Please vote no on ShotSpotter.") == 2  # once per group, not once per letter
    assert Letter.objects.get(name="Pat Personal").email is None  # delivered everywhere: forgotten

    # A letter confirmed after today's digest waits for tomorrow's.
    write(client, name="Late Writer", email="late@example.org", ip="203.0.113.70")
    run_worker()
    client.post(link_in(smtp.to("late@example.org")[0].get_content(), "confirm"))
    smtp.messages.clear()
    assert send_digests() == 0
    assert send_digests(now=timezone.now() + timedelta(days=1, minutes=1)) == 2
    assert "Late Writer" in smtp.to("mayor@chicago.example")[0].get_content()
    assert Digest.objects.filter(official__name="Mo Mayor").count() == 2


def test_the_district_rule_writes_to_your_own_member_and_the_at_large_ones(client, fight, smtp):
    fight.recipients = "district"
    fight.save()
    write(client, zip_code="60614")
    write(client, email="far@example.org", zip_code="60620", ip="203.0.113.2")  # Chicago, another ward
    run_worker()
    confirm_all(client, smtp)
    near = Letter.objects.get(email_hash__isnull=False, zip_code="60614")
    far = Letter.objects.get(zip_code="60620")
    assert {d.official.name for d in near.deliveries.all()} == {"Ada Alder", "Mo Mayor"}
    assert {d.official.name for d in far.deliveries.all()} == {"Mo Mayor"}


def test_a_temporary_smtp_failure_is_retried_and_nothing_is_lost(client, fight, smtp):
    write(client)
    run_worker()
    client.post(link_in(smtp.messages[0][1].get_content(), "confirm"))
    smtp.messages.clear()
    smtp.refuse_first = 1  # "451 try again later" to the first digest
    assert send_digests() == 1
    assert Digest.objects.filter(sent_at__isnull=True, attempts=1).count() == 1
    assert send_digests(now=timezone.now() + timedelta(hours=1)) == 1
    assert len(smtp.messages) == 2  # each official got exactly one
    assert Digest.objects.filter(sent_at__isnull=True).count() == 0


def test_withdrawing_before_delivery_removes_the_letter(client, fight, smtp):
    write(client)
    run_worker()
    body = smtp.messages[0][1].get_content()
    client.post(link_in(body, "confirm"))
    withdraw_url = link_in(body, "withdraw")
    assert "Withdraw my letter" in client.get(withdraw_url).content.decode()
    assert client.post(withdraw_url).status_code == 200
    assert Letter.objects.count() == 0 and Delivery.objects.count() == 0
    smtp.messages.clear()
    assert send_digests() == 0 and smtp.messages == []
    assert client.post(withdraw_url).status_code == 404  # spent


def test_example_officials_are_never_emailed(client, fight, smtp):
    fight.officials.update(is_example=True)
    write(client)
    run_worker()
    client.post(link_in(smtp.messages[0][1].get_content(), "confirm"))
    smtp.messages.clear()
    assert send_digests() == 0 and smtp.messages == []
    assert "letters are not emailed to them" in client.get("/local/chicago-il/").content.decode()


def test_officials_imported_from_csv_replace_the_examples_and_get_the_waiting_letters(admin_client, client, fight, smtp):
    fight.officials.update(is_example=True)
    write(client)
    run_worker()
    client.post(link_in(smtp.messages[0][1].get_content(), "confirm"))

    csv = (
        "\ufeffName,Role,District,Email,ZIP codes\r\n"
        "Jo Real,Alderperson,5,jo@chicago.example,60614\r\n"
        "Mo Real,Mayor,,mo@chicago.example,\r\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("officials.csv", csv.encode(), content_type="text/csv")
    response = admin_client.post(f"/admin/letters/letteraction/{fight.pk}/import/", {"file": upload, "replace": "on"})
    assert response.status_code == 302
    assert sorted(fight.officials.values_list("name", "role", flat=False)) == [("Jo Real", "council"), ("Mo Real", "mayor")]
    assert AuditEntry.objects.filter(action="letters.import_officials", rows=2).exists()
    smtp.messages.clear()
    assert send_digests() == 2
    assert smtp.to("jo@chicago.example") and smtp.to("mo@chicago.example")


def test_a_bad_officials_file_saves_nothing_and_says_why(admin_client, fight):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "name,email\nGood One,good@chicago.example\nBad One,not-an-address\n"
    upload = SimpleUploadedFile("officials.csv", csv.encode(), content_type="text/csv")
    response = admin_client.post(f"/admin/letters/letteraction/{fight.pk}/import/", {"file": upload, "replace": "on"})
    assert response.status_code == 200
    assert "Row 3 (Bad One): “not-an-address” is not a valid email address." in response.content.decode()
    assert fight.officials.count() == 2  # the old list is intact


def test_organizers_download_every_letter_for_a_hearing(admin_client, client, fight, smtp):
    write(client, reply_ok="on")
    run_worker()
    client.post(link_in(smtp.messages[0][1].get_content(), "confirm"))
    response = admin_client.get(f"/admin/letters/letteraction/{fight.pk}/download/")
    text = response.content.decode()
    assert response.status_code == 200 and "Ana Ruiz, Chicago, IL" in text
    assert "ana@example.org" not in text  # a hearing's copy is public
    assert AuditEntry.objects.filter(action="letters.download").exists()


def test_after_signing_the_petition_the_thank_you_page_points_to_the_nearest_open_letter(client, fight):
    from signatures.models import Campaign

    petition = Campaign.objects.create(kind="petition", slug="p", title="Stop it", target="CEO", summary="S", body="B")
    page = client.get(f"/petition/{petition.slug}/thank-you/?zip=60614").content.decode()
    assert "Near you: Chicago votes soon" in page
    assert "/local/chicago-il/#write" in page
    assert "And add your name to the national petition" in client.get("/local/chicago-il/").content.decode()


def test_the_result_closes_the_letter_and_shows_on_the_page(client, fight):
    from letters import services

    services.set_result(None, fight, "The council voted 30-19 to end the contract.")
    page = client.get("/local/chicago-il/").content.decode()
    assert "The council voted 30-19 to end the contract." in page
    assert "Send my letter" not in page
    assert write(client).status_code == 410
    assert Letter.objects.count() == 0


def test_a_letter_written_on_the_spanish_site_is_confirmed_in_spanish(client, fight, smtp):
    response = client.post(
        "/es/letters/chicago-il/",
        {"name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614", "body": "Voten no, por favor."},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302 and response["Location"] == "/es/letters/chicago-il/sent/"
    run_worker()
    [(_, message)] = smtp.messages
    assert message["Subject"] == "Confirma tu carta al concejo de Chicago"
    assert "/es/letters/confirm/" in message.get_content()


def test_the_thank_you_page_does_not_name_the_letters_city_twice(client, fight):
    from local_actions.models import LocalAction
    from signatures.models import Campaign

    LocalAction.objects.filter(pk=fight.local_action_id).update(latitude=41.88, longitude=-87.63)
    LocalAction.objects.create(city="Boston", state="MA", slug="boston-ma", status="active", latitude=42.36, longitude=-71.06)
    petition = Campaign.objects.create(kind="petition", slug="p", title="Stop it", target="CEO", summary="S", body="B")
    page = client.get(f"/petition/{petition.slug}/thank-you/?zip=60614").content.decode()
    # The letter names Chicago; the nearest-fight section then offers the next city, not Chicago again.
    assert "Near you: Chicago votes soon" in page
    assert "The nearest local fight: Chicago" not in page
    assert "The nearest local fight: Boston, MA" in page
