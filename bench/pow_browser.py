"""The proof of work in a real browser: how long an honest visitor waits, at 1x and 4x CPU throttling.

    python -m bench.pow_browser [--trials 15] [--port 9310] [--altcha DIR]

Starts the production server on a fresh SQLite site (bench/site.py), seeds a
surge of 10,000 signatures in the last minute from 10,000 networks, and drives
Debian's Chromium (Playwright, no browser download) through the real petition
page: type a name and an email, and time from the challenge request to the
filled proof (the `pow:solved` event pow.js sends). Two sources:

- base: a quiet network during the surge (the surge raises nobody else's work);
- honest maximum: a network that signed just under the burst limit in the last
  minute (9 of 10), the most work an honest source can be asked for.

DevTools CPU throttling applies to the page's thread only: Chromium refuses it
for workers ("Operation is only supported for pages, not workers"). So the page
flow at 4x throttles everything but the workers' search, and a second
measurement runs the same search on the throttled page thread, one core: the
upper bound for a phone, which has several cores for the workers.

With --altcha (an unpacked `npm pack altcha` folder; fetched into bench/work
with npm when it is missing) it also times ALTCHA's own SHA worker (the loop
its widget runs, one `await crypto.subtle.digest` per number) against ours on
the same number of hashes, and reports the bytes each needs.

Writes bench/results/<date>-pow-browser.json and .md, with the load average.
"""

import argparse
import datetime
import gzip
import hashlib
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.site import PETITION, ROOT, WORK, Site, drop_templates

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
RESULTS = ROOT / "bench" / "results"
SURGE = 10_000
HONEST_NETWORK = "198.18.77.1"
ALTCHA_VERSION = "3"
COMPARE_HASHES = 100_000  # the expected search at the honest maximum (200,000 numbers)

# Waits for pow.js's event on the individual's sign form.
LISTEN = """() => { window.__pow = null;
  document.querySelector("form[data-pow]").addEventListener("pow:solved", e => { window.__pow = e.detail; }, {once: true}); }"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def summary(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "n": len(values),
        "mean_ms": round(statistics.fmean(values), 1),
        "median_ms": round(statistics.median(values), 1),
        "p90_ms": round(values[int(0.9 * (len(values) - 1))], 1),
        "max_ms": round(values[-1], 1),
    }


# --- the site ---------------------------------------------------------------------
def network_hash(site: Site, ip: str) -> str:
    code = f"from core.privacy import ip_hash; print(ip_hash({ip!r}))"
    return site.manage("shell", "-c", code).strip().splitlines()[-1]


def seed_surge(site: Site, honest_hash: str, honest_rows: int) -> None:
    """SURGE signatures in the last minute, each from its own network and domain, and the honest source's rows."""
    with sqlite3.connect(site.dir / "db.sqlite3", timeout=30) as db:
        slug = PETITION.strip("/").split("/")[1]
        campaign = db.execute("SELECT id FROM signatures_campaign WHERE slug = ?", (slug,)).fetchone()[0]
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows = [(campaign, secrets.token_hex(16), f"d{i}.example", hashlib.sha256(f"s{i}".encode()).hexdigest()[:32], now)
                for i in range(SURGE)]
        rows += [(campaign, secrets.token_hex(16), "example.com", honest_hash, now) for _ in range(honest_rows)]
        db.executemany(
            "INSERT INTO signatures_signature (campaign_id, kind, state, name, email_hash, email_domain, zip_code, city, us_state,"
            " organization, organization_url, role, show_name, wants_updates, ip_hash, created_at, email_due, emails_sent,"
            " counted, checked, proof_of_work, network_listed, flag_reason)"
            " VALUES (?, 'individual', 'pending', 'Surge', ?, ?, '', '', '', '', '', '', 0, 0, ?, ?, '', 0, 0, 1, 1, '', '')",
            rows,
        )


def refresh_surge(site: Site) -> None:
    """Keep the seeded rows inside the last minute."""
    with sqlite3.connect(site.dir / "db.sqlite3", timeout=30) as db:
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        db.execute("UPDATE signatures_signature SET created_at = ? WHERE name = 'Surge'", (now,))


