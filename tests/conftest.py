import pytest


@pytest.fixture(autouse=True)
def _english_messages(settings):
    # Tests assert on message text; the interface's own language tests set "nl" themselves.
    settings.LANGUAGE_CODE = "en"
