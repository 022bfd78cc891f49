"""Page weight: the bytes a first visit to each public page transfers, in a real browser.

    python -m bench.page_weight

Starts the production server (`make serve`: granian, WhiteNoise's precompressed
static files, the app's own gzip of token-free HTML) on a fresh SQLite site with
the default content, finds the public pages (the home page's links and the
sitemap, in English, and the main ones in Spanish), and loads each in a fresh
Chromium context (empty cache) that accepts gzip and brotli, as browsers do.
For each page: the bytes on the wire (bodies as sent, plus headers), the HTML
alone, the number of requests, and the render-blocking resources (stylesheets
and synchronous scripts in <head>).

Budget: 100 KB for every page but the map of local fights (/local/).
Writes bench/results/<date>-page-weight.json and .md, with the load average.
"""

import datetime
import json
import os
import re
import sys
import time
import urllib.request
from xml.etree import ElementTree

from bench.site import ROOT, Site

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
RESULTS = ROOT / "bench" / "results"
BUDGET = 100 * 1024
EXEMPT = {"/local/", "/es/local/"}  # the map: every state's outline, by design
SPANISH = ["/es/", "/es/local/", "/es/profits/", "/es/get-involved/"]

BLOCKING = """() => [...document.head.querySelectorAll('link[rel=stylesheet], script[src]')]
  .filter(el => el.tagName === 'LINK' ? !el.media || el.media === 'all' || matchMedia(el.media).matches
                                     : !el.defer && !el.async && el.type !== 'module')
  .map(el => el.getAttribute('href') || el.getAttribute('src'))"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pages(base: str) -> list[str]:
    home = urllib.request.urlopen(base + "/", timeout=10).read().decode()  # noqa: S310 - http://127.0.0.1
    found = ["/", *re.findall(r'href="(/[^"#?]*)"', home)]
    sitemap = urllib.request.urlopen(base + "/sitemap.xml", timeout=10).read()  # noqa: S310
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    found += [re.sub(r"^https?://[^/]+", "", loc.text.strip()) for loc in ElementTree.fromstring(sitemap).iter(f"{ns}loc")]  # noqa: S314 - our own server
    paths = []
    for path in [*found, *SPANISH]:
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if path.startswith(("/static/", "/media/", "/admin/")) or "." in last or "feed" in last or path in paths:
            continue
        paths.append(path)
    return paths


def measure(browser, base: str, path: str) -> dict:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    main = page.goto(base + path, wait_until="networkidle")
    blocking = page.evaluate(BLOCKING)
    total = html = 0
    for request in responses:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        total += size
        if request.url == main.url:
            html = size
    encoding = main.headers.get("content-encoding", "")
    context.close()
    return {
        "path": path,
        "status": main.status,
        "bytes": total,
        "html_bytes": html,
        "html_encoding": encoding or "none",
        "requests": len(responses),
        "render_blocking": blocking,
        "budget": None if path in EXEMPT else BUDGET,
        "over_budget": path not in EXEMPT and total > BUDGET,
    }


def main() -> int:
    from playwright.sync_api import sync_playwright

    with Site("sqlite", "weight") as site:
        log("preparing the site")
        site.prepare()
        site.start_server()
        paths = pages(site.base)
        log(f"{len(paths)} pages")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            rows = [measure(browser, site.base, path) for path in paths]
            browser.close()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    date = datetime.date.today().isoformat()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{date}-page-weight.json").write_text(json.dumps({"date": date, "load": load, "pages": rows}, indent=2))
    lines = [
        f"# Page weight, {date}",
        "",
        f"First visit (empty cache) at 360 px in headless Chromium, `make serve` on SQLite with the default content; "
        f"load average {load}. Budget {BUDGET // 1024} KB transferred, the map (/local/) excepted.",
        "",
        "| page | transferred | HTML (encoding) | requests | render-blocking | budget |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        verdict = "exempt" if row["budget"] is None else ("**over**" if row["over_budget"] else "ok")
        lines.append(
            f"| `{row['path']}` | {row['bytes'] / 1024:.1f} KB | {row['html_bytes'] / 1024:.1f} KB ({row['html_encoding']}) "
            f"| {row['requests']} | {len(row['render_blocking'])} | {verdict} |"
        )
    heaviest = max((r for r in rows if r["budget"]), key=lambda r: r["bytes"])
    lines += ["", f"Heaviest within the budget rule: `{heaviest['path']}`, {heaviest['bytes'] / 1024:.1f} KB."]
    (RESULTS / f"{date}-page-weight.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if any(r["over_budget"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
