"""The embedded sign form inside a partner's page on another origin, in Chromium."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.tests.test_browser import NARROW, browser, site  # noqa: F401 - fixtures
from pages.models import Organization
from signatures.models import Signature

pytestmark = pytest.mark.browser



def serve(body: str) -> ThreadingHTTPServer:
    """The partner's site: a real server on loopback (Chromium refuses to frame a loopback page in a
    public one), reached as "localhost", another site than the live server's 127.0.0.1."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_partner_page_frames_the_form_and_a_visitor_signs_in_it(browser, site):  # noqa: F811
    partner = Organization.objects.get(name="Fight for the Future")  # default content
    frame_url = f"{site}/petition/stop-surveilling-our-communities/embed/{partner.embed_key}/"
    host_page = (
        f'<!doctype html><html lang="en"><title>Partner</title><h1>Our site</h1>'
        f'<iframe src="{frame_url}" title="Sign" width="100%" height="900"></iframe>'
        f'<img src="{site}/petition/stop-surveilling-our-communities/badge.svg" alt="count"></html>'
    )
    server = serve(host_page)
    context = browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(f"http://localhost:{server.server_address[1]}/")
        frame = page.frame_locator("iframe")
        frame.get_by_label("Full name", exact=True).fill("Ana Ruiz")
        frame.get_by_label("Email", exact=True).fill("ana@example.org")
        frame.get_by_label("ZIP code", exact=True).fill("60614")
        frame.get_by_role("button", name="Sign").click()
        frame.get_by_text("Check your email to confirm").wait_for(timeout=20_000)
        assert page.evaluate("() => document.querySelector('img').naturalWidth") > 100  # the badge loaded
        assert not errors, errors
        assert context.cookies() == [], "the embed set a cookie"
        signature = Signature.objects.get()
        assert (signature.source, signature.embed_partner_id) == ("embed", partner.pk)
        assert signature.proof_of_work, "the proof of work did not run inside the frame"
        assert signature.state == "pending"  # confirmed from the inbox, as on our own page
    finally:
        context.close()
        server.shutdown()
