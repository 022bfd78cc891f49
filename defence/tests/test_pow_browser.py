"""The proof of work in a real browser: the real pages, with pow.js and its workers running.

Skipped like the other browser test when Chromium, Playwright or axe-core are missing
(and failing under CI=true); see core/tests/test_browser.py.
"""

import pytest

from core.tests.test_browser import Watcher, browser  # noqa: F401 - the shared browser fixture
from defence import pow
from signatures.models import Campaign, Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):  # noqa: F811
    # No CSP bypass: a worker the policy blocked would show up as an error.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watcher = Watcher(page)
    yield page
    context.close()


@pytest.fixture
def letter(transactional_db):
    return Campaign.objects.create(
        kind="letter", slug="l", title="Open letter", target="The company", summary="Sum", body="Letter text.",
        accepts_organizations=True,
    )  # fmt: skip


def fill_and_send(page, form_selector: str, fields: dict, select: dict | None = None):
    form = page.locator(form_selector)
    for name, value in fields.items():
        form.locator(f"[name='{name}']").fill(value)
    for name, value in (select or {}).items():
        form.locator(f"[name='{name}']").select_option(value)
    with page.expect_navigation(timeout=20_000):
        form.locator("button[type=submit]").click()


def test_an_organization_signing_the_letter_sends_a_proof_of_work(page, live_server, letter):
    page.goto(f"{live_server.url}/letter/l/")
    organization = {
        "org-organization": "Oakland Privacy", "org-organization_url": "https://oaklandprivacy.org",
        "org-city": "Oakland", "org-name": "Tracy Rosenberg", "org-role": "Advocacy director",
        "org-email": "tracy@oaklandprivacy.org",
    }  # fmt: skip
    fill_and_send(page, "form:has(input[name=signer][value=organization])", organization, {"org-us_state": "CA"})
    assert "Check your email" in page.content()
    signature = Signature.objects.get()
    assert (signature.kind, signature.proof_of_work) == ("organization", True)
    assert not page.watcher.errors, page.watcher.errors


def test_an_individual_signing_sends_a_proof_of_work(page, live_server, letter):
    page.goto(f"{live_server.url}/letter/l/")
    fill_and_send(
        page,
        "form:has(input[name=signer][value=individual])",
        {"name": "Ana Ruiz", "email": "ana@example.org"},
    )
    assert "Check your email" in page.content()
    signature = Signature.objects.get()
    assert (signature.kind, signature.proof_of_work) == ("individual", True)
    assert not page.watcher.errors, page.watcher.errors


def test_a_long_check_says_what_is_happening_and_never_holds_the_form(page, live_server, letter, monkeypatch):
    monkeypatch.setattr(pow, "BASE_DIFFICULTY", 2_000_000_000)  # far more than MAX_WAIT allows
    page.goto(f"{live_server.url}/letter/l/")
    form = page.locator("form:has(input[name=signer][value=individual])")
    form.locator("[name=name]").fill("Ana Ruiz")
    form.locator("[name=email]").fill("ana@example.org")
    with page.expect_navigation(timeout=20_000):
        form.locator("button[type=submit]").click()
        status = form.locator("[role=status]")
        status.filter(has_text="automatic check against spam (0%).").wait_for(timeout=5_000)
        assert form.locator("button[type=submit]").is_disabled()
        assert status.get_attribute("aria-live") == "polite"
    assert "Check your email" in page.content()
    assert Signature.objects.get().proof_of_work is False  # sent without it, under the stricter limits


def test_a_changed_email_gets_a_proof_for_its_own_domain(page, live_server, letter):
    page.goto(f"{live_server.url}/letter/l/")
    form = page.locator("form:has(input[name=signer][value=individual])")
    form.locator("[name=name]").fill("Ana Ruiz")
    form.locator("[name=email]").fill("ana@first.example")
    form.locator("[name=email]").press("Tab")  # starts a search for first.example
    form.locator("[name=email]").fill("ana@example.org")
    with page.expect_navigation(timeout=20_000):
        form.locator("button[type=submit]").click()
    assert "Check your email" in page.content()
    signature = Signature.objects.get()
    assert (signature.email_domain, signature.proof_of_work) == ("example.org", True)
    assert not page.watcher.errors, page.watcher.errors
