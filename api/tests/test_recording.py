"""The record signature helper: the form's path (dedupe, checks, confirmation email), or confirmed by the partner."""

import json
import re

import pytest
from django.core import mail

from signatures.models import EmailShare, Signature

from .conftest import get, post, run_worker

pytestmark = pytest.mark.django_db

BODY = {
    "person": {
        "given_name": "Maria",
        "family_name": "Lopez",
        "email_addresses": [{"address": "maria@example.org"}],
        "postal_addresses": [{"postal_code": "60614"}],
    },
    "comments": "Stop it",
    "add_tags": ["petition", "chicago"],
}


def signatures_url(petition):
    return f"/api/v2/petitions/{petition.public_id}/signatures"


def listed(client, key, petition):
    return get(client, signatures_url(petition), key).json()["_embedded"]["osdi:signatures"]


def test_a_recorded_signature_waits_for_the_person_to_confirm(client, make_token, petition, partner):
    key = make_token(can_record=True)
    response = post(client, signatures_url(petition), key, BODY)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pending"
    assert body["person"]["given_name"] == "Maria"
    row = Signature.objects.get()
    assert body["identifiers"] == [f"action_network:{row.public_id}"]
    assert (row.name, row.city, row.us_state, row.recorded_by, row.state) == ("Maria Lopez", "Chicago", "IL", partner, "pending")
    assert EmailShare.objects.filter(signature=row, organization=partner).exists()  # it gave us the address
    run_worker()
    assert listed(client, key, petition) == []  # not counted, not visible
    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    confirm_path = re.search(r"https?://[^/\s]+(/signature/confirm/[^\s/]+/)", message.body).group(1)
    client.post(confirm_path)
    run_worker()
    (item,) = listed(client, key, petition)
    assert item["identifiers"] == body["identifiers"]
    assert item["person"]["email_addresses"] == []  # this token may not see emails at all
    assert get(client, f"/api/v2/petitions/{petition.public_id}", key).json()["total_signatures"] == 1


def test_a_partner_with_its_own_double_opt_in_records_confirmed_signatures(client, make_token, petition, partner):
    key = make_token(can_record=True, own_double_opt_in=True, can_see_emails=True)
    body = post(client, signatures_url(petition), key, BODY).json()
    assert body["status"] == "confirmed"
    run_worker()
    assert mail.outbox == []  # no confirmation email: the partner did it
    (item,) = listed(client, key, petition)
    assert item["person"]["email_addresses"] == [{"primary": True, "address": "maria@example.org"}]
    assert Signature.objects.get().recorded_by == partner


def test_the_same_person_twice_is_one_signature(client, make_token, petition):
    key = make_token(can_record=True)
    first = post(client, signatures_url(petition), key, BODY).json()
    run_worker()
    again = {**BODY, "person": {**BODY["person"], "email_addresses": [{"address": "Maria+x@Example.org"}]}}
    second = post(client, signatures_url(petition), key, again).json()
    assert Signature.objects.count() == 1
    assert first["identifiers"] == second["identifiers"]
    run_worker()
    assert len(mail.outbox) == 2  # the confirmation link, sent again (as for the form)


def test_the_primary_address_is_the_one_used(client, make_token, petition):
    key = make_token(can_record=True)
    person = {
        **BODY["person"],
        "email_addresses": [{"address": "old@example.org"}, {"address": "new@example.org", "primary": True}],
    }
    post(client, signatures_url(petition), key, {"person": person})
    assert Signature.objects.get().email == "new@example.org"


def test_the_abuse_checks_run_on_recorded_signatures(client, make_token, petition):
    key = make_token(can_record=True, own_double_opt_in=True)
    person = {**BODY["person"], "email_addresses": [{"address": "x@mailinator.com"}]}
    post(client, signatures_url(petition), key, {"person": person})
    run_worker()
    assert Signature.objects.get().state == "flagged"
    assert listed(client, key, petition) == []


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("{not json", 400, "not valid JSON"),
        ("[1, 2]", 400, "must be a JSON object"),
        ('{"person": NaN}', 400, "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, 400, "too large"),
        ("[" * 20_000 + "]" * 20_000, 400, "not valid JSON"),
        (b"\xff\xfe", 400, "not valid JSON"),
        ({}, 400, "person is required"),
        ({"person": "Maria"}, 400, "person must be an object"),
        ({"person": {}}, 400, "person.email_addresses is required"),
        ({"person": {"email_addresses": "maria@example.org"}}, 400, "person.email_addresses must be a list"),
        ({"person": {"email_addresses": []}}, 400, "needs an address"),
        ({"person": {"email_addresses": [{"address": 7}]}}, 400, "address must be a string"),
        ({"person": {"email_addresses": ["maria@example.org"]}}, 400, "must be an object"),
        ({"person": {**BODY["person"], "given_name": 5}}, 400, "given_name must be a string"),
        ({"person": {**BODY["person"], "given_name": True}}, 400, "given_name must be a string"),
        ({"person": {**BODY["person"], "email_addresses": [{"address": "nope"}]}}, 400, "valid email address"),
        ({"person": {**BODY["person"], "postal_addresses": [{"postal_code": "00000"}]}}, 400, "could not find ZIP code"),
        ({"person": {**BODY["person"], "postal_addresses": []}}, 400, "Please give your ZIP code"),
        ({"person": {**BODY["person"], "given_name": "<b>x</b>", "family_name": ""}}, 400, "HTML"),
        ({"person": {**BODY["person"], "given_name": "A" * 200}}, 400, "under 100 characters"),
        ({**BODY, "add_tags": "x"}, 400, "add_tags must be a list"),
        ({**BODY, "add_tags": [1]}, 400, "add_tags[0] must be a string"),
        ({**BODY, "comments": ["x"]}, 400, "comments must be a string"),
    ],
)
def test_bad_bodies_are_refused_with_a_reason_and_store_nothing(client, make_token, petition, body, status, reason):
    key = make_token(can_record=True)
    response = post(client, signatures_url(petition), key, body)
    assert response.status_code == status, response.content
    assert reason in response.json()["error"]
    assert Signature.objects.count() == 0


def test_form_errors_are_listed_by_field(client, make_token, petition):
    key = make_token(can_record=True)
    person = {"given_name": "", "email_addresses": [{"address": "bad"}], "postal_addresses": [{"postal_code": "x"}]}
    errors = post(client, signatures_url(petition), key, {"person": person}).json()["errors"]
    assert set(errors) == {"person.given_name", "person.email_addresses", "person.postal_addresses"}


def test_recording_needs_the_record_scope_and_the_campaign(client, make_token, petition, other_petition):
    assert post(client, signatures_url(petition), make_token(), BODY).status_code == 403
    key = make_token(can_record=True)
    assert post(client, signatures_url(other_petition), key, BODY).status_code == 403
    assert Signature.objects.count() == 0


def test_a_closed_petition_records_nothing(client, make_token, petition):
    petition.is_open = False
    petition.save()
    response = post(client, signatures_url(petition), make_token(can_record=True), BODY)
    assert response.status_code == 400
    assert "closed" in response.json()["error"]
    assert Signature.objects.count() == 0


def test_the_form_content_type_is_not_needed(client, make_token, petition):
    """Some clients send JSON without saying so."""
    response = post(client, signatures_url(petition), make_token(can_record=True), json.dumps(BODY), content_type="text/plain")
    assert response.status_code == 200
