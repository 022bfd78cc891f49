"""The browser test: every public page in headless Chromium, with axe-core.

The pages are discovered, not listed: the home page, the sitemap, and every
same-origin link on the home page (which carries the main navigation), so
pages other apps add (petition, open letter, map) are covered as soon as they
appear in the sitemap or the navigation.

For each page it checks the status, console and page errors, that every
request stays on our own server, that nothing scrolls sideways at 360 px,
and that axe-core finds no serious or critical violation.

Needs Debian's Chromium (/usr/bin/chromium) and `npm install --no-save axe-core@4`.
Without them the test is skipped, or fails when the CI environment variable is set.
"""

import os
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
MAX_PAGES = 60
NARROW = {"width": 360, "height": 800}
WIDE = {"width": 1280, "height": 800}
GET_INVOLVED = "/get-involved/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _missing_tools() -> list[str]:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -r requirements-test.txt)")
    if not os.path.exists(CHROMIUM):
        missing.append(f"{CHROMIUM} (sudo apt-get install -y chromium)")
    if not AXE.exists():
        missing.append(f"{AXE.relative_to(settings.BASE_DIR)} (make test installs it where npm is installed)")
    return missing


@pytest.fixture(scope="module")
def browser():
    missing = _missing_tools()
    if missing:
        message = "The browser test needs " + " and ".join(missing) + "."
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop on this thread, which makes
    # Django refuse database calls from the test (loading content, flushing).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(browser, live_server, transactional_db):
    """The live server with the default content; yields its base URL."""
    call_command("load_default_content", verbosity=0)
    return live_server.url.rstrip("/")


