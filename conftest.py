import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Tests see a cold cache, whichever backend (LocMem or Redis) is configured."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