# --- the browser ------------------------------------------------------------------------
def page_flow(browser, base: str, ip: str, rate: int, email: str) -> dict:
    """The real sign form: time from the challenge request to the filled proof, as pow.js reports it."""
    context = browser.new_context(viewport={"width": 412, "height": 900}, extra_http_headers={"X-Forwarded-For": ip})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        page.goto(base + PETITION)
        page.evaluate(LISTEN)
        form = page.locator("form[data-pow]").first
        form.locator("[name=name]").fill("Ana Ruiz")
        form.locator("[name=email]").fill(email)
        form.locator("[name=email]").press("Tab")  # the change event: pow.js asks for a challenge for this domain
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # polled: wait_for_function evaluates a string, which our CSP forbids
            solved = page.evaluate("() => window.__pow")
            if solved:
                return solved
            time.sleep(0.02)
        raise TimeoutError("pow.js did not finish in 60 s")
    finally:
        context.close()


def challenges(maxnumber: int, count: int) -> list[dict]:
    """Challenges like the server's (same salt shape), with a random answer, for the search-only timings."""
    import altcha

    made = []
    for _ in range(count):
        c = altcha.create_challenge_v1(
            altcha.ChallengeOptionsV1(
                hmac_key=b"bench", max_number=maxnumber, salt_length=6,
                expires=datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=20), params={"b": secrets.token_hex(5)},
            )
        )  # fmt: skip
        made.append({"salt": c.salt, "challenge": c.challenge, "maxnumber": c.max_number})
    return made


