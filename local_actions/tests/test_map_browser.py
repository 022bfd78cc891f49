"""The map in a real browser: at 360 and 1280 px no marker covers another, and each is a 24 px tap target."""

import pytest

from core.tests.test_browser import NARROW, WIDE, browser, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

MARKERS = """() => [...document.querySelectorAll('.us-map-svg .marker')]
  .filter(el => el.getClientRects().length && el.checkVisibility())
  .map(el => { const r = el.getBoundingClientRect();
               return {label: el.getAttribute('aria-label'), href: el.getAttribute('href'),
                       x: r.x, y: r.y, w: r.width, h: r.height}; })"""


@pytest.mark.parametrize("viewport", [NARROW, WIDE], ids=["360px", "1280px"])
def test_map_markers_never_hide_each_other(browser, site, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(f"{site}/local/")
        markers = page.evaluate(MARKERS)
        assert len(markers) >= 5, markers
        for marker in markers:
            assert marker["label"] and marker["href"], marker
            assert marker["w"] >= 24 and marker["h"] >= 24, f"tap target under 24x24 px: {marker}"
        for i, a in enumerate(markers):
            for b in markers[i + 1 :]:
                across = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
                down = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
                # Round targets: the boxes of two touching circles overlap only at their corners.
                assert min(across, down) <= 3 or ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= a["w"] - 3, (
                    f"{a['label']} and {b['label']} overlap by {across:.0f} x {down:.0f} px"
                )
        # A cluster's link lands on the list that names its fights.
        for marker in markers:
            if marker["href"].startswith("#"):
                assert page.locator(marker["href"]).count() == 1, marker
    finally:
        context.close()
