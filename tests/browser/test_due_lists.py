"""A jobcoach with more benefit checks due than the home page lists follows its link to the
whole list, pages through it and opens a check's form; axe-core on desktop and phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kernel.dates import add_months
from municipalities.enums import Role
from placements.enums import PlacementStatus
from tests.factories import JobseekerFactory, MunicipalityFactory, PlacementFactory, user_with_role

from .helpers import PHONE, assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_whole_list_of_benefit_checks_due_from_the_home_page(page, a11y):
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    # 20 people whose internship ended 13 months ago (a day more each): 60 open checks.
    for n in range(20):
        end = add_months(today, -13) - datetime.timedelta(days=n)
        PlacementFactory(
            jobseeker=JobseekerFactory(
                municipality=heerlen, ref=f"HRL{n:02}", given_name=f"Anouk{n:02}"
            ),
            status=PlacementStatus.COMPLETED,
            planned_start=end - datetime.timedelta(days=120),
            planned_end=end,
            actual_start=end - datetime.timedelta(days=120),
            actual_end=end,
        )
    sign_in(page, user_with_role(Role.JOBCOACH, heerlen))

    checks = page.get_by_role("region", name="Check benefit status (60)")
    expect(checks).to_contain_text("60 in all; these are the 10 most urgent.")
    checks.get_by_role("link", name="All benefit checks due").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Benefit checks due")
    expect(page.get_by_role("status")).to_have_text("60 checks due.")
    rows = page.get_by_role("table", name="Benefit checks due").locator("tbody tr")
    expect(rows).to_have_count(50)
    # The most urgent first: the oldest internship end's 3-month check.
    expect(rows.first).to_contain_text("Anouk19")
    expect(rows.first).to_contain_text("overdue")
    a11y.check(page, "benefit checks due, desktop")
    page.set_viewport_size(PHONE)
    a11y.check(page, "benefit checks due, 390 px")
    assert_fits_width(page)

    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(rows).to_have_count(10)
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("months after the internship")

    a11y.assert_clean()
