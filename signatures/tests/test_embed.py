"""The embeddable sign form and the counter badge, for partners' sites (issue 17)."""

import pytest
from django.test import Client

from pages.models import Organization
from signatures.models import Signature

from .conftest import clear_caches, link_in, run_worker

pytestmark = pytest.mark.django_db

FORM = {"name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614"}


@pytest.fixture
def partner(db):
    return Organization.objects.create(name="Fight for the Future", url="https://example.org")


def test_every_organization_gets_an_embed_key(partner):
    assert partner.embed_key.startswith("fight-for-") and len(partner.embed_key) > len("fight-for-")
    other = Organization.objects.create(name="Fight Back")
    assert other.embed_key != partner.embed_key


def test_only_the_embed_may_be_framed_and_it_sets_no_cookie(client, petition, partner):
    page = client.get("/petition/p/")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"

    embed = client.get(f"/petition/p/embed/{partner.embed_key}/")
    assert embed.status_code == 200
    csp = embed["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "X-Frame-Options" not in embed
    assert not embed.cookies and "Set-Cookie" not in embed
    html = embed.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert 'method="post" action="/petition/p/embed/fight-for-' in html
    assert "data-pow=" in html and "pow.js" in html  # the proof of work runs inside the frame
    assert "with Fight for the Future" in html
    assert 'target="_blank"' in html and "<nav" not in html


def test_signing_in_the_embed_needs_no_cookie_and_is_counted_for_the_partner(petition, partner, mailoutbox):
    browser = Client(enforce_csrf_checks=True)  # a third-party frame: no cookie at all
    response = browser.post(f"/petition/p/embed/{partner.embed_key}/", FORM, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert "Check your email to confirm" in response.content.decode()
    assert not response.cookies
    signature = Signature.objects.get()
    assert (signature.source, signature.embed_partner, signature.state) == ("embed", partner, "pending")

    # Double opt-in as on our own page: it counts once confirmed from the inbox.
    run_worker()
    Client().post(link_in(mailoutbox[0], "confirm"))
    run_worker()
    clear_caches()
    assert "<strong>1</strong>" in Client().get("/petition/p/embed/").content.decode()


def test_the_embed_without_a_key_counts_as_embedded_for_nobody(petition):
    Client(enforce_csrf_checks=True).post("/petition/p/embed/", FORM)
    signature = Signature.objects.get()
    assert (signature.source, signature.embed_partner) == ("embed", None)


def test_an_unknown_key_still_gets_the_form(client, petition):
    response = client.get("/petition/p/embed/no-such-key/")
    assert response.status_code == 302 and response["Location"] == "/petition/p/embed/"


def test_a_form_with_mistakes_comes_back_in_the_frame(petition, partner):
    response = Client().post(f"/petition/p/embed/{partner.embed_key}/", {**FORM, "email": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please enter a valid email address" in html and "<nav" not in html
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert not Signature.objects.exists()


def test_the_badge_is_a_cached_svg_counter(client, petition):
    response = client.get("/petition/p/badge.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "max-age=10" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "0 signatures" in svg and "<script" not in svg
    assert ">0 firmas</text>" in client.get("/es/petition/p/badge.svg").content.decode()
    assert client.get("/petition/nope/badge.svg").status_code == 404


def test_the_campaign_page_and_the_admin_show_the_embed_code(client, admin_client, petition, partner):
    html = client.get("/petition/p/").content.decode()
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/petition/p/embed/&quot;" in html
    assert "/petition/p/badge.svg" in html

    petition.partners.add(partner)
    Signature.objects.create(campaign=petition, name="A", email_hash="x", state="verified", embed_partner=partner)
    Signature.objects.create(campaign=petition, name="B", email_hash="y", state="pending", embed_partner=partner)
    admin = admin_client.get(f"/admin/signatures/campaign/{petition.pk}/change/").content.decode()
    assert f"/petition/p/embed/{partner.embed_key}/" in admin and "1 confirmed signature" in admin
    organizations = admin_client.get("/admin/pages/organization/").content.decode()
    assert "confirmed signatures through its embed" in organizations.lower()
    detail = admin_client.get(f"/admin/pages/organization/{partner.pk}/change/").content.decode()
    assert "Stop it: 1 confirmed, 2 in all" in detail


def test_the_embed_shows_the_organizers_goal(client, petition):
    type(petition).objects.filter(pk=petition.pk).update(goal=5000)
    html = client.get("/petition/p/embed/").content.decode()
    assert 'max="5000"' in html and "Our goal: 5,000 signatures" in html
