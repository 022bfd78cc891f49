"""Every bad input gets a clear message or a 4xx; nothing is sent by mistake, no letter is lost."""

import pytest
from django.core.cache import cache

from letters.models import Letter

from .conftest import link_in, run_worker, write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"zip_code": "6061"}, "Please enter a 5-digit US ZIP code, like 60614."),
        ({"zip_code": "00000"}, "We could not find this ZIP code. Please check it."),
        ({"body": ""}, "Please write your letter (or keep the suggested one)."),
        ({"body": "   \n  "}, "Please write your letter (or keep the suggested one)."),
        ({"body": "x" * 5001}, "Please keep your letter under 5000 characters (it has 5001)."),
        ({"body": "Vote <b>no</b>"}, "Please remove the HTML tags or entities"),
        ({"body": "Vote no\x00\x1b[31m"}, "Please remove invisible control characters."),
        ({"email": "not-an-address"}, "Please enter a valid email address"),
        ({"name": "12345"}, "Please write your name with letters."),
    ],
)
def test_bad_input_is_explained_on_the_form(client, fight, overrides, message):
    response = write(client, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Letter.objects.count() == 0


def test_a_closed_fight_takes_no_letter(client, fight):
    from datetime import timedelta

    from django.utils import timezone

    fight.decision_date = timezone.localdate() - timedelta(days=2)
    fight.save()
    assert write(client).status_code == 410
    assert "This letter is closed" in write(client).content.decode()
    assert Letter.objects.count() == 0
    assert "Send my letter" not in client.get("/local/chicago-il/").content.decode()


def test_a_fight_with_no_officials_shows_no_form_and_refuses_letters(client, fight):
    fight.officials.all().delete()
    assert "Send my letter" not in client.get("/local/chicago-il/").content.decode()
    response = write(client)
    assert response.status_code == 400
    assert "This letter has no recipients yet." in response.content.decode()
    assert Letter.objects.count() == 0


def test_an_unknown_fight_is_a_404(client, db):
    assert write(client, slug="nowhere").status_code == 404


def test_forged_and_replayed_links(client, fight, smtp):
    assert client.post("/letters/confirm/forged-token/").status_code == 400
    assert client.post("/letters/withdraw/x" * 100 + "/").status_code in (400, 404)
    write(client)
    run_worker()
    body = smtp.messages[0][1].get_content()
    confirm_url = link_in(body, "confirm")
    client.post(link_in(body, "withdraw"))
    assert client.post(confirm_url).status_code == 404  # withdrawn: nothing to confirm


def test_one_letter_per_person_per_fight(client, fight, smtp):
    write(client)
    run_worker()
    write(client, email="ANA@example.org", body="A second, different letter.")
    assert Letter.objects.count() == 1
    run_worker()
    assert len(smtp.to("ANA@example.org")) + len(smtp.to("ana@example.org")) == 2  # the link again, nothing new


def test_the_honeypot_stores_nothing(client, fight):
    response = write(client, website="http://spam.example")
    assert response.status_code == 302  # the bot sees the same reply
    assert Letter.objects.count() == 0


def test_a_flood_from_one_network_is_held_silently_and_never_delivered(client, fight, smtp):
    cache.clear()
    for i in range(6):
        assert write(client, email=f"bot{i}@example.org", ip="198.51.100.7").status_code == 302
    held = Letter.objects.filter(state="flagged")
    assert held.count() == 3  # without proof of work, 3 an hour per network
    run_worker()
    for _, message in list(smtp.messages):
        client.post(link_in(message.get_content(), "confirm"))
    assert Letter.objects.filter(state="confirmed").count() == 3
    assert held.filter(deliveries__isnull=False).count() == 0
    page = client.get("/local/chicago-il/").content.decode()
    assert "3 letters so far" in page


def test_a_flood_from_one_email_domain_is_held(client, fight):
    from defence.models import RateLimit

    RateLimit.objects.create(domain_burst=2, domains_exempt="gmail.com")
    for i in range(4):
        write(client, email=f"p{i}@flood.example", ip=f"203.0.113.{i}")
        write(client, email=f"p{i}@gmail.com", ip=f"203.0.114.{i}")
    assert Letter.objects.filter(email_hash__isnull=False, state="flagged").count() == 2
    assert sorted(Letter.objects.filter(state="flagged").values_list("flag_reason", flat=True)) == [
        "email domain over the letter limit"
    ] * 2
