"""The organizers' admin at 1280 px in a real browser: what they need is on screen without a sideways scroll."""

import pytest
from django.contrib.auth import get_user_model

from core.tests.test_browser import WIDE, browser, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

OVERFLOW = """(selector) => [...document.querySelectorAll(selector)].map(el => [el.scrollWidth, el.clientWidth])"""


@pytest.fixture
def signed_in(browser, site):  # noqa: F811
    get_user_model().objects.create_superuser("wide", "wide@example.org", "a long password 123")
    context = browser.new_context(viewport=WIDE)  # no CSP bypass: the admin runs under the real policy
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "wide")
    page.fill("#id_password", "a long password 123")
    page.click("input[type=submit]")
    yield page
    context.close()


def fits(page, url: str, selector: str) -> None:
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(url)
    boxes = page.evaluate(OVERFLOW, selector)
    assert boxes, f"nothing matches {selector} on {url}"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"], url
    for scroll, client in boxes:
        assert scroll <= client + 1, f"{selector} on {url} scrolls sideways: {scroll} > {client} px"
    assert errors == [], errors


def test_sources_rows_and_the_submissions_review_column_fit_at_1280(signed_in, site):  # noqa: F811
    from local_actions.models import LocalAction, Submission
    from pages.models import Page

    Submission.objects.create(city="Albuquerque", state="NM", status="contested", description="Renewal contested.",
                              contact_name="Jo Smith", contact_email="jo.smith.with.a.long.address@example.org")  # fmt: skip
    action = LocalAction.objects.filter(sources__isnull=False).first()
    page_with_sources = Page.objects.filter(sources__isnull=False).first()
    fits(signed_in, f"{site}/admin/local_actions/localaction/{action.pk}/change/", ".sources-inline")
    fits(signed_in, f"{site}/admin/pages/page/{page_with_sources.pk}/change/", ".sources-inline")
    fits(signed_in, f"{site}/admin/local_actions/submission/", ".results")
    header = signed_in.locator("#result_list th.column-review")
    assert header.is_visible() and header.bounding_box()["x"] + header.bounding_box()["width"] <= WIDE["width"]