def main_thread_search(browser, base: str, rate: int, items: list[dict]) -> list[float]:
    """Our worker's search run on the throttled page thread (one core): what DevTools cannot throttle in a worker."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + "/get-involved/")
        page.add_script_tag(url=base + "/static/defence/pow-worker.js")
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        times = []
        for c in items:
            found = page.evaluate(
                "c => { const t = performance.now(); const n = search(c.salt, c.challenge, 0, c.maxnumber);"
                " return {n, ms: performance.now() - t}; }",
                c,
            )
            assert found["n"] >= 0, "the search found no answer"
            times.append(found["ms"])
        return times
    finally:
        context.close()


# --- ALTCHA's widget, for the comparison -------------------------------------------------
def altcha_package(path: str | None) -> Path | None:
    if path:
        return Path(path)
    folder = WORK / "altcha"
    if (folder / "package" / "dist" / "workers" / "sha.js").exists():
        return folder / "package"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        command = ["npm", "pack", f"altcha@{ALTCHA_VERSION}", "--silent"]
        out = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=180)
        tarball = folder / out.stdout.strip().splitlines()[-1]
        subprocess.run(["tar", "xzf", str(tarball)], cwd=folder, check=True)
    except (OSError, subprocess.SubprocessError, IndexError) as exc:
        log(f"no ALTCHA package for the comparison ({exc}); pass --altcha DIR")
        return None
    return folder / "package"


def compare_altcha(browser, base: str, package: Path) -> dict:
    """Time per COMPARE_HASHES numbers: ALTCHA's SHA worker loop against ours, on the page thread and in a worker."""
    sha_js = (package / "dist" / "workers" / "sha.js").read_text()
    version = json.loads((package / "package.json").read_text())["version"]
    salt, nonce = secrets.token_hex(16), secrets.token_hex(16)
    counter = COMPARE_HASHES - 1
    key = hashlib.sha256(bytes.fromhex(salt) + bytes.fromhex(nonce) + counter.to_bytes(4, "big")).hexdigest()
    altcha_params = {"algorithm": "SHA-256", "cost": 1, "keyLength": 32, "nonce": nonce, "salt": salt, "keyPrefix": key[:16]}
    ours = challenges(COMPARE_HASHES - 1, 1)[0]
    # Make our answer the last number too: the same count of hashes as ALTCHA's.
    ours["challenge"] = hashlib.sha256(f"{ours['salt']}{COMPARE_HASHES - 1}".encode()).hexdigest()

    context = browser.new_context(bypass_csp=True)  # ALTCHA's worker is loaded from a blob: URL
    try:
        page = context.new_page()
        page.goto(base + "/get-involved/")
        page.add_script_tag(url=base + "/static/defence/pow-worker.js")
        cdp = context.new_cdp_session(page)
        result = {"altcha_version": version, "hashes": COMPARE_HASHES}
        for rate in (1, 4):
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            ours_ms = page.evaluate(
                "c => { const t = performance.now(); search(c.salt, c.challenge, 0, c.maxnumber); return performance.now() - t; }",
                ours,
            )
            # ALTCHA's worker file run on the page thread: its handler answers through self.postMessage.
            altcha_ms = page.evaluate(
                """async ([code, params, expected]) => {
                  const saved = window.postMessage;
                  const done = new Promise(resolve => { window.postMessage = resolve; });
                  (0, eval)(code);
                  const t = performance.now();
                  const work = {type: "work", challenge: {parameters: params}, counterStart: 0, counterStep: 1, timeout: 0};
                  window.onmessage({data: work});
                  const solution = await done;
                  window.postMessage = saved;
                  if (solution.counter !== expected) throw new Error("ALTCHA found " + JSON.stringify(solution));
                  return performance.now() - t;
                }""",
                [sha_js, altcha_params, counter],
            )
            result[f"page_thread_{rate}x"] = {"ours_ms": round(ours_ms, 1), "altcha_ms": round(altcha_ms, 1)}
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        in_worker = page.evaluate(
            """async ([code, params, ours, base]) => {
              const time = (worker, message, isDone) => new Promise(resolve => {
                const t = performance.now();
                worker.onmessage = e => { if (isDone(e.data)) { worker.terminate(); resolve(performance.now() - t); } };
                worker.postMessage(message);
              });
              const altcha = new Worker(URL.createObjectURL(new Blob([code], {type: "text/javascript"})));
              const mine = new Worker(base + "/static/defence/pow-worker.js");
              await new Promise(r => setTimeout(r, 300));  // both scripts loaded
              const job = {salt: ours.salt, challenge: ours.challenge, start: 0, end: ours.maxnumber};
              const work = {type: "work", challenge: {parameters: params}, counterStart: 0, counterStep: 1, timeout: 0};
              return {
                ours_ms: await time(mine, job, d => "number" in d),
                altcha_ms: await time(altcha, work, d => "counter" in d || "error" in d),
              };
            }""",
            [sha_js, altcha_params, ours, base],
        )
        result["worker_1x"] = {k: round(v, 1) for k, v in in_worker.items()}
    finally:
        context.close()

    def size(path: Path) -> dict:
        data = path.read_bytes()
        return {"bytes": len(data), "gzip": len(gzip.compress(data, 9))}

    ours_files = [ROOT / "defence/static/defence/pow.js", ROOT / "defence/static/defence/pow-worker.js"]
    result["sizes"] = {
        "ours (pow.js + pow-worker.js)": {k: sum(size(p)[k] for p in ours_files) for k in ("bytes", "gzip")},
        "altcha widget (dist/main/altcha.min.js, workers inlined as data:/blob: URLs, CSS injected)": size(
            package / "dist/main/altcha.min.js"
        ),
        "altcha widget, external build (altcha.min.js + altcha.css + workers/sha.js)": {
            k: sum(size(package / p)[k] for p in ("dist/external/altcha.min.js", "dist/external/altcha.css", "dist/workers/sha.js"))
            for k in ("bytes", "gzip")
        },
    }
    return result


