"""The public site runs without the admin's middleware (core/stacks.py); the admin keeps all of it.

The admin's login with its second factor and axes' lockout go through the same
split in core/tests/test_security.py (the test client routes as production does).
"""

import pytest
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.test import RequestFactory

from core.stacks import SplitSite


def test_a_public_page_sets_no_session_cookie_even_for_a_signed_in_organizer(admin_client):
    response = admin_client.get("/news/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "user")  # no session read, no user looked up
    # The same client is still signed in where it matters.
    admin = admin_client.get("/admin/")
    assert admin.status_code == 200 and admin.wsgi_request.user.is_superuser


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: the handler would close the test's database connection between requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_production_application_serves_both_sites(db, keep_the_test_connection):
    site = SplitSite()
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["cookies"] = status, [v.strip() for k, v in headers if k.lower() == "set-cookie"]

    environ = RequestFactory().get("/news/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=made-up").environ
    b"".join(site(environ, start_response))
    assert seen["status"].startswith("200") and not seen["cookies"]
    b"".join(site(RequestFactory().get("/admin/login/").environ, start_response))
    assert seen["status"].startswith("200") and any(c.startswith("csrftoken=") for c in seen["cookies"])
