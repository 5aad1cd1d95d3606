"""Screenshots of every role's pages in Dutch, at 390 px and at 1280 px, on the demo pilot as it
stands today: the README's pictures. ``bin/screenshots`` runs this module with
``SCREENSHOTS=docs/screenshots``; in a plain test run they go to a temporary folder. Each page is
also checked: Dutch, nothing wider than the screen, axe-core clean."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.credentials import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.factories import totp_code

from .helpers import DESKTOP, PHONE, assert_fits_width, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (the demo sign-in, its name in the file names, the pages after the home page)
ROLES = [
    (
        "jobcoach.heerlen@pilot.example",
        "jobcoach",
        [("jobseeker-list", "/jobseekers/"), ("dashboard", "/dashboard/")],
    ),
    (
        "imk.coach1@pilot.example",
        "imk-coach",
        [("entrepreneur-list", "/entrepreneurs/")],
    ),
    (
        "financier@startfoundation.example",
        "funder",
        [("dashboard", "/dashboard/"), ("rollout", "/rollout/")],
    ),
    ("onderzoeker@regioplan.example", "researcher", [("research-exports", "/exports/")]),
    (
        "beheer@pilot.example",
        "programme-admin",
        [("invitation", "/invitations/new/"), ("import", "/imports/")],
    ),
    # The privacy officer's home is the processing log.
    ("privacy@pilot.example", "privacy-officer", [("people", "/privacy/people/")]),
]


@pytest.fixture(autouse=True)
def _dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the dashboard's figures computed in the request


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.locator('input[name="code"]').fill(totp_code(DEMO_TOTP_SECRET))
    page.locator('input[name="code"]').press("Enter")
    # Signed in: on the home page (the privacy officer's is the processing log).
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    expect(page.locator("main h1")).to_be_visible()


def _shoot(page: Page, a11y, name: str) -> None:
    for size, suffix in ((PHONE, "390"), (DESKTOP, "1280")):
        page.set_viewport_size(size)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        assert_fits_width(page)
        a11y.check(page, f"{name} {suffix}")
        screenshot(page, f"{name}-{suffix}")


def test_screenshots_of_every_role_in_dutch(browser, live_server, demo, a11y):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    _shoot(page, a11y, "sign-in")
    for email, slug, pages in ROLES:
        context.clear_cookies()
        _sign_in(page, email)
        _shoot(page, a11y, f"{slug}-home")
        for name, path in pages:
            page.goto(path)
            expect(page.locator("main h1")).to_be_visible()
            _shoot(page, a11y, f"{slug}-{name}")
    context.close()
    a11y.assert_clean()
