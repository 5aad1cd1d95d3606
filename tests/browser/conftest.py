"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against pytest-django's
``live_server`` (the real Django stack on the PostgreSQL test database, static files served by
the staticfiles handler).

Nothing here skips: without Chromium the tests fail and say how to install it (CI installs it
with apt in ``.ci/run``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from .helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, AccessibilityAudit


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    # Playwright's sync API runs an asyncio event loop in this thread (in a greenlet) for as long
    # as it is started. Django then refuses ORM calls from this thread ("you cannot call this
    # from an async context") although they are plain synchronous calls made between browser
    # steps. The tests set up and check rows with the ORM, so allow it while the browser runs,
    # and restore the check afterwards so that the other test folders keep it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install chromium).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser: Browser, live_server, viewport: dict) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="en-GB", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[Page]:
    """A fresh browser session (no cookies) at desktop size."""
    yield from _new_page(browser, live_server, DESKTOP)


@pytest.fixture
def phone_page(browser, live_server) -> Iterator[Page]:
    """A fresh browser session at the width of a common phone (390 px)."""
    yield from _new_page(browser, live_server, PHONE)


@pytest.fixture(scope="session")
def _axe() -> Axe:
    return Axe()


@pytest.fixture
def a11y(_axe) -> AccessibilityAudit:
    return AccessibilityAudit(_axe)
