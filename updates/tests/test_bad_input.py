"""Bad input gets a clear message (never a 500), and no email goes out by mistake."""

import pytest
from django.core import signing

from local_actions.models import LocalAction
from signatures import services as signature_services
from signatures import tokens as signature_tokens
from updates import services, tokens
from updates.models import Update

from .conftest import run_worker, supporter

pytestmark = pytest.mark.django_db

FORM = {
    "subject": "News", "body": "Text", "audience": "all", "near": "city", "radius_miles": "",
    "translations-TOTAL_FORMS": "0", "translations-INITIAL_FORMS": "0",
}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"subject": "   "}, "Please write a subject."),
        ({"body": ""}, "Please write the text of the update."),
        ({"body": " \n "}, "Please write the text of the update."),
        ({"audience": "states"}, "Choose at least one state, or send to everyone."),
        ({"audience": "local"}, "Choose the local fight whose supporters get this update."),
        ({"audience": "nowhere"}, "Select a valid choice."),
        ({"audience": "states", "us_states": ["XX"]}, "Select a valid choice. XX is not one of the available choices."),
        ({"radius_miles": "9999"}, "Ensure this value is less than or equal to 250."),
    ],
)
def test_a_bad_update_form_says_what_is_wrong_and_saves_nothing(client, sink, campaign, author, changes, message):
    client.force_login(author)
    response = client.post("/admin/updates/update/add/", {**FORM, "campaign": campaign.pk, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Update.objects.exists()


def test_a_radius_needs_miles_and_a_fight_on_the_map(client, campaign, author):
    unplaced = LocalAction.objects.create(city="Nowhere Town", state="KS", slug="nowhere")
    client.force_login(author)
    data = {**FORM, "campaign": campaign.pk, "audience": "local", "local_action": unplaced.pk, "near": "radius"}
    page = client.post("/admin/updates/update/add/", data).content.decode()
    assert "Give the radius in miles (1 to 250)." in page
    assert "This local fight has no map coordinates" in page
    assert not Update.objects.exists()


def test_the_admin_explains_a_start_over_the_cap(client, sink, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    client.force_login(approver)
    for i in range(4):
        update = Update.objects.create(campaign=campaign, subject=f"N{i}", body="Text", author=author)
        services.approve(update, approver)
        page = client.post(f"/admin/updates/update/{update.pk}/do/start/", {"when": ""}, follow=True).content.decode()
    assert "may send 3 updates in 7 days and already has 3" in page
    run_worker()
    assert len(sink.updates()) == 3


def test_the_admin_refuses_a_nonsense_start_time_and_wrong_methods(client, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    update = Update.objects.create(campaign=campaign, subject="N", body="Text", author=author)
    services.approve(update, approver)
    client.force_login(approver)
    page = client.post(f"/admin/updates/update/{update.pk}/do/start/", {"when": "next tuesday"}, follow=True)
    assert "Please give a date and time like 2026-05-01 18:30." in page.content.decode()
    assert client.get(f"/admin/updates/update/{update.pk}/do/start/").status_code == 405
    assert client.post(f"/admin/updates/update/{update.pk}/do/explode/").status_code == 403
    assert client.post("/admin/updates/update/999/do/start/").status_code == 404
    update.refresh_from_db()
    assert update.send_at is None


def test_send_a_test_to_myself(client, sink, campaign, author):
    update = Update.objects.create(campaign=campaign, subject="Draft news", body="Text", author=author)
    client.force_login(author)
    page = client.post(f"/admin/updates/update/{update.pk}/do/test/", {"language": "es"}, follow=True).content.decode()
    assert "A test was sent to ana@coalition.example" in page
    (test,) = sink.received
    assert (test.to, test.subject) == ("ana@coalition.example", "[Test] Draft news")
    assert "Recibes esto porque firmaste" in test.text  # the Spanish test asked for: the footer is translated too
    author.email = ""
    author.save()
    page = client.post(f"/admin/updates/update/{update.pk}/do/test/", {"language": "en"}, follow=True).content.decode()
    assert "Your account has no email address" in page
    assert len(sink.received) == 1


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "x" * 300,
        signing.dumps(1, salt="something.else"),
        signature_tokens.make(1, "withdraw"),  # a withdraw link's token is not an unsubscribe token
        signing.dumps("1", salt=tokens.SALT),
        tokens.make(1)[:-2] + "xx",
    ],
)
def test_a_forged_unsubscribe_link_is_refused_clearly(client, campaign, token):
    person = supporter(campaign, "ana@example.org")
    for response in (client.get(f"/updates/unsubscribe/{token}/"), client.post(f"/updates/unsubscribe/{token}/")):
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    person.refresh_from_db()
    assert person.wants_updates is True


def test_unsubscribing_an_address_already_erased_says_so(client, campaign):
    person = supporter(campaign, "ana@example.org")
    token = tokens.make(person.pk)
    signature_services.withdraw(person.pk)  # withdrawn: data erased, row deleted
    for response in (client.get(f"/updates/unsubscribe/{token}/"), client.post(f"/updates/unsubscribe/{token}/")):
        assert response.status_code == 200
        assert "We no longer have your address" in response.content.decode()


def test_the_webhook_needs_its_secret_and_json(client, settings, campaign):
    supporter(campaign, "ana@example.org")
    body = {"type": "bounce", "email": "ana@example.org"}
    settings.UPDATES_WEBHOOK_SECRET = ""
    assert client.post("/updates/bounces/anything/", body, content_type="application/json").status_code == 404
    settings.UPDATES_WEBHOOK_SECRET = "s3cret-value"
    assert client.post("/updates/bounces/guess/", body, content_type="application/json").status_code == 404
    assert client.get("/updates/bounces/s3cret-value/").status_code == 405
    response = client.post("/updates/bounces/s3cret-value/", "not json{", content_type="application/json")
    assert response.status_code == 400 and response.json() == {"error": "the body is not JSON"}
    not_an_address = {"type": "bounce", "email": "not an address"}
    response = client.post("/updates/bounces/s3cret-value/", not_an_address, content_type="application/json")
    assert response.json() == {"received": 0, "new": 0}
    assert services.recipient_count(Update(campaign=campaign)) == 1
