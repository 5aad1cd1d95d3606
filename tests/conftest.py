import pytest


@pytest.fixture(autouse=True)
def _english_messages(settings):
    # Tests assert on message text; the interface's own language tests set "nl" themselves.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache lives in Redis (as in production): start every test without rate-limit counters.
    from django.core.cache import cache

    cache.clear()
    yield
