"""A jobcoach on a phone closes an overdue benefit check: benefits ended, so the check goes
straight on to recording the end, and the jobseeker's timeline shows both."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kernel.dates import add_months
from municipalities.enums import Role
from placements.enums import BenefitCheckOutcome, PlacementStatus
from placements.models import BenefitCheck, BenefitPeriod
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

from .helpers import assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def test_jobcoach_closes_an_overdue_benefit_check_on_a_phone(phone_page, a11y):
    page = phone_page
    today = timezone.localdate()
    end = add_months(today, -4)  # the 3-month check is a month overdue
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobcoach = user_with_role(
        Role.JOBCOACH, heerlen, email="ilse.janssen@heerlen.example", full_name="Ilse Janssen"
    )
    sanne = JobseekerFactory(
        municipality=heerlen, ref="HRL-011", given_name="Sanne", family_name="de Vries"
    )
    period = BenefitPeriodFactory(jobseeker=sanne)
    placement = PlacementFactory(
        jobseeker=sanne,
        entrepreneur=EntrepreneurFactory(municipality=heerlen, trade_name="Bakkerij Van Dam"),
        ref="HRL-011-P1",
        status=PlacementStatus.COMPLETED,
        planned_start=add_months(end, -4),
        planned_end=end,
        actual_start=add_months(end, -4),
        actual_end=end,
    )

    sign_in(page, jobcoach)
    checks = page.get_by_role("region", name="Check benefit status")
    expect(checks).to_contain_text("overdue")
    a11y.check(page, "overdue check, 390 px")
    checks.get_by_role("link", name="Sanne de Vries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Benefit check 3 months after the internship"
    )
    a11y.check(page)
    assert_fits_width(page)

    # "Could not be checked" needs a reason: the error is at the field.
    page.get_by_role("radio", name="could not be checked").check()
    page.get_by_role("button", name="Record check").click()
    reason = page.get_by_label("Why could it not be checked?")
    expect(reason).to_have_accessible_description(
        re.compile(r"Say why the benefit status could not be checked\.")
    )
    a11y.check(page, "missing reason")
    assert not BenefitCheck.objects.exists()

    # The person has work now: the check goes straight on to the end of the benefit.
    page.get_by_role("radio", name="benefits ended").check()
    page.get_by_role("button", name="Record check").click()
    _expect_message(page, "The check is recorded. Now record when the benefit ended.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that a benefit ended")
    page.get_by_label("Last day of the benefit").fill(add_months(end, 2).isoformat())
    page.get_by_label("Why did it end?").select_option("work")
    page.get_by_role("button", name="Record end of benefit").click()
    _expect_message(page, "The end of the benefit is recorded.")

    timeline = page.get_by_role("list").filter(has_text="Benefit check")
    expect(timeline).to_contain_text("Benefit check 3 months after HRL-011-P1: benefits ended")
    expect(timeline).to_contain_text("recorded by Ilse Janssen")
    a11y.check(page, "timeline with the check, 390 px")
    check = BenefitCheck.objects.get()
    assert (check.placement, check.months, check.checked_on, check.outcome) == (
        placement,
        3,
        today,
        BenefitCheckOutcome.BENEFITS_ENDED,
    )
    period.refresh_from_db()
    assert (period.end_date, period.end_reason) == (add_months(end, 2), "work")
    assert BenefitPeriod.objects.count() == 1

    # Done: it has left the to-do list.
    page.goto("/")
    expect(page.get_by_role("region", name="Check benefit status")).to_contain_text("None.")

    a11y.assert_clean()
