"""axe-core on the pages every person sees first: the sign-in page (empty, after a wrong
password, and the password reset it links to), the home page of each role with that role's
navigation, and every page the programme admin's navigation leads to. The journeys check every
page they pass."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from municipalities.enums import Role
from placements.enums import PlacementStatus
from tests.factories import (
    EntrepreneurFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

from .helpers import PHONE, assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_has_no_axe_violations(page, a11y):
    user_with_role(Role.FUNDER, email="funder@example.org")
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    a11y.check(page)
    page.get_by_label("Email").fill("funder@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The email address and/or password you specified are not correct."
    )
    a11y.check(page, "wrong password")
    page.set_viewport_size(PHONE)
    a11y.check(page, "wrong password, 390 px")
    assert_fits_width(page)
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password Reset")
    a11y.check(page)

    a11y.assert_clean()


def _jobcoach_with_work_to_do():
    """A jobcoach whose to-do list has rows, so that the audited page holds its lists."""
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        entrepreneur=EntrepreneurFactory(municipality=heerlen),
        status=PlacementStatus.ACTIVE,
        planned_start=today - datetime.timedelta(days=140),
        planned_end=today + datetime.timedelta(days=10),
        actual_start=today - datetime.timedelta(days=140),
        actual_end=None,
    )
    # More proposals than the home page lists: the count and the link to the rest are audited.
    for n in range(11):
        PlacementFactory(
            jobseeker=JobseekerFactory(municipality=heerlen),
            entrepreneur=EntrepreneurFactory(municipality=heerlen),
            status=PlacementStatus.PROPOSED,
            planned_start=today + datetime.timedelta(days=20 + n),
            planned_end=today + datetime.timedelta(days=140),
            actual_start=None,
            actual_end=None,
        )
    return user_with_role(Role.JOBCOACH, heerlen)


REPORTS = ["Dashboard", "Reports"]
NAVIGATION = {
    Role.JOBCOACH: [
        "Home",
        "Jobseekers",
        "Placements",
        "Entrepreneurs",
        *REPORTS,
        "Data completeness",
        "Import",
    ],
    Role.IMK_COACH: ["Home", "Entrepreneurs"],
    Role.PROGRAMME_ADMIN: [
        "Home",
        "Jobseekers",
        "Placements",
        "Entrepreneurs",
        *REPORTS,
        "Data completeness",
        "Import",
        "Research exports",
        "Privacy requests",
        "Invite a person",
        "Administration",
    ],
    Role.FUNDER: ["Home", *REPORTS],
    Role.RESEARCHER: ["Home", *REPORTS, "Research exports"],
}


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_home_page_of_each_role_has_no_axe_violations(page, a11y, role):
    user = _jobcoach_with_work_to_do() if role == Role.JOBCOACH else user_with_role(role)
    sign_in(page, user)
    # Each role's pages, and only those, in the navigation as the browser shows it.
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link")).to_have_text(NAVIGATION[role])
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    if role == Role.JOBCOACH:
        ending = page.get_by_role("region", name="Placements ending within two weeks (1)")
        expect(ending).to_be_visible()
        proposals = page.get_by_role("region", name="Proposals waiting for agreement (11)")
        expect(proposals.get_by_role("listitem")).to_have_count(10)
        expect(proposals).to_contain_text("11 in all; these are the 10 most urgent.")
        expect(proposals.get_by_role("link", name="All proposed placements")).to_be_visible()
    a11y.check(page, f"{role}, desktop")
    page.set_viewport_size(PHONE)
    a11y.check(page, f"{role}, 390 px")
    assert_fits_width(page)

    a11y.assert_clean()


def test_every_page_in_the_programme_admins_navigation_has_no_axe_violations(page, a11y):
    # The programme admin's navigation holds every page of every role but the IMK coach's
    # session form (the journey checks that one); from each list, the first row's page too.
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        entrepreneur=EntrepreneurFactory(municipality=heerlen),
    )
    sign_in(page, user_with_role(Role.PROGRAMME_ADMIN))
    links = page.get_by_role("navigation", name="Main navigation").get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == len(NAVIGATION[Role.PROGRAMME_ADMIN])
    for href in hrefs:
        assert page.goto(href).status == 200, href
        a11y.check(page)
        first_row = page.locator("main table tbody a").first
        if href != "/admin/" and first_row.count():
            first_row.click()
            a11y.check(page)

    a11y.assert_clean()
