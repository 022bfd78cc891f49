import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Tests see a cold cache, whichever backend (LocMem or Redis) is configured."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _admin_without_second_factor(settings):
    """Most tests use pytest-django's admin_client; the two-factor tests switch this back on."""
    settings.ADMIN_REQUIRE_2FA = False
