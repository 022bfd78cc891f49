import pytest
from django.core.cache import cache

from signatures.models import Signature

from .conftest import count_of, link_in, run_worker, sign

pytestmark = pytest.mark.django_db


def test_a_supporter_signs_confirms_is_counted_listed_and_can_withdraw(client, petition, mailoutbox):
    response = sign(client, petition, show_name="on")
    assert response.status_code == 200
    assert "Check your email to confirm" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert mailoutbox == []  # the request only records; the worker sends

    run_worker()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["ana@example.org"]
    assert email.subject == "Please confirm your signature: Stop it"
    confirm_url, withdraw_url = link_in(email, "confirm"), link_in(email, "withdraw")
    # Transactional: a mail client's "unsubscribe" button must not withdraw the signature.
    assert "List-Unsubscribe" not in email.extra_headers
    assert "List-Unsubscribe" not in email.message()

    # Opening the link only shows a button (mail scanners fetch links).
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "Confirm my signature" in page.content.decode()
    assert Signature.objects.get().state == "pending"
    assert count_of(client, petition)["total"] == 0

    response = client.post(confirm_url)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    signature = Signature.objects.get()
    assert signature.state == "verified"
    assert signature.city == "Chicago" and signature.us_state == "IL"

    run_worker()
    cache.clear()
    counts = count_of(client, petition)
    assert counts["total"] == 1
    assert counts["by_state"] == {"IL": 1}
    assert counts["next_milestone"] == 100
    page = client.get("/petition/p/").content.decode()
    assert "Ana Ruiz" in page and "Chicago, IL" in page
    assert "Ana Ruiz" in client.get("/petition/p/signers/").content.decode()

    # Replaying the confirmation changes nothing.
    client.post(confirm_url)
    run_worker()
    cache.clear()
    assert count_of(client, petition)["total"] == 1

    # Withdraw: a button first, then the data is erased and the count drops.
    assert "Withdraw and erase" in client.get(withdraw_url).content.decode()
    assert client.post(withdraw_url).status_code == 200
    assert Signature.objects.get().name == ""
    assert Signature.objects.get().email is None
    run_worker()
    cache.clear()
    assert count_of(client, petition)["total"] == 0
    assert Signature.objects.count() == 0
    assert "Ana Ruiz" not in client.get("/petition/p/").content.decode()
    # The withdraw link is now spent.
    assert client.post(withdraw_url).status_code == 404


def test_the_name_stays_private_unless_the_signer_asks(client, petition, mailoutbox):
    sign(client, petition)
    run_worker()
    client.post(link_in(mailoutbox[0], "confirm"))
    run_worker()
    cache.clear()
    assert count_of(client, petition)["total"] == 1
    assert "Ana Ruiz" not in client.get("/petition/p/").content.decode()
    assert "Ana Ruiz" not in client.get("/petition/p/signers/").content.decode()


def test_the_address_is_forgotten_after_confirming_unless_updates_were_asked_for(client, petition, mailoutbox):
    sign(client, petition, email="quiet@example.org")
    sign(client, petition, email="updates@example.org", wants_updates="on")
    run_worker()
    for message in mailoutbox:
        client.post(link_in(message, "confirm"))
    assert Signature.objects.get(wants_updates=False).email is None
    assert Signature.objects.get(wants_updates=True).email == "updates@example.org"


def test_a_withdrawn_unconfirmed_signature_is_deleted_at_once(client, petition, mailoutbox):
    sign(client, petition)
    run_worker()
    client.post(link_in(mailoutbox[0], "withdraw"))
    assert Signature.objects.count() == 0


def test_the_petition_page_is_cacheable_and_sets_no_cookie(client, petition):
    response = client.get("/petition/p/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=2" in response["Cache-Control"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert 'property="og:title" content="Stop it"' in response.content.decode()


def test_the_count_endpoint_has_cache_headers(client, petition):
    response = client.get("/petition/p/count.json")
    assert response.json() == {
        "campaign": "p", "kind": "petition", "total": 0, "individuals": 0, "organizations": 0, "by_state": {},
        "next_milestone": 100,
    }  # fmt: skip
    assert "public" in response["Cache-Control"]
    assert "stale-while-revalidate" in response["Cache-Control"]


def test_the_home_page_links_the_petition_and_the_letter(client, petition, letter):
    html = client.get("/").content.decode()
    assert 'href="/petition/p/"' in html
    assert 'href="/letter/l/"' in html


def test_an_unpublished_campaign_is_not_linked_or_served(client, petition):
    petition.published = False
    petition.save()
    assert 'href="/petition/p/"' not in client.get("/").content.decode()
    assert client.get("/petition/p/").status_code == 404


def test_the_page_maps_confirmed_signatures_by_state(client, petition, mailoutbox):
    sign(client, petition, email="a@example.org", zip_code="60614")
    sign(client, petition, email="b@example.org", zip_code="94607", ip="192.0.2.2")
    run_worker()
    for message in mailoutbox:
        client.post(link_in(message, "confirm"))
    run_worker()
    cache.clear()
    html = client.get("/petition/p/").content.decode()
    assert "Where signers live" in html
    assert "<svg" in html
    assert "Illinois" in html and "California" in html


def test_the_sitemap_lists_published_campaigns(client, petition, letter):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/petition/p/" in xml and "/letter/l/" in xml


def test_the_signature_keeps_the_language_it_was_signed_in(client, petition):
    data = {"signer": "individual", "name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614"}
    # The language is the page's (Spanish under /es/), never guessed from Accept-Language.
    client.post("/es/petition/p/sign/", data, HTTP_ACCEPT_LANGUAGE="en")
    client.post("/petition/p/sign/", {**data, "email": "bo@example.org"}, HTTP_ACCEPT_LANGUAGE="es")
    assert dict(Signature.objects.values_list("email", "language")) == {"ana@example.org": "es", "bo@example.org": "en"}
