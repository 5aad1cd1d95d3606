"""The privacy officer in the browser: signing in lands on the processing log, whose only
navigation item it is; opening a person by reference; axe-core clean on desktop and at 390 px."""

import pytest
from playwright.sync_api import expect

from municipalities.enums import Role
from municipalities.processing_enums import Action, Activity
from municipalities.processing_log import record
from tests.factories import JobseekerFactory, MunicipalityFactory, user_with_role

from .helpers import PASSWORD, PHONE, assert_fits_width, enter_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_works_from_the_processing_log(page, a11y):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen, full_name="Joke Coach")
    jobseeker = JobseekerFactory(municipality=heerlen, ref="HRL-777")
    record(action=Action.READ, people=[jobseeker], activity=Activity.GUIDANCE, actor=jobcoach)
    officer = user_with_role(Role.PRIVACY_OFFICER, email="privacy@example.org")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    enter_totp_code(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Processing log")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link")).to_have_text(["Processing log", "Privacy requests"])
    expect(page.get_by_role("link", name="HRL-777")).to_be_visible()
    a11y.check(page, "processing log, desktop")
    page.set_viewport_size(PHONE)
    a11y.check(page, "processing log, 390 px")
    assert_fits_width(page)

    page.get_by_label("Reference of the jobseeker").fill("HRL-777")
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(jobseeker.full_name)
    assert f"/privacy/people/{jobseeker.pk}/" in page.url
    assert "HRL-777" not in page.url
    expect(page.get_by_role("link", name="Download as PDF (readable)")).to_be_visible()
    a11y.check(page, "person, 390 px")
    assert_fits_width(page)

    a11y.assert_clean()
