"""Issue 20, done when: a visitor reads, signs, confirms and withdraws entirely in Spanish."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from core.default_content import load_all
from core.tests.test_translations import english_sentences, visible_text
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


def no_english(text, where):
    shown = sorted(sentence for sentence in ENGLISH if sentence in visible_text(text))
    assert not shown, f"{where} shows English catalogue text: {shown[:3]}"


ENGLISH = english_sentences()


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
    no_english(response.content.decode(), "the page after signing")

    run_worker()
    (email,) = mailoutbox
    assert petition.title_es in email.subject and not email.subject.startswith("Please confirm")
    assert es("Please confirm your signature: %(title)s") % {"title": petition.title_es} == email.subject
    confirm_url, withdraw_url = spanish_link(email, "confirm"), spanish_link(email, "withdraw")
    no_english(email.subject + "\n" + email.body, "the confirmation email")

    confirm_page = client.get(confirm_url).content.decode()
    assert es("Confirm my signature") in confirm_page and "Confirm my signature" not in confirm_page
    no_english(confirm_page, "the confirmation page")
    response = client.post(confirm_url)
    assert response.status_code == 302 and response["Location"].startswith("/es/")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    no_english(thanks.content.decode(), "the thank-you page")
    assert Signature.objects.get().state == "verified"

    run_worker()
    clear_caches()
    # One count per campaign, whatever the language it is read in.
    assert count_of(client, petition)["total"] == 1
    assert client.get(f"/es/petition/{petition.slug}/count.json").json()["total"] == 1

    # Signing again with the same address: the "already signed" email, in Spanish too.
    client.post(f"/es/petition/{petition.slug}/sign/", data, REMOTE_ADDR="203.0.113.9")
    run_worker()
    already = mailoutbox[-1]
    assert len(mailoutbox) == 2
    assert already.subject == es("You have already signed: %(title)s") % {"title": petition.title_es}
    no_english(already.subject + "\n" + already.body, "the already-signed email")

    withdraw_page = client.get(withdraw_url).content.decode()
    assert es("Withdraw and erase my details") in withdraw_page and "Withdraw and erase" not in withdraw_page
    no_english(withdraw_page, "the withdrawal page")
    response = client.post(withdraw_url)
    assert response.status_code == 200 and '<html lang="es"' in response.content.decode()
    no_english(response.content.decode(), "the page after withdrawing")
    assert Signature.objects.get().name == ""
