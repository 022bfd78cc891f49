"""The fact sheet, its printable page and the local fight's summary in headless Chromium, with axe-core.

Uses the site-wide browser test's tools (core/tests/test_browser.py): no
console errors, nothing from another host, no sideways scrolling at 360 px,
no serious or critical axe violation.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from core.tests.test_browser import NARROW, WIDE, Watcher, browser, check_page, narrow, wide  # noqa: F401 -- fixtures
from evidence import services
from local_actions.models import LocalAction

pytestmark = pytest.mark.browser
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def site_with_data(browser, live_server, transactional_db):  # noqa: F811 -- the imported fixture
    call_command("load_default_content", verbosity=0)
    chicago = LocalAction.objects.get(slug="chicago-il")
    cincinnati = LocalAction.objects.create(city="Cincinnati", state="OH", slug="cincinnati-oh", amount_usd=700_000)
    LocalAction.objects.create(city="Washington", state="DC", slug="washington-dc")
    for slug, name in (("chicago-il", "chicago.csv"), ("cincinnati-oh", "cincinnati.csv"), ("washington-dc", "dc.csv")):
        call_command("import_alerts", slug, str(SAMPLES / name), verbosity=0)
    services.set_meanings(cincinnati, {"ARR: ARREST": "gun_crime", "GOA: GONE ON ARRIVAL": "no_evidence"}, None)
    services.recompute(cincinnati.pk)
    assert chicago.alert_dataset.kept == 8
    return live_server.url.rstrip("/")


def test_fact_sheets_pass_in_the_browser(site_with_data, narrow, wide):  # noqa: F811
    paths = [
        "/local/chicago-il/",
        "/local/chicago-il/facts/",
        "/local/chicago-il/facts/print/",
        "/local/cincinnati-oh/facts/",
        "/local/washington-dc/facts/",
    ]
    narrow_page, wide_page = narrow.new_page(), wide.new_page()
    narrow_watch, wide_watch = Watcher(narrow_page), Watcher(wide_page)
    report = []
    for path in paths:
        problems = [f"{NARROW['width']} px: {p}" for p in check_page(narrow_page, narrow_watch, site_with_data, path)]
        problems += [f"{WIDE['width']} px: {p}" for p in check_page(wide_page, wide_watch, site_with_data, path, full=False)]
        if problems:
            report.append(path + "\n    " + "\n    ".join(problems))
    assert not report, "\n".join(report)
