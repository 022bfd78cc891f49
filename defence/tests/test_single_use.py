"""A solved proof of work is spent once, and a form's limit holds, whatever happens to the cache.

The cache is the wrong place for what security depends on: the in-process
cache is one per server process and evicts its oldest entries when anyone
fills it (cookie-less page views with varied query strings did), and Redis may
evict under memory pressure. These tests empty or flood the cache between
submissions, as another process, a restart or an eviction would.
"""

import http.client
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from contact.models import ContactMessage
from defence import pow
from local_actions.models import Submission
from signatures.models import Campaign

CONTACT = {"name": "Ana Ruiz", "email": "ana@example.org", "subject": "Our city", "message": "We organize in Tulsa."}


@pytest.fixture(autouse=True)
def cheap_pow(monkeypatch):
    monkeypatch.setattr(pow, "BASE_DIFFICULTY", 20)


def solved(client):
    return pow.solve(client.get("/defence/challenge.json").json())


def cookieless_get(base: str, path: str) -> int:
    """A GET as a browser with no cookie sends it (Django's test client always sends a Cookie header)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.django_db
def test_a_used_proof_is_refused_after_the_cache_is_emptied(client):
    payload = solved(client)
    assert client.post("/get-involved/", {**CONTACT, "pow": payload}).status_code == 302
    cache.clear()  # another server process, a restart, or an eviction
    response = client.post("/get-involved/", {**CONTACT, "pow": payload})
    assert response.status_code == 400
    assert "The automatic spam check did not work" in response.content.decode()
    assert ContactMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_used_proof_is_refused_after_a_flood_of_cookieless_page_views(client, live_server):
    Campaign.objects.create(kind="petition", slug="p", title="Stop it", target="The CEO", summary="Sum", body="Text.")
    payload = solved(client)
    assert client.post("/get-involved/", {**CONTACT, "pow": payload}).status_code == 302
    base = live_server.url
    for i in range(400):  # more than the in-process cache holds (300 entries)
        assert cookieless_get(base, f"/petition/p/?utm_source=x{i}") == 200
    assert client.post("/get-involved/", {**CONTACT, "pow": payload}).status_code == 400
    assert ContactMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_used_proof_is_refused_by_the_local_fight_form_too(client):
    payload = solved(client)
    form = {
        "city": "Tulsa", "state": "OK", "status": "proposed", "description": "Council vote in June.",
        "contact_name": "Ana", "contact_email": "ana@example.org",
    }  # fmt: skip
    first = client.post("/local/add/", {**form, "pow": payload})
    assert first.status_code == 302, first.content.decode()[:2000]
    cache.clear()
    assert client.post("/local/add/", {**form, "pow": payload}).status_code == 400
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_the_contact_limit_holds_when_the_cache_is_emptied_between_messages(client):
    for i in range(5):
        client.post("/get-involved/", {**CONTACT, "message": f"Message {i}"}, REMOTE_ADDR="198.51.100.3")
        cache.clear()
    assert ContactMessage.objects.filter(status="held").count() == 2


@pytest.mark.django_db
def test_the_worker_forgets_expired_windows_and_proofs(client):
    from defence import throttle
    from defence.models import ThrottleBucket, UsedProof

    payload = solved(client)
    client.post("/get-involved/", {**CONTACT, "pow": payload})
    assert UsedProof.objects.count() == 1 and ThrottleBucket.objects.count() == 1
    assert throttle.purge() == 0
    UsedProof.objects.update(expires_at="2000-01-01T00:00Z")
    ThrottleBucket.objects.update(expires_at="2000-01-01T00:00Z")
    assert throttle.purge() == 2
    assert not UsedProof.objects.exists() and not ThrottleBucket.objects.exists()
