import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

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


def reply_url(message):
    return f"/admin/contact/contactmessage/{message.pk}/reply/"


def test_an_organizer_answers_from_the_admin_and_the_reply_is_emailed_once(admin_client, client, mailoutbox):
    client.post("/get-involved/", GOOD)
    message = ContactMessage.objects.get()
    url = f"/admin/contact/contactmessage/{message.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert GOOD["message"] in page
    assert ">Send</button>" in page
    assert "If they answer, their email goes to organizers@example.org, second@example.org." in page
    response = admin_client.post(reply_url(message), {"body": "Hi Ana,\n\nThanks, we will call you.", "replies_seen": 0})
    assert response.status_code == 302 and response["Location"] == url
    message.refresh_from_db()
    assert message.status == "answered"
    assert message.replies.get().sent_by.username == "admin"
    # The same form sent again (a double click, a reload) adds nothing.
    admin_client.post(reply_url(message), {"body": "Hi Ana,\n\nThanks, we will call you.", "replies_seen": 0})
    assert message.replies.count() == 1
    run_worker()
    run_worker()
    replies = [m for m in mailoutbox if m.to == ["ana@example.org"]]
    assert len(replies) == 1
    assert replies[0].subject == "Re: Our city"
    assert message.replies.get().sent_at is not None
    assert "sent " in admin_client.get(url).content.decode()


def test_the_reply_email_has_the_organizers_as_reply_to_and_the_text_as_written(admin_client, client, mailoutbox):
    client.post("/get-involved/", {**GOOD, "message": "First line.\nSecond line."})
    message = ContactMessage.objects.get()
    admin_client.post(reply_url(message), {"body": "Dear Ana,\n\nSee you Tuesday.\nMaria", "replies_seen": 0})
    run_worker()
    email = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    headers = email.message()
    assert headers["To"] == "ana@example.org"
    assert headers["Reply-To"] == "organizers@example.org, second@example.org"
    assert headers["From"] == settings.DEFAULT_FROM_EMAIL
    assert headers["Subject"] == "Re: Our city"
    # The organizer's own greeting opens the email: no "Hello Ana," of ours before it.
    assert email.body.startswith("Dear Ana,\n\nSee you Tuesday.\nMaria\n")
    assert email.body.count("Ana") == 1
    assert "> First line.\n> Second line." in email.body


def test_without_organizer_addresses_the_reply_to_is_the_replying_organizers_own(admin_client, admin_user, client, mailoutbox):
    SiteSettings.objects.update(notification_emails="")
    admin_user.email = "maria@example.org"
    admin_user.save()
    client.post("/get-involved/", GOOD)
    message = ContactMessage.objects.get()
    admin_client.post(reply_url(message), {"body": "Thanks!", "replies_seen": 0})
    run_worker()
    email = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    assert email.message()["Reply-To"] == "maria@example.org"


def test_a_thread_of_several_replies_each_emailed_once(admin_client, client, mailoutbox):
    client.post("/get-involved/", GOOD)
    message = ContactMessage.objects.get()
    admin_client.post(reply_url(message), {"body": "First answer.", "replies_seen": 0})
    run_worker()
    admin_client.post(reply_url(message), {"body": "A second thought.", "replies_seen": 1})
    run_worker()
    bodies = [m.body for m in mailoutbox if m.to == ["ana@example.org"]]
    assert len(bodies) == 2
    assert bodies[0].startswith("First answer.") and bodies[1].startswith("A second thought.")
    page = admin_client.get(f"/admin/contact/contactmessage/{message.pk}/change/").content.decode()
    assert page.index("First answer.") < page.index("A second thought.")
    assert 'name="replies_seen" value="2"' in page


def test_an_empty_reply_is_refused_with_a_message(admin_client, client, mailoutbox):
    client.post("/get-involved/", GOOD)
    message = ContactMessage.objects.get()
    response = admin_client.post(reply_url(message), {"body": "  ", "replies_seen": 0}, follow=True)
    assert "Write your reply before pressing Send." in response.content.decode()
    assert not message.replies.exists()


def test_a_reply_to_a_spanish_message_quotes_it_in_spanish(admin_client, client, mailoutbox):
    client.post("/es/get-involved/", {**GOOD, "subject": ""})
    message = ContactMessage.objects.get()
    assert message.language == "es"
    admin_client.post(reply_url(message), {"body": "Hola Ana, gracias.", "replies_seen": 0})
    run_worker()
    email = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    assert "Escribiste el" in email.body
    assert email.subject.startswith("Tu mensaje a")


def test_a_temporary_mail_failure_is_tried_again_and_shown(admin_client, client, mailoutbox, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    client.post("/get-involved/", GOOD)
    message = ContactMessage.objects.get()
    admin_client.post(reply_url(message), {"body": "Thanks!", "replies_seen": 0})
    real = EmailBackend.send_messages

    def busy(self, messages):
        if messages[0].to == ["ana@example.org"]:
            raise smtplib.SMTPResponseException(451, b"try later")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", busy)
    run_worker()
    reply = message.replies.get()
    assert reply.sent_at is None and "451" in reply.send_error and not reply.gave_up
    assert "it will be tried again" in admin_client.get(f"/admin/contact/contactmessage/{message.pk}/change/").content.decode()
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    bodies = [m.body for m in mailoutbox if m.to == ["ana@example.org"]]
    assert len(bodies) == 1 and bodies[0].startswith("Thanks!")


def test_someone_who_may_only_view_messages_is_offered_no_reply(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_contactmessage"))
    client.force_login(user)
    message = ContactMessage.objects.create(name="Ana", email="ana@example.org", message="Hi")
    assert ">Send</button>" not in client.get(f"/admin/contact/contactmessage/{message.pk}/change/").content.decode()
    assert client.post(reply_url(message), {"body": "x", "replies_seen": 0}).status_code == 403
    assert not message.replies.exists()


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
    response = admin_client.post(f"/admin/contact/contactmessage/{message.pk}/change/", {"status": "closed"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "closed" and not message.replies.exists()
    entry = AuditEntry.objects.get(action="contact.status")
    assert entry.data == {"status": "closed"} and entry.actor.username == "admin"
    assert GOOD["name"] not in entry.object_repr
