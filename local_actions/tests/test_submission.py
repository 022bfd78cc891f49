"""'Add your local fight': a group sends it in, the organizers are emailed by the worker."""

import pytest
from django.test import Client

from local_actions.models import Submission

pytestmark = pytest.mark.django_db

GOOD = {
    "city": "Tulsa",
    "state": "OK",
    "status": "proposed",
    "description": "The police asked the council for a ShotSpotter pilot.\nThe vote is in March.",
    "source_url": "https://news.example/tulsa-shotspotter",
    "group_name": "Tulsa Community Safety",
    "group_url": "https://tulsa-safety.example",
    "contact_name": "Ana Ruiz",
    "contact_email": "ana@example.org",
}


def test_the_form_is_linked_from_the_map_and_has_labelled_fields(client):
    assert 'href="/local/add/"' in client.get("/local/").content.decode()
    html = client.get("/local/add/").content.decode()
    for field in GOOD:
        assert f'<label for="id_{field}">' in html
    assert '<option value="OK">Oklahoma</option>' in html
    assert "Proposed: A contract or pilot is being considered." in html
    assert "csrfmiddlewaretoken" in html


def test_a_submission_waits_for_review_and_the_worker_emails_the_organizers(client, organizers, mailoutbox, run_worker):
    response = client.post("/local/add/", GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/local/add/thanks/"
    assert "An organizer will review it" in client.get("/local/add/thanks/").content.decode()

    submission = Submission.objects.get()
    assert submission.review == Submission.Review.PENDING
    assert submission.city == "Tulsa" and "The vote is in March." in submission.description
    assert "Tulsa" not in client.get("/local/").content.decode()  # not on the map before approval

    assert mailoutbox == []  # the worker sends it, not the request
    run_worker()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == organizers
    assert "Tulsa, OK" in mail.subject
    assert "Ana Ruiz <ana@example.org>" in mail.body
    assert "The vote is in March." in mail.body
    assert f"/admin/local_actions/submission/{submission.pk}/change/" in mail.body


def test_no_recipients_means_no_email(client, mailoutbox, run_worker):
    client.post("/local/add/", GOOD)
    run_worker()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("city", "", "Please tell us the city."),
        ("city", "x" * 101, "Please keep the city under 100 characters"),
        ("city", "<b>Tulsa</b>", "Please remove the HTML"),
        ("city", "Tul\x07sa", "control characters"),
        ("state", "", "Please choose the state."),
        ("state", "ZZ", "Please choose a state from the list."),
        ("status", "", "Please choose where things stand."),
        ("status", "won", "Please choose one of the options."),
        ("description", "", "Please tell us what is happening."),
        ("description", "x" * 3001, "Please keep this under 3000 characters (it has 3001)"),
        ("description", "Vote <script>alert(1)</script>", "Please remove the HTML"),
        ("description", "Vote\x00soon", "control characters"),
        ("source_url", "not a link", "Please enter a full web address"),
        ("source_url", "javascript:alert(1)", "Please enter a full web address"),
        ("source_url", "https://example.org/" + "x" * 500, "Please keep the link under 500 characters"),
        ("group_url", "ftp://example.org", "Please enter a full web address"),
        ("group_name", "x" * 201, "under 200 characters"),
        ("contact_name", "", "Please tell us your name."),
        ("contact_name", "Ana\u202eRuiz", "control characters"),
        ("contact_email", "", "Please give an email address"),
        ("contact_email", "not-an-email", "Please enter a valid email address"),
        ("contact_email", "a@b.org\r\nBcc: victim@example.org", "valid email address"),
    ],
)
def test_bad_input_gets_a_clear_error_and_keeps_what_was_typed(client, mailoutbox, field, value, error):
    data = {**GOOD, field: value}
    response = client.post("/local/add/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'role="alert"' in html and f'href="#id_{field}"' in html
    assert 'aria-invalid="true"' in html
    assert Submission.objects.count() == 0
    # Everything else typed is still in the form.
    assert 'value="Ana Ruiz"' in html or field == "contact_name"
    assert "The vote is in March." in html or field == "description"
    assert 'value="https://news.example/tulsa-shotspotter"' in html or field == "source_url"
    assert '<option value="OK" selected>' in html or field == "state"


def test_optional_fields_may_be_empty_and_a_bare_domain_gets_https(client):
    data = {**GOOD, "source_url": "news.example/tulsa", "group_name": "", "group_url": ""}
    assert client.post("/local/add/", data).status_code == 302
    assert Submission.objects.get().source_url == "https://news.example/tulsa"


def test_csrf_protection_stays_on():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/local/add/", GOOD).status_code == 403
    assert Submission.objects.count() == 0


def test_only_get_and_post(client):
    assert client.put("/local/add/").status_code == 405
