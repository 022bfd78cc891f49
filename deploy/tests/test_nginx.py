"""nginx from Debian's package with the shipped configuration (deploy/nginx/), in front of `make serve`."""

import json
import os
import time

import pytest

from bench import nginx
from bench.site import Site
from deploy.tests.clients import PETITION, SlowBodies, connect, request, sign_form, timed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def proxy():
    if not nginx.available():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx or openssl is missing: .ci/run installs them (apt-get install -y nginx)")
        pytest.skip("nginx (Debian's package) or openssl is not installed: apt-get install -y nginx; CI installs it")
    with Site("postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite", "nginx") as site:
        site.prepare()
        proxy = nginx.Proxy(site)
        site.start_server()
        with proxy:
            for i in range(6):  # the first signature in a process loads the ZIP and domain lists (seconds)
                get(proxy, "POST", PETITION + "sign/", body=sign_form(f"warm-{i}@example.org"))
            yield proxy


def get(proxy, method, path, **kwargs):
    return request(proxy.https_port, method, path, tls=proxy.tls, host=nginx.DOMAIN, **kwargs)


def test_pages_come_over_tls_with_the_apps_headers_and_plain_http_is_redirected(proxy):
    status, headers, body = get(proxy, "GET", "/")
    assert status == 200 and b"<html" in body
    # The app saw X-Forwarded-Proto: https (else it would redirect to HTTPS itself) and sent its headers.
    assert "max-age=31536000" in headers["strict-transport-security"]
    assert "default-src 'self'" in headers["content-security-policy"]
    status, headers, _ = request(proxy.http_port, "GET", PETITION + "?a=1", host=nginx.DOMAIN)
    assert status == 301 and headers["location"] == f"https://{nginx.DOMAIN}{PETITION}?a=1"


def test_an_unknown_host_gets_no_answer(proxy):
    with pytest.raises(OSError):  # the TLS handshake is refused for a name we do not serve
        request(proxy.https_port, "GET", "/", tls=proxy.tls, host="other.example")
    with pytest.raises(ConnectionError):  # and plain HTTP is closed without a response (444)
        request(proxy.http_port, "GET", "/", host="203.0.113.1")


def test_the_public_page_is_served_from_nginx_cache_as_its_cache_control_allows(proxy):
    path = PETITION + "?cache-test"
    first = get(proxy, "GET", path)
    second = get(proxy, "GET", path)
    assert first[0] == second[0] == 200 and first[2] == second[2]
    assert (first[1].get("x-cache"), second[1].get("x-cache")) == ("MISS", "HIT")
    assert "public" in second[1]["cache-control"]
    # Each language is its own entry, as the page varies on it.
    spanish = get(proxy, "GET", path, headers={"Accept-Language": "es"})
    assert spanish[1].get("x-cache") == "MISS"
    # A visitor with a cookie, and a page that sets one (a form with a CSRF token), always reach the app.
    assert get(proxy, "GET", path, headers={"Cookie": "sessionid=x"})[1].get("x-cache") == "BYPASS"
    for _ in range(2):
        status, headers, _ = get(proxy, "GET", "/get-involved/")
        assert status == 200 and headers.get("x-cache") != "HIT", headers
    # After max-age (2 s) the page is refreshed: served stale once while nginx fetches it again.
    # nginx keeps whole seconds: an entry stored at t stays fresh until floor(t) + 2 has passed, so
    # up to 3 s after it was stored.
    time.sleep(3.2)
    assert get(proxy, "GET", path)[1].get("x-cache") in ("STALE", "UPDATING", "EXPIRED")


def test_static_files_are_cached_too(proxy):
    _, _, page = get(proxy, "GET", "/")
    css = page.decode().split('href="/static/css/', 1)[1].split('"', 1)[0]
    get(proxy, "GET", "/static/css/" + css)
    status, headers, body = get(proxy, "GET", "/static/css/" + css)
    assert status == 200 and headers["x-cache"] == "HIT" and b"{" in body


def test_signing_works_through_nginx_and_a_forged_forwarded_address_is_replaced(proxy):
    status, headers, body = get(proxy, "POST", PETITION + "sign/", body=sign_form("grace@example.org"),
                                headers={"X-Forwarded-For": "6.6.6.6"})  # fmt: skip
    assert status == 200 and b"Check your email" in body and headers.get("x-cache") is None  # never cached
    stored = json.loads(proxy.site.manage("shell", "-c", (
        "import json; from signatures.models import Signature; from signatures.emails import email_hash; "
        "from core.privacy import ip_hash; s = Signature.objects.get(email_hash=email_hash('grace@example.org')); "
        "print(json.dumps({'ip_hash': s.ip_hash, 'nginx_client': ip_hash('127.0.0.1'), 'forged': ip_hash('6.6.6.6')}))"
    )).strip().splitlines()[-1])  # fmt: skip
    # nginx set X-Forwarded-For to the address it saw (this test's 127.0.0.1), dropping the forged one.
    assert stored["ip_hash"] == stored["nginx_client"] != stored["forged"]


def test_a_hundred_slow_bodies_through_nginx_leave_every_other_visitor_served(proxy):
    with SlowBodies(proxy.https_port, 100, tls=proxy.tls, host=nginx.DOMAIN) as attack:
        time.sleep(1.5)
        for i in range(10):
            (status, _, body), seconds = timed(get, proxy, "GET", f"/?visitor={i}")
            assert status == 200 and b"<html" in body and seconds < 2, (status, seconds)
        (status, _, body), seconds = timed(get, proxy, "POST", PETITION + "sign/", body=sign_form("katherine@example.org"))
        assert status == 200 and b"Check your email" in body and seconds < 5, (status, seconds)
        assert attack.still_waiting() >= 95  # nginx is still reading all hundred bodies


def test_the_access_log_names_no_one(proxy):
    get(proxy, "GET", "/?q=private-search-term", headers={"User-Agent": "Visitor-Agent/1.0", "Referer": "https://ref.example/"})
    log = proxy.access_log()
    assert "GET / 200" in log
    for personal in ("127.0.0.1", "Visitor-Agent", "ref.example", "private-search-term"):
        assert personal not in log


def test_nginx_caps_bodies_except_the_admins_uploads(proxy):
    big = b"x" * (11 * 1024 * 1024)
    with connect(proxy.https_port, proxy.tls) as sock:  # refused on the announced length, before any body
        sock.sendall(f"POST {PETITION}sign/ HTTP/1.1\r\nHost: {nginx.DOMAIN}\r\nContent-Length: {len(big)}\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 413 ")
    # The admin takes an organizer's alert export: the body reaches the app (which wants a CSRF token here).
    assert get(proxy, "POST", "/admin/login/", body=big, timeout=30)[0] == 403
