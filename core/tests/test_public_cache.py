"""The public page cache (core/http_cache.py), seen as a cookie-less browser sees it.

Django's test client always sends a Cookie header, which turns the replay
off; these tests talk to a live server with http.client instead, sending
exactly the headers they name.
"""

import http.client
import json
import os
import subprocess
import sys
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from pages.models import SiteSettings
from signatures.models import Campaign, Count

pytestmark = pytest.mark.django_db(transaction=True)


def request(base: str, method: str, path: str, headers: dict | None = None, body: str | None = None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def total(base: str, path: str = "/petition/p/count.json", headers: dict | None = None) -> int:
    status, body = request(base, "GET", path, headers)
    assert status == 200, body
    return json.loads(body)["total"]


def stored_entries() -> int:
    """How many entries the page cache holds, whichever backend it is."""
    pages = caches["pages"]
    if hasattr(pages, "_cache") and isinstance(pages._cache, dict):  # the in-process cache
        return len(pages._cache)
    client = pages._cache.get_client()  # Redis
    return len(client.keys(pages.make_key("*")))


@pytest.fixture
def petition(transactional_db):
    SiteSettings.load()  # created on first use, which (as a save) starts a new page-cache generation
    return Campaign.objects.create(kind="petition", slug="p", title="Stop it", target="The CEO", summary="Sum", body="Text.")


@pytest.fixture
def base(live_server):
    return live_server.url


def test_a_cookieless_get_is_replayed_whatever_its_query_string(base, petition):
    assert total(base) == 0
    Count.objects.create(campaign=petition, kind="individual", us_state="IL", total=5)
    cache.delete(f"counts:{petition.pk}")  # the count's own cache: only the replay can still answer 0
    assert total(base, "/petition/p/count.json?utm_source=newsletter&fbclid=abc") == 0
    assert total(base, "/petition/p/count.json", {"Accept-Language": "en-US,en;q=0.9"}) == 0
    # A browser with a cookie (a signed-in organizer) always gets a fresh answer.
    assert total(base, "/petition/p/count.json", {"Cookie": "sessionid=x"}) == 5


def test_what_one_client_can_make_the_page_cache_store_is_bounded(base, petition):
    for i in range(150):
        assert request(base, "GET", f"/petition/p/?{urlencode({'utm_source': i, 'x' * (i % 7): i})}")[0] == 200
        assert request(base, "GET", f"/petition/p/count.json?n={i}", {"Accept-Language": f"en;q=0.{i % 9}, x-{i}"})[0] == 200
    # Page and count, each rendered once per language: not one entry per request.
    assert stored_entries() <= 8


def test_a_request_for_another_host_is_refused_not_replayed(base, petition):
    assert request(base, "GET", "/petition/p/")[0] == 200
    status, _body = request(base, "GET", "/petition/p/", {"Host": "evil.example"})
    assert status == 400


def test_closing_a_campaign_stops_signing_and_changes_the_page_at_once(base, petition):
    status, page = request(base, "GET", "/petition/p/")
    assert status == 200 and "Add your name" in page
    petition.is_open = False
    petition.save()  # what the admin does
    status, page = request(base, "GET", "/petition/p/")
    assert "This campaign is closed to new signatures" in page and "Add your name" not in page
    form = urlencode({"signer": "individual", "name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614"})
    status, _body = request(base, "POST", "/petition/p/sign/", {"Content-Type": "application/x-www-form-urlencoded"}, form)
    assert status == 410
    assert not petition.signatures.exists()


def test_unpublishing_a_campaign_removes_its_page_and_count_at_once(base, petition):
    assert request(base, "GET", "/petition/p/")[0] == 200
    assert request(base, "GET", "/petition/p/count.json")[0] == 200
    petition.published = False
    petition.save()
    assert request(base, "GET", "/petition/p/")[0] == 404
    assert request(base, "GET", "/petition/p/count.json")[0] == 404


def test_renaming_a_partner_shows_on_the_campaign_page_at_once(base, petition):
    from pages.models import Organization

    partner = Organization.objects.create(name="Oakland Privacy")
    petition.partners.add(partner)
    assert "Oakland Privacy" in request(base, "GET", "/petition/p/")[1]
    partner.name = "Oakland Privacy Coalition"
    partner.save()
    assert "Oakland Privacy Coalition" in request(base, "GET", "/petition/p/")[1]


def test_a_save_in_another_process_reaches_this_one_at_once(base, petition):
    assert "Stop it" in request(base, "GET", "/petition/p/")[1]
    Campaign.objects.filter(pk=petition.pk).update(title="Stop it now")  # no save signal in this process
    assert "Stop it now" not in request(base, "GET", "/petition/p/")[1]  # still the cached page
    # What an organizer's save in another server process (or `manage.py shell`) does:
    env = {**os.environ, "PAGE_CACHE_STAMP": settings.PAGE_CACHE_STAMP}
    code = "from core.http_cache import forget_public_pages; forget_public_pages()"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR, env=env, check=True)  # noqa: S603
    assert "Stop it now" in request(base, "GET", "/petition/p/")[1]
