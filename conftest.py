import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Tests see a cold cache, whichever backend (LocMem or Redis) is configured."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


def pytest_unconfigure(config):
    """Remove this run's page-cache stamp (core/http_cache.py), as Django removes its test database."""
    from pathlib import Path

    from django.conf import settings

    if settings.configured:
        Path(settings.PAGE_CACHE_STAMP).unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _admin_without_second_factor(settings):
    """Most tests use pytest-django's admin_client; the two-factor tests switch this back on."""
    settings.ADMIN_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request to /es/ leaves Spanish active in its thread, as a server thread would."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_configure(config):
    """The test client and the live server run the site as production does: the admin's and the public's stacks.

    core/stacks.py: /admin/ with settings.MIDDLEWARE, every other address with
    settings.PUBLIC_MIDDLEWARE; so a public view that read request.user or
    request.session would fail here as in production.
    """
    import django.test.client
    import django.test.testcases
    from django.test.client import ClientHandler
    from django.test.utils import override_settings

    class PublicClientHandler(ClientHandler):
        def load_middleware(self, is_async=False):
            from django.conf import settings

            with override_settings(MIDDLEWARE=settings.PUBLIC_MIDDLEWARE):
                super().load_middleware(is_async)

    class SplitClientHandler:
        def __init__(self, *args, **kwargs):
            self.admin = ClientHandler(*args, **kwargs)
            self.public = PublicClientHandler(*args, **kwargs)

        def __call__(self, environ):
            from core.stacks import is_admin

            return (self.admin if is_admin(environ["PATH_INFO"]) else self.public)(environ)

    from core.stacks import SplitSite

    django.test.client.ClientHandler = SplitClientHandler
    django.test.testcases.WSGIHandler = SplitSite
