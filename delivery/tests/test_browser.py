"""The delivery pages in headless Chromium with axe-core, as core's browser test checks every public page.

They are reached from a campaign's page only once a delivery exists, so the
site-wide test, which discovers pages by their links, does not see them.
"""

import datetime

import pytest

from core.tests.test_browser import Watcher, browser, check_page, narrow, site, wide  # noqa: F401 - fixtures
from delivery import services
from delivery.models import Delivery
from delivery.selection import Filters
from signatures import receipts
from signatures.models import Campaign

from .conftest import add

pytestmark = pytest.mark.browser


def test_delivery_pages_pass_in_the_browser(site, narrow, wide):  # noqa: F811
    petition = Campaign.objects.filter(kind="petition").first()
    signers = [add(petition, name) for name in ("Ana Ruiz", "Bo Chen", "Zoë 🌻 Ångström")]
    delivery = services.request_delivery(
        None, campaign=petition, recipient="The CEO of SoundThinking", delivered_on=datetime.date(2026, 12, 4),
        filters=Filters(),
    )  # fmt: skip
    services.build(delivery.pk)
    assert Delivery.objects.get().status == Delivery.Status.READY
    code = receipts.code_for(signers[0].pk)
    paths = ["/delivery/check/", f"/delivery/check/?code={code}", f"/delivery/{delivery.pk}/", petition.get_absolute_url()]
    report = []
    for context in (narrow, wide):
        page = context.new_page()
        watcher = Watcher(page)
        for path in paths:
            problems = check_page(page, watcher, site, path, full=context is narrow)
            if problems:
                report.append(f"{path}: " + "; ".join(problems))
        page.close()
    assert not report, "\n".join(report)
