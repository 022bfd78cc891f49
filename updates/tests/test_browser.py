"""The supporter-facing pages of updates in headless Chromium, with axe-core (as core/tests/test_browser.py)."""

import pytest

from core.tests.test_browser import Watcher, _axe, _overflow, browser, narrow, site, wide  # noqa: F401
from signatures.models import Campaign
from updates import tokens

from .conftest import supporter

pytestmark = pytest.mark.browser


def problems_of(page, watcher) -> list[str]:
    problems = list(watcher.errors) + [f"request to another host: {r}" for r in watcher.foreign]
    overflow = _overflow(page)
    return problems + ([overflow] if overflow else []) + _axe(page)


def test_the_unsubscribe_pages_pass_in_the_browser(site, narrow, wide):  # noqa: F811
    campaign = Campaign.objects.filter(kind="petition").first()
    token = tokens.make(supporter(campaign, "ana@example.org").pk)
    report = []
    for context in (narrow, wide):
        page = context.new_page()
        watcher = Watcher(page)
        for path, status in ((f"/updates/unsubscribe/{token}/", 200), ("/updates/unsubscribe/forged/", 400)):
            watcher.reset()
            response = page.goto(f"{site}{path}")
            assert response.status == status
            watcher.errors = [e for e in watcher.errors if "status of 400" not in e]
            report += [f"{path}: {p}" for p in problems_of(page, watcher)] if context is narrow else watcher.errors
        page.goto(f"{site}/updates/unsubscribe/{token}/")
        watcher.reset()
        button = page.get_by_role("button", name="Stop these updates")
        if button.count():  # the second context finds it done already
            with page.expect_navigation():
                button.click()
        assert page.locator("h1").inner_text() in ("No more updates", "You are not getting updates")
        report += [f"after the button: {p}" for p in problems_of(page, watcher)] if context is narrow else watcher.errors
        page.close()
    assert not report, "\n".join(report)