# --- the run ------------------------------------------------------------------------------
def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    from defence import pow

    honest_rows = 9  # the default burst limit is 10 a minute per network
    result = {
        "date": datetime.date.today().isoformat(),
        "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
        "cpus": os.cpu_count(),
        "load_before": load(),
        "surge": f"{SURGE:,} signatures in the last minute from {SURGE:,} networks and domains",
        "honest_source": f"a network with {honest_rows} signatures in the last minute (burst limit 10)",
        "page_flow": {},
        "search_on_page_thread": {},
    }
    with Site("sqlite", "pow") as site:
        if args.port:
            site.port, site.base = args.port, f"http://127.0.0.1:{args.port}"
            site.env["SITE_URL"] = site.base
        log("preparing the site")
        site.prepare()
        seed_surge(site, network_hash(site, HONEST_NETWORK), honest_rows)
        site.start_server()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            scenarios = {"base": lambda i: f"198.18.50.{i % 250 + 1}", "honest_max": lambda i: HONEST_NETWORK}
            for rate in (1, 4):
                for name, ip_of in scenarios.items():
                    trials = []
                    for i in range(args.trials):
                        refresh_surge(site)  # the surge and the honest source's rows stay in the last minute
                        solved = page_flow(browser, site.base, ip_of(i), rate, f"ana{i}@example.net")
                        trials.append([round(solved["ms"], 1), solved["maxnumber"]])
                    result["page_flow"][f"{name}_{rate}x"] = {
                        "maxnumber": sorted({m for _, m in trials}), **summary([ms for ms, _ in trials]), "load": load(),
                        "trials": trials,
                    }  # fmt: skip
                    log(f"page flow {name} {rate}x: {result['page_flow'][f'{name}_{rate}x']}")
            levels = {"base": pow.difficulty_at(0), "honest_max": pow.difficulty_at(pow.HONEST_LEVEL)}
            for rate in (1, 4):
                for name, maxnumber in levels.items():
                    times = main_thread_search(browser, site.base, rate, challenges(maxnumber, args.trials))
                    result["search_on_page_thread"][f"{name}_{rate}x"] = {"maxnumber": maxnumber, **summary(times), "load": load()}
                    log(f"search on the page thread {name} {rate}x: {result['search_on_page_thread'][f'{name}_{rate}x']}")
            package = altcha_package(args.altcha) if args.compare else None
            if package:
                result["altcha_comparison"] = compare_altcha(browser, site.base, package)
                log(f"ALTCHA comparison: {result['altcha_comparison']}")
            browser.close()
    result["load_after"] = load()
    return result


def markdown(r: dict) -> str:
    lines = [
        f"# Proof of work in the browser, {r['date']}",
        "",
        f"{r['chromium']}, headless, {r['cpus']} CPUs shared with other jobs; load average {r['load_before']} before, "
        f"{r['load_after']} after. Surge: {r['surge']}; honest maximum: {r['honest_source']}.",
        "",
        "## The real sign form (challenge request to filled proof, Web Workers)",
        "",
        "| source | CPU throttling | numbers searched | mean | median | p90 | max | load |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for key, v in r["page_flow"].items():
        name, rate = key.rsplit("_", 1)
        lines.append(f"| {name} | {rate} (page thread only) | {', '.join(map(str, v['maxnumber']))} | {v['mean_ms']} ms | "
                     f"{v['median_ms']} ms | {v['p90_ms']} ms | {v['max_ms']} ms | {v['load']} |")
    lines += [
        "",
        "## The same search on the page thread, one core (DevTools cannot throttle workers)",
        "",
        "| source | CPU throttling | numbers searched | mean | median | p90 | max | load |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for key, v in r["search_on_page_thread"].items():
        name, rate = key.rsplit("_", 1)
        lines.append(f"| {name} | {rate} | {v['maxnumber']:,} | {v['mean_ms']} ms | {v['median_ms']} ms | {v['p90_ms']} ms | "
                     f"{v['max_ms']} ms | {v['load']} |")
    if "altcha_comparison" in r:
        a = r["altcha_comparison"]
        lines += [
            "",
            f"## Against ALTCHA's widget (npm altcha {a['altcha_version']}), {a['hashes']:,} hashes",
            "",
            "| where | ours | ALTCHA's SHA worker loop |",
            "|---|---:|---:|",
            f"| page thread, 1x | {a['page_thread_1x']['ours_ms']} ms | {a['page_thread_1x']['altcha_ms']} ms |",
            f"| page thread, 4x | {a['page_thread_4x']['ours_ms']} ms | {a['page_thread_4x']['altcha_ms']} ms |",
            f"| one Web Worker, 1x | {a['worker_1x']['ours_ms']} ms | {a['worker_1x']['altcha_ms']} ms |",
            "",
            "| what a page loads | bytes | gzip |",
            "|---|---:|---:|",
        ]
        lines += [f"| {name} | {v['bytes']:,} | {v['gzip']:,} |" for name, v in a["sizes"].items()]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    parser.add_argument("--altcha", help="an unpacked `npm pack altcha` folder (default: fetched into bench/work)")
    parser.add_argument("--no-compare", dest="compare", action="store_false", help="skip the ALTCHA comparison")
    parser.add_argument("--out", default=str(RESULTS), help="folder for the results")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    try:
        result = run(args)
    finally:
        drop_templates()  # the migrated database Site.prepare() keeps to copy
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{result['date']}-pow-browser"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
