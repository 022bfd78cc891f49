"""Emails only of signers who chose to share them with that partner; erasure and withdrawal reach partners' copies."""

import pytest
from django.core import mail
from django.core.cache import cache

from signatures import services as signature_services
from signatures.models import DeletedSignature, Signature

from .conftest import confirmed, get, run_worker, sign

pytestmark = pytest.mark.django_db


def test_the_share_choice_is_on_the_form_only_where_the_campaign_has_such_partners(client, petition, partner):
    assert "Share my email with" not in client.get("/petition/p/").content.decode()
    petition.email_partners.add(partner)
    cache.clear()  # the page and the campaign are cached for a few seconds
    html = client.get("/petition/p/").content.decode()
    assert "Share my email with Chicago Fights Back" in html
    assert f'name="share_{partner.pk}"' in html
    assert f'name="share_{partner.pk}" checked' not in html  # unticked


def test_a_signer_who_ticks_the_box_shares_their_email_with_that_partner_only(client, make_token, petition, partner, other_partner):
    petition.email_partners.add(partner, other_partner)
    client.post(
        "/petition/p/sign/", {"name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614", f"share_{partner.pk}": "on"}
    )
    client.post("/petition/p/sign/", {"name": "Bo Diaz", "email": "bo@example.org", "zip_code": "60614"})
    run_worker()
    for message in mail.outbox:
        signature_services.confirm(Signature.objects.get(email=message.to[0]).pk)
    run_worker()
    assert Signature.objects.get(name="Ana Ruiz").email == "ana@example.org"  # kept: she shares it
    assert Signature.objects.get(name="Bo Diaz").email is None  # forgotten after confirming, as before

    def emails(key):
        items = get(client, f"/api/v2/petitions/{petition.public_id}/signatures", key).json()["_embedded"]["osdi:signatures"]
        return {i["person"]["family_name"]: [e["address"] for e in i["person"]["email_addresses"]] for i in items}

    assert emails(make_token(can_see_emails=True)) == {"Ruiz": ["ana@example.org"], "Diaz": []}
    assert emails(make_token()) == {"Ruiz": [], "Diaz": []}  # the same partner, without the email scope
    assert emails(make_token(organization=other_partner, can_see_emails=True)) == {"Ruiz": [], "Diaz": []}


def test_finding_a_person_by_email_needs_the_scope_and_their_consent(client, make_token, petition, partner):
    sign(petition, "ana@example.org", share_with=[partner.pk])
    sign(petition, "bo@example.org", name="Bo Diaz")
    run_worker()
    url = "/api/v2/people"
    assert get(client, url, make_token(), filter="email_address eq 'ana@example.org'").status_code == 403
    key = make_token(can_see_emails=True)
    (person,) = get(client, url, key, filter="email_address eq 'Ana@Example.org'").json()["_embedded"]["osdi:people"]
    assert person["email_addresses"] == [{"primary": True, "address": "ana@example.org"}]
    assert get(client, url, key, filter="email_address eq 'bo@example.org'").json()["_embedded"]["osdi:people"] == []
    assert get(client, url, key, filter="email_address gt 'a'").status_code == 400


def test_a_withdrawn_signature_leaves_a_tombstone_for_the_next_sync(client, key, petition):
    kept, gone = confirmed(petition, 2)
    since = "2000-01-01"
    signature_services.withdraw(gone.pk)
    listed = get(client, f"/api/v2/petitions/{petition.public_id}/signatures", key).json()["_embedded"]["osdi:signatures"]
    assert [i["identifiers"][0] for i in listed] == [f"action_network:{kept.public_id}"]  # hidden at once
    run_worker()
    assert not Signature.objects.filter(pk=gone.pk).exists()
    body = get(
        client, f"/api/v2/petitions/{petition.public_id}/deleted_signatures", key, filter=f"deleted_date gt '{since}'"
    ).json()
    (tombstone,) = body["_embedded"]["action_network:deleted_signatures"]
    assert tombstone["identifiers"] == [f"action_network:{gone.public_id}"]
    assert tombstone["action_network:person_id"] == str(gone.person_id)
    assert "Number1" not in str(body)  # no personal data in a tombstone


def test_struck_out_and_flagged_signatures_leave_tombstones_and_come_back_if_unflagged(client, key, petition):
    a, b = confirmed(petition, 2)
    signature_services.invalidate(Signature.objects.filter(pk=a.pk), actor=None)
    signature_services.flag(Signature.objects.filter(pk=b.pk), actor=None)
    run_worker()
    assert {t.public_id for t in DeletedSignature.objects.all()} == {a.public_id, b.public_id}
    url = f"/api/v2/petitions/{petition.public_id}/signatures"
    assert get(client, url, key).json()["_embedded"]["osdi:signatures"] == []
    signature_services.unflag(Signature.objects.filter(pk=b.pk), actor=None)
    run_worker()
    assert [i["identifiers"][0] for i in get(client, url, key).json()["_embedded"]["osdi:signatures"]] == [
        f"action_network:{b.public_id}"
    ]


def test_recount_leaves_tombstones_too(key, petition):
    from signatures.counting import recount

    (a,) = confirmed(petition, 1)
    Signature.objects.filter(pk=a.pk).update(state="invalidated")
    recount()
    assert DeletedSignature.objects.get().public_id == a.public_id


def test_old_tombstones_are_purged(petition):
    import datetime as dt

    from signatures.purge import TOMBSTONE_DAYS, purge

    DeletedSignature.objects.create(campaign=petition, public_id="00000000-0000-4000-8000-000000000001")
    purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=TOMBSTONE_DAYS + 1))
    assert not DeletedSignature.objects.exists()
