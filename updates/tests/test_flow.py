"""The whole flow with a real SMTP server: write, approve, send to a filtered audience, one-click unsubscribe, next update."""

import pytest
from django.core.cache import cache
from django.test import Client

from audit.models import AuditEntry
from signatures import counting
from signatures.models import Signature
from updates.models import Recipient, Update

from .conftest import run_worker, supporter, unsubscribe_path

pytestmark = pytest.mark.django_db

BODY = "The council votes on **Tuesday**.\n\nCome: [the agenda](https://city.example/agenda?item=12).\n"


def write(client, campaign, **overrides):
    data = {
        "campaign": campaign.pk, "subject": "Council vote on Tuesday", "body": BODY, "audience": "states",
        "us_states": ["IL"], "near": "city", "radius_miles": "",
        "translations-TOTAL_FORMS": "1", "translations-INITIAL_FORMS": "0",
        "translations-0-language": "es", "translations-0-subject": "Votación el martes",
        "translations-0-body": "El concejo vota el **martes**.",
    }  # fmt: skip
    data.update(overrides)
    response = client.post("/admin/updates/update/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Update.objects.latest("pk")


def act(client, update, action, **data):
    response = client.post(f"/admin/updates/update/{update.pk}/do/{action}/", data)
    assert response.status_code == 302
    return [str(m) for m in response.wsgi_request._messages]


def test_write_approve_send_unsubscribe_in_one_click_and_the_next_update_skips_them(
    client, sink, campaign, author, approver
):
    chicago = supporter(campaign, "ana@example.org")
    spanish = supporter(campaign, "luis@example.org", zip_code="60608", language="es")
    supporter(campaign, "cal@example.org", zip_code="94110", city="San Francisco", us_state="CA")
    supporter(campaign, "quiet@example.org", wants_updates=False)
    counting.update_counts()
    assert counting.public_counts(campaign.pk)["total"] == 4

    client.force_login(author)
    update = write(client, campaign)
    assert update.author == author and update.status == "draft"
    page = client.get(f"/admin/updates/update/{update.pk}/change/").content.decode()
    assert "2 supporters who asked for updates" in page
    preview = client.get(f"/admin/updates/update/{update.pk}/preview/").content.decode()
    assert "Votación el martes" in preview and "<strong>Tuesday</strong>" in preview
    assert "unsubscribe.invalid" not in preview and "own link to stop updates" in preview

    # The author cannot approve their own update, nor start it unapproved.
    assert "another organizer has to approve it" in " ".join(act(client, update, "approve"))
    assert "Only an approved update" in " ".join(act(client, update, "start"))
    update.refresh_from_db()
    assert update.status == "draft"
    run_worker()
    assert sink.updates() == []

    client.force_login(approver)
    assert "Approved" in " ".join(act(client, update, "approve"))
    client.force_login(author)
    assert "Sending starts" in " ".join(act(client, update, "start"))
    run_worker()

    update.refresh_from_db()
    assert update.status == "sent"
    received = sink.updates()
    assert sorted(r.to for r in received) == ["ana@example.org", "luis@example.org"]  # IL only, each once
    english, = sink.to("ana@example.org")
    assert english.subject == "Council vote on Tuesday"
    assert "You receive this because you signed \"Stop it\" and asked for updates" in english.text
    assert "the agenda (https://city.example/agenda?item=12)" in english.text
    html = english.part("html")
    assert '<a href="https://city.example/agenda?item=12"' in html  # the link as written: no rewriting
    assert "<img" not in html
    assert english.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    spanish_mail, = sink.to("luis@example.org")
    assert spanish_mail.subject == "Votación el martes" and "El concejo vota" in spanish_mail.text
    assert Recipient.objects.filter(update=update, state="sent").count() == 2

    # One click in the mail client: a POST without cookies or CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe_path(english), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "We will not send you updates" in response.content.decode()
    chicago.refresh_from_db()
    assert (chicago.wants_updates, chicago.email, chicago.state) == (False, None, "verified")
    counting.update_counts()
    cache.clear()
    assert counting.public_counts(campaign.pk)["total"] == 4  # the signature still counts

    # The next update reaches the others, not them.
    second = write(client, campaign, subject="We won", body="The contract is cancelled.", **{"translations-TOTAL_FORMS": "0"})
    client.force_login(approver)
    act(client, second, "approve")
    act(client, second, "start")
    run_worker()
    assert [r.to for r in sink.updates() if r.subject == "We won"] == ["luis@example.org"]
    assert len(sink.to("ana@example.org")) == 1
    spanish.refresh_from_db()
    assert spanish.email == "luis@example.org"

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"updates.update.added", "updates.update.approved", "updates.update.started_now"} <= actions


def test_an_unsubscribe_page_shows_a_button_and_a_get_changes_nothing(client, sink, campaign, author, approver):
    person = supporter(campaign, "ana@example.org")
    update = Update.objects.create(campaign=campaign, subject="News", body="Text", author=author)
    from updates import services

    services.approve(update, approver)
    services.start(update, approver)
    run_worker()
    path = unsubscribe_path(sink.to("ana@example.org")[0])
    page = client.get(path)
    assert page.status_code == 200 and "Stop these updates" in page.content.decode()
    person.refresh_from_db()
    assert person.wants_updates is True
    assert "We will not send you updates" in client.post(path).content.decode()
    # Replayed: a clear message, no error.
    again = client.post(path)
    assert again.status_code == 200 and "You already stopped updates" in again.content.decode()
    assert "You already stopped updates" in client.get(path).content.decode()
    assert Signature.objects.get().state == "verified"
