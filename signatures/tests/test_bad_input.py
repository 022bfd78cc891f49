import pytest
from django.test import override_settings
from django.utils import timezone

from signatures import tokens
from signatures.models import Signature

from .conftest import link_in, run_worker, sign

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please fill in this field."),
        ("name", "   ", "Please fill in this field."),
        ("name", "x" * 101, "Please keep this under 100 characters"),
        ("name", "<b>Ana</b>", "Please remove the HTML"),
        ("name", "Ana\u0007Ruiz", "control characters"),
        ("name", "Ana\u202eRuiz", "control characters"),
        ("name", "!!!", "Please write your name with letters."),
        ("email", "", "Please give your email address"),
        ("email", "ana@", "Please enter a valid email address"),
        ("email", "ana@example.org\nBcc: x@example.org", "Please enter a valid email address"),
        ("email", "a" * 250 + "@example.org", "Please enter a valid email address"),
        ("zip_code", "", "Please give your ZIP code."),
        ("zip_code", "ABCDE", "Please enter a 5-digit US ZIP code"),
        ("zip_code", "00000", "We could not find ZIP code 00000"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, petition, field, value, message):
    response = sign(client, petition, **{field: value})
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert message in html
    assert Signature.objects.count() == 0
    # What was typed in the other fields is still there.
    if field != "email":
        assert 'value="ana@example.org"' in html


def test_an_error_never_alters_an_existing_signature(client, petition):
    sign(client, petition)
    before = list(Signature.objects.values())
    sign(client, petition, name="<script>x</script>")
    sign(client, petition, zip_code="99999")
    assert list(Signature.objects.values()) == before


def test_an_unknown_campaign_is_not_found(client, db):
    assert client.post("/petition/nope/sign/", {"name": "A"}).status_code == 404
    assert client.get("/petition/nope/").status_code == 404
    assert client.get("/letter/nope/count.json").status_code == 404
    assert client.get("/manifesto/x/").status_code == 404


def test_a_closed_campaign_says_so_and_records_nothing(client, petition):
    petition.is_open = False
    petition.save()
    response = sign(client, petition)
    assert response.status_code == 410
    assert "This campaign is closed" in response.content.decode()
    assert Signature.objects.count() == 0
    assert "closed to new signatures" in client.get("/petition/p/").content.decode()


def test_a_campaign_past_its_closing_time_is_closed(client, petition):
    petition.closes_at = timezone.now()
    petition.save()
    assert sign(client, petition).status_code == 410


def test_a_get_on_the_sign_address_is_refused(client, petition):
    assert client.get("/petition/p/sign/").status_code == 405


@pytest.mark.parametrize("token", ["x", "garbage:garbage", "a" * 300, tokens.make(1, "withdraw")])
def test_a_forged_or_wrong_purpose_confirm_link_is_refused(client, petition, token):
    response = client.get(f"/signature/confirm/{token}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert client.post(f"/signature/confirm/{token}/").status_code == 400


def test_an_expired_confirm_link_is_refused(client, petition, mailoutbox):
    sign(client, petition)
    run_worker()
    url = link_in(mailoutbox[0], "confirm")
    with override_settings():
        from datetime import timedelta
        from unittest import mock

        later = timezone.now().timestamp() + timedelta(days=8).total_seconds()
        with mock.patch("time.time", return_value=later):
            assert client.post(url).status_code == 400
    assert Signature.objects.get().state == "pending"


def test_a_link_to_a_deleted_signature_says_it_is_gone(client, petition):
    assert client.get(f"/signature/confirm/{tokens.make(12345, 'confirm')}/").status_code == 404
    assert client.post(f"/signature/withdraw/{tokens.make(12345, 'withdraw')}/").status_code == 404


def test_a_tampered_token_does_not_reach_another_signature(client, petition, mailoutbox):
    sign(client, petition)
    run_worker()
    url = link_in(mailoutbox[0], "confirm")
    signature_id = Signature.objects.get().pk
    forged = url.replace(tokens.make(signature_id, "confirm").split(":")[0], "MTIzNDU")
    assert client.post(forged).status_code == 400


def test_an_oversized_body_is_refused_without_a_server_error(client, petition):
    response = client.post("/petition/p/sign/", {"name": "A" * 300_000, "email": "a@b.org", "zip_code": "60614"})
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_a_honeypot_submission_gets_the_same_reply_and_stores_nothing(client, petition):
    response = sign(client, petition, website="http://spam.example")
    assert "Check your email" in response.content.decode()
    assert Signature.objects.count() == 0
