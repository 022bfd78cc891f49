import pytest
from django.core.management import call_command

from contact.models import ContactMessage
from pages.models import SiteSettings

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Ana Ruiz",
    "email": "ana@example.org",
    "subject": "Our city",
    "message": "We want to organize in Tulsa.",
}


@pytest.fixture(autouse=True)
def organizers(db):
    settings_row = SiteSettings.load()
    settings_row.notification_emails = "organizers@example.org, second@example.org"
    settings_row.save()


def run_worker():
    call_command("worker", "--batch", "--no-periodic")


def test_a_message_is_stored_and_the_organizers_are_emailed_by_the_worker(client, mailoutbox):
    response = client.post("/get-involved/", GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/get-involved/thanks/"
    assert client.get("/get-involved/thanks/").status_code == 200
    message = ContactMessage.objects.get()
    assert message.message == GOOD["message"]
    assert mailoutbox == []  # sent by the worker, not during the request
    run_worker()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["organizers@example.org", "second@example.org"]
    assert "Ana Ruiz" in mailoutbox[0].subject
    assert f"/admin/contact/contactmessage/{message.pk}/change/" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", "Please tell us your name."),
        ("email", "", "Please give an email address"),
        ("email", "not-an-email", "Please enter a valid email address"),
        ("email", "a@b.org\r\nBcc: victim@example.org", "valid email address"),
        ("message", "", "Please write a message."),
        ("message", "x" * 5001, "Please keep your message under 5000 characters"),
        ("name", "x" * 101, "Please keep your name under 100 characters"),
        ("message", "Hello <script>alert(1)</script>", "Please remove the HTML"),
        ("name", "<b>Ana</b>", "Please remove the HTML"),
        ("name", "Ana\x00Ruiz", "control characters"),
    ],
)
def test_bad_input_gets_a_clear_error_and_keeps_what_was_typed(client, field, value, error):
    data = {**GOOD, field: value}
    response = client.post("/get-involved/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert error in html.replace("&#x27;", "'")
    assert ContactMessage.objects.count() == 0
    # Everything else typed is still in the form.
    for other, typed in GOOD.items():
        if other != field:
            assert typed in html


def test_the_page_shows_the_get_involved_text_and_social_links(client):
    call_command("load_default_content")
    from pages.models import SocialLink

    SocialLink.objects.create(name="Instagram", handle="@stopshotspotter", url="https://instagram.com/stopshotspotter")
    html = client.get("/get-involved/").content.decode()
    assert "organize where you live" in html
    assert "@stopshotspotter" in html
    assert 'name="message"' in html


def test_an_organizer_answers_from_the_admin_and_the_reply_is_emailed_once(admin_client, client, mailoutbox):
    client.post("/get-involved/", GOOD)
    message = ContactMessage.objects.get()
    url = f"/admin/contact/contactmessage/{message.pk}/change/"
    assert GOOD["message"] in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"status": "new", "reply": "Thanks, we will call you."})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "answered"
    assert message.replied_by.username == "admin"
    run_worker()
    replies = [m for m in mailoutbox if m.to == ["ana@example.org"]]
    assert len(replies) == 1
    assert "Thanks, we will call you." in replies[0].body
    assert replies[0].subject == "Re: Our city"
    # The reply is now read-only: saving again sends nothing more.
    admin_client.post(url, {"status": "answered"})
    run_worker()
    assert len([m for m in mailoutbox if m.to == ["ana@example.org"]]) == 1


def test_a_wrong_method_is_refused(client):
    assert client.put("/get-involved/").status_code == 405


def test_a_honeypot_submission_is_thanked_and_dropped(client):
    response = client.post("/get-involved/", {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 0


def test_a_forged_proof_of_work_gets_a_clear_error(client):
    response = client.post("/get-involved/", {**GOOD, "pow": "forged"})
    assert response.status_code == 400
    assert "The automatic spam check did not work" in response.content.decode()
    assert ContactMessage.objects.count() == 0


def test_messages_past_the_limit_are_held_without_notifying(client, mailoutbox):
    for i in range(5):
        client.post("/get-involved/", {**GOOD, "message": f"Message {i}"}, REMOTE_ADDR="198.51.100.3")
    run_worker()
    assert ContactMessage.objects.count() == 5
    assert ContactMessage.objects.filter(status="held").count() == 2
    assert len(mailoutbox) == 3


def test_a_solved_proof_of_work_raises_the_limit(client, monkeypatch):
    from defence import pow

    monkeypatch.setattr(pow, "BASE_DIFFICULTY", 20)
    for i in range(5):
        challenge = client.get("/defence/challenge.json", {"domain": "example.org"}, REMOTE_ADDR="198.51.100.4").json()
        payload = pow.solve(challenge)
        client.post("/get-involved/", {**GOOD, "message": f"Message {i}", "pow": payload}, REMOTE_ADDR="198.51.100.4")
    assert ContactMessage.objects.filter(status="new").count() == 5


def test_a_replayed_proof_of_work_is_refused(client, monkeypatch):
    from defence import pow

    monkeypatch.setattr(pow, "BASE_DIFFICULTY", 20)
    payload = pow.solve(client.get("/defence/challenge.json").json())
    assert client.post("/get-involved/", {**GOOD, "pow": payload}).status_code == 302
    assert client.post("/get-involved/", {**GOOD, "pow": payload}).status_code == 400
    assert ContactMessage.objects.count() == 1


def test_closing_a_message_from_its_page_is_recorded_without_the_senders_name(admin_client, client):
    from audit.models import AuditEntry

    client.post("/get-involved/", GOOD)
    message = ContactMessage.objects.get()
    response = admin_client.post(f"/admin/contact/contactmessage/{message.pk}/change/", {"status": "closed", "reply": ""})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "closed" and not message.replied_at
    entry = AuditEntry.objects.get(action="contact.status")
    assert entry.data == {"status": "closed"} and entry.actor.username == "admin"
    assert GOOD["name"] not in entry.object_repr