@pytest.fixture
def narrow(browser):
    # axe is injected as an inline script, which our CSP rightly blocks.
    context = browser.new_context(viewport=NARROW, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def wide(browser):
    # No CSP bypass here, so a blocked inline script or style shows up as a console error.
    context = browser.new_context(viewport=WIDE)
    yield context
    context.close()


class Watcher:
    """Records a page's console errors, page errors and off-site requests."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("request", self._request)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            self.foreign.append(f"{request.method} {request.url}")

    def reset(self):
        self.errors.clear()
        self.foreign.clear()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_page(url: str, base: str) -> bool:
    """A same-origin HTML page worth visiting (not admin, feeds, static or media files)."""
    url = urldefrag(url).url
    parts, origin = urlsplit(url), urlsplit(base)
    if parts.scheme not in ("http", "https") or parts.netloc != origin.netloc:
        return False
    path = parts.path or "/"
    if path.startswith(("/admin/", settings.STATIC_URL, settings.MEDIA_URL)):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    # Feeds, the sitemap and downloads (.rss, .atom, .xml, .csv, .geojson, .pdf...).
    return not ("feed" in last.lower() or "." in last)


def _sitemap_paths(context, base: str) -> list[str]:
    response = context.request.get(f"{base}/sitemap.xml")
    assert response.status == 200, f"/sitemap.xml answered {response.status}"
    root = ElementTree.fromstring(response.body())
    return [_path(loc.text.strip()) for loc in root.iter(f"{SITEMAP_NS}loc") if loc.text]


def _links(page, selector: str = "a[href]") -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.href)")


def discover(context, base: str) -> list[str]:
    """Paths of the public pages: home, sitemap, and the links of the home page and its nav, depth 1."""
    page = context.new_page()
    try:
        page.goto(f"{base}/")
        nav = [href for href in _links(page, "header nav a[href]") if _is_page(href, base)]
        # Most important first, so the bound never drops the home page's own links.
        found = ["/", *nav, *_links(page), "/news/?page=2", *_sitemap_paths(context, base)]
        # A section's own navigation (filters, pagination, "read more") is depth 1 from the nav.
        for href in nav:
            page.goto(href)
            found += _links(page, "main nav a[href]")
    finally:
        page.close()
    paths = []
    for item in found:
        url = urldefrag(urljoin(f"{base}/", item)).url
        if _is_page(url, base) and _path(url) not in paths:
            paths.append(_path(url))
    return paths[:MAX_PAGES]


def _overflow(page) -> str:
    """Empty when nothing scrolls sideways; else the widths and the widest offenders."""
    return page.evaluate(
        """() => {
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth) return "";
        const wide = [...document.body.querySelectorAll("*")]
          .filter(el => el.getBoundingClientRect().right > root.clientWidth + 0.5)
          .slice(-5)
          .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
               + " (right edge " + Math.round(el.getBoundingClientRect().right) + "px)");
        return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}: ${wide.join(", ")}`;
      }"""
    )


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:8])
        count = len(violation["nodes"])
        problems.append(f"axe {violation['impact']} {violation['id']}: {violation['help']} ({count} element(s)) -> {targets}")
    return problems


def _submit_empty_contact_form(page):
    """POST the get-involved form with every field empty; returns the response."""
    prefix = "/es" if urlsplit(page.url).path.startswith("/es/") else ""
    form = page.locator(f'form[method="post"][action^="{prefix}{GET_INVOLVED}"]').first
    for field in form.locator("input:not([type=hidden]):not([type=checkbox]), textarea").all():
        field.fill("")
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit], input[type=submit]").first.click()
    return navigation.value


SHARE_TAGS = ["og:title", "og:description", "og:url", "og:image", "og:type", "og:site_name", "twitter:card", "twitter:image"]


def _share_problems(page, base: str, images: dict) -> list[str]:
    """Open Graph and Twitter card tags: present, absolute, and the image loads as a 1200x630 PNG."""
    import io

    from PIL import Image

    meta = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('meta[property], meta[name]')]
            .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))"""
    )
    problems = [f"no {key} tag" for key in SHARE_TAGS if not meta.get(key)]
    for key in ("og:url", "og:image", "twitter:image"):
        if meta.get(key) and not meta[key].startswith(settings.SITE_URL + "/"):
            problems.append(f"{key} is not an absolute address on SITE_URL: {meta[key]}")
    image = meta.get("og:image", "")
    if image.startswith(settings.SITE_URL + "/") and image not in images:
        # The tags name the public address (SITE_URL); the test server answers for it here.
        response = page.context.request.get(base + image.removeprefix(settings.SITE_URL))
        try:
            size = Image.open(io.BytesIO(response.body())).size if response.status == 200 else None
        except OSError:
            size = None
        images[image] = "" if size == (1200, 630) else f"og:image {image} answered {response.status}, size {size}"
    if images.get(image):
        problems.append(images[image])
    return problems


def check_page(page, watcher, base: str, path: str, *, post: bool = False, full: bool = True, images=None) -> list[str]:
    """Loads one page and returns what is wrong with it."""
    watcher.reset()
    response = page.goto(f"{base}{path}")
    expected = 200
    if post:
        assert response.status == 200, f"GET {path} answered {response.status}"
        response = _submit_empty_contact_form(page)
        expected = 400
    page.wait_for_load_state("load")
    problems = []
    if response.status != expected:
        problems.append(f"status {response.status}, expected {expected}")
    if post and not page.locator("#error-summary, .errorlist").count():
        problems.append("the empty form shows no errors")
    # Chromium logs the expected 400 of the document itself as a console error.
    errors = [e for e in watcher.errors if not (post and "status of 400" in e)]
    problems += errors
    problems += [f"request to another host: {r}" for r in watcher.foreign]
    if full:
        overflow = _overflow(page)
        if overflow:
            problems.append(f"scrolls sideways at {NARROW['width']} px: {overflow}")
        problems += _axe(page)
        if not post:
            problems += _share_problems(page, base, images if images is not None else {})
    return problems


def test_every_public_page_passes_in_the_browser(site, narrow, wide):
    paths = discover(narrow, site)
    for expected in ("/", "/news/", GET_INVOLVED, "/news/?page=2"):
        assert expected in paths, f"{expected} was not discovered: {paths}"
    assert len(paths) >= 8, f"too few pages discovered: {paths}"

    # Every public page in both languages: English at its address, Spanish under /es/ (issue 20).
    english = [path for path in paths if not path.startswith("/es/")]
    paths = english + [f"/es{path}" for path in english]

    narrow_page, wide_page = narrow.new_page(), wide.new_page()
    narrow_watch, wide_watch = Watcher(narrow_page), Watcher(wide_page)
    visits = [(path, False) for path in paths] + [(GET_INVOLVED, True), (f"/es{GET_INVOLVED}", True)]
    report = []
    images: dict[str, str] = {}  # each share image is fetched once
    for path, post in visits:
        label = f"{'POST (empty form) ' if post else ''}{path}"
        problems = [
            f"{NARROW['width']} px: {p}" for p in check_page(narrow_page, narrow_watch, site, path, post=post, images=images)
        ]
        problems += [
            f"{WIDE['width']} px: {p}" for p in check_page(wide_page, wide_watch, site, path, post=post, full=False)
        ]
        if problems:
            report.append(label + "\n    " + "\n    ".join(problems))
    print(f"\nBrowser-checked {len(visits)} page(s): " + ", ".join(p for p, _ in visits))
    assert not report, f"{len(report)} of {len(visits)} page(s) have problems:\n" + "\n".join(report)


def test_home_sends_a_csp_and_tab_reaches_the_skip_link_first(site, wide):
    page = wide.new_page()
    watcher = Watcher(page)
    response = page.goto(f"{site}/")
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, f"no strict Content-Security-Policy on the home page: {csp!r}"
    assert "unsafe-inline" not in csp

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href')})"
    )
    assert "skip-link" in focused["cls"] and focused["href"] == "#main", f"Tab first focused {focused}"
    skip = page.locator(".skip-link")
    assert skip.is_visible()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= WIDE["width"], (
        f"the focused skip link is off screen: {box}"
    )
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main", "the skip link does not move focus to main"
    assert not watcher.errors, watcher.errors
    assert not watcher.foreign, watcher.foreign


FOLD = {"width": 360, "height": 740}


def _above_the_fold(page, selector: str, height: int) -> str:
    """Empty when the element is visible and wholly inside the first screen; else where it is."""
    element = page.locator(selector).first
    if not element.count() or not element.is_visible():
        return f"{selector} is missing or hidden"
    box = element.bounding_box()
    if box["y"] < 0 or box["y"] + box["height"] > height:
        return f"{selector} is at y={box['y']:.0f}-{box['y'] + box['height']:.0f}, below the fold ({height} px)"
    return ""


@pytest.mark.parametrize("language", ["", "/es"])
def test_the_count_and_the_sign_action_are_above_the_fold(site, browser, language):
    """On a 360x740 phone and a 1280x800 laptop, the first screen shows the count and the way to sign."""
    from signatures.models import Campaign

    petition = Campaign.objects.get(kind="petition")
    checks = [
        (FOLD, "/", [".ask-count strong", ".ask .button"]),
        (WIDE, "/", [".ask-count strong", ".ask .button"]),
        (FOLD, petition.get_absolute_url(), [".tally-number strong", ".tally .jump .button"]),
        (WIDE, petition.get_absolute_url(), [".tally-number strong", ".tally .jump .button"]),
    ]
    problems = []
    for viewport, path, selectors in checks:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{site}{language}{path}")
        for selector in selectors:
            problem = _above_the_fold(page, selector, viewport["height"])
            if problem:
                problems.append(f"{language}{path} at {viewport['width']}x{viewport['height']}: {problem}")
        context.close()
    assert not problems, "\n".join(problems)
