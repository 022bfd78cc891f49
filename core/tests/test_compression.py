"""HTML is gzipped where no secret is in it (BREACH), and never where a CSRF token or a session is."""

import gzip

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def site(db):
    call_command("load_default_content", verbosity=0)


def body(response) -> str:
    raw = response.content
    return (gzip.decompress(raw) if response.get("Content-Encoding") == "gzip" else raw).decode()


@pytest.mark.parametrize("path", ["/", "/local/", "/profits/", "/news/", "/local/chicago-il/"])
def test_public_pages_without_a_token_are_compressed(site, path):
    response = Client().get(path, **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert "</html>" in body(response)
    assert "csrfmiddlewaretoken" not in body(response)
    assert len(response.content) < len(Client().get(path).content) / 2
    assert "Content-Encoding" not in Client().get(path)  # a client that did not ask gets plain HTML


def test_a_cached_campaign_page_is_replayed_compressed_or_plain_as_asked(site):
    path = "/petition/stop-surveilling-our-communities/"
    first, again = Client().get(path, **GZIP), Client().get(path, **GZIP)  # the second from the page cache
    assert first["Content-Encoding"] == again["Content-Encoding"] == "gzip"
    assert body(first) == body(again)
    plain = Client().get(path)
    assert "Content-Encoding" not in plain and plain.content.decode() == body(first)
    assert "Accept-Encoding" in plain["Vary"]


@pytest.mark.parametrize("path", ["/get-involved/", "/local/add/", "/local/boston-ma/"])
def test_pages_with_a_csrf_token_are_never_compressed(site, path):
    response = Client().get(path, **GZIP)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "Content-Encoding" not in response


def test_nothing_is_compressed_for_a_signed_in_session(site, admin_client):
    assert "Content-Encoding" not in admin_client.get("/admin/", **GZIP)
    assert "Content-Encoding" not in admin_client.get("/local/", **GZIP)
