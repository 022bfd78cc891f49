"""Issue 20, done when: a visitor reads, signs, confirms and withdraws entirely in Spanish."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from core.default_content import load_all
from signatures.models import Campaign, Signature

from .conftest import clear_caches, count_of, run_worker

pytestmark = pytest.mark.django_db


def es(text):
    with translation.override("es"):
        return gettext(text)


def spanish_link(message, kind):
    match = re.search(rf"https?://[^/\s]+(/es/signature/{kind}/[^\s/]+/)", message.body)
    assert match, f"no Spanish {kind} link in: {message.body}"
    return match.group(1)


def test_a_visitor_reads_signs_confirms_and_withdraws_in_spanish(client, mailoutbox):
    load_all()
    petition = Campaign.objects.filter(kind="petition").first()
    assert petition.title_es and petition.title_es != petition.title_en
    page = client.get(f"/es/petition/{petition.slug}/")
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="es"' in html
    assert petition.title_es in html and petition.title_en not in html

    data = {"signer": "individual", "name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614"}
    response = client.post(f"/es/petition/{petition.slug}/sign/", data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert es("Check your email to confirm") in response.content.decode()
    assert "Check your email to confirm" not in response.content.decode()

    run_worker()
    (email,) = mailoutbox
    assert petition.title_es in email.subject and not email.subject.startswith("Please confirm")
    assert es("Please confirm your signature: %(title)s") % {"title": petition.title_es} == email.subject
    confirm_url, withdraw_url = spanish_link(email, "confirm"), spanish_link(email, "withdraw")

    confirm_page = client.get(confirm_url).content.decode()
    assert es("Confirm my signature") in confirm_page and "Confirm my signature" not in confirm_page
    response = client.post(confirm_url)
    assert response.status_code == 302 and response["Location"].startswith("/es/")
    assert client.get(response["Location"]).status_code == 200
    assert Signature.objects.get().state == "verified"

    run_worker()
    clear_caches()
    # One count per campaign, whatever the language it is read in.
    assert count_of(client, petition)["total"] == 1
    assert client.get(f"/es/petition/{petition.slug}/count.json").json()["total"] == 1

    withdraw_page = client.get(withdraw_url).content.decode()
    assert es("Withdraw and erase my details") in withdraw_page and "Withdraw and erase" not in withdraw_page
    response = client.post(withdraw_url)
    assert response.status_code == 200 and '<html lang="es"' in response.content.decode()
    assert Signature.objects.get().name == ""
