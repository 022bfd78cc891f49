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
