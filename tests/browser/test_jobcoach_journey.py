"""A jobcoach's whole day's work in Chromium: sign in, add a jobseeker and their benefit,
propose, agree, start, review and complete a placement, and record the outflow."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kernel.dates import add_months
from municipalities.enums import Role
from placements.enums import BenefitEndReason, BenefitType, ChangeSource, PlacementStatus
from placements.models import BenefitPeriod, Jobseeker, Placement, ProgressReview
from tests.factories import (
    EntrepreneurFactory,
    JobseekerFactory,
    MunicipalityFactory,
    user_with_role,
)

from .helpers import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def test_jobcoach_journey_from_new_jobseeker_to_outflow(page, a11y):
    today = timezone.localdate()
    start = add_months(today, -4)
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobcoach = user_with_role(
        Role.JOBCOACH, heerlen, email="ilse.janssen@heerlen.example", full_name="Ilse Janssen"
    )
    bakery = EntrepreneurFactory(
        municipality=heerlen, ref="ENT-HRL-01", trade_name="Bakkerij Van Dam"
    )
    EntrepreneurFactory(municipality=heerlen, ref="ENT-HRL-02", trade_name="Fietsenmaker De Spaak")
    # Two colleagues' jobseekers, so that the list is a list.
    JobseekerFactory(
        municipality=heerlen, ref="HRL-003", given_name="Petra", family_name="Hendriks"
    )
    JobseekerFactory(
        municipality=heerlen, ref="HRL-007", given_name="Mohamed", family_name="El Amrani"
    )

    # Sign in.
    page.goto("/accounts/login/")
    a11y.check(page)
    screenshot(page, "sign-in")
    sign_in(page, jobcoach)
    expect(page.get_by_text("Nothing needs doing right now.")).to_be_visible()
    a11y.check(page, "nothing to do")

    # A new jobseeker, through the form.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Jobseekers"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobseekers")
    page.get_by_role("link", name="Add a jobseeker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a jobseeker")
    a11y.check(page)
    page.get_by_label("Reference").fill("HRL-011")
    page.get_by_label("Given name").fill("Sanne")
    page.get_by_label("Family name").fill("de Vries")
    page.get_by_label("Birth date").fill("1990-04-12")
    page.get_by_label("Client number").fill("C-4471")
    page.get_by_role("button", name="Add jobseeker").click()
    _expect_message(page, "Jobseeker HRL-011 added.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanne de Vries")
    expect(page.get_by_text("No placements yet.")).to_be_visible()
    sanne = Jobseeker.objects.get(ref="HRL-011")

    # Her research consent, recorded per purpose with the information letter's version.
    research = page.locator("section.consent").filter(
        has=page.get_by_role("heading", name="Research (Regioplan)")
    )
    expect(research).to_contain_text("No consent holds.")
    research.get_by_role("link", name="Record consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record consent")
    expect(page.get_by_role("radio", name=re.compile("^research"))).to_be_checked()
    a11y.check(page)
    page.get_by_role("button", name="Record consent").click()
    _expect_message(page, "Consent for research (Regioplan) is recorded.")
    expect(research).to_contain_text("on information letter research-2026-01")
    expect(research.get_by_role("link", name="Withdraw consent")).to_be_visible()
    a11y.check(page, "consent recorded")
    assert sanne.research_consent == "yes"

    # Their benefit, so that leaving it can be recorded later.
    page.get_by_role("link", name="Record a new benefit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a new benefit")
    a11y.check(page)
    page.get_by_label("Benefit type").select_option(BenefitType.PARTICIPATIEWET.value)
    page.get_by_label("First day of the benefit").fill("2023-02-01")
    page.get_by_label("Monthly amount (EUR)").fill("1250.00")
    page.get_by_role("button", name="Record new benefit").click()
    _expect_message(page, "The new benefit is recorded.")
    benefits = page.get_by_role("table", name="Benefits")
    expect(benefits).to_contain_text("Participatiewet (bijstand)")
    expect(benefits).to_contain_text("running")
    a11y.check(page, "new jobseeker with a benefit")

    page.get_by_role("link", name="All jobseekers").click()
    rows = page.get_by_role("table", name="Jobseekers").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="HRL-011")).to_contain_text("Sanne de Vries")
    expect(rows.filter(has_text="HRL-011")).to_contain_text("no placement yet")
    a11y.check(page)
    screenshot(page, "jobseeker-list")

    # Propose a placement; a planned end too soon is refused next to the field.
    rows.filter(has_text="HRL-011").get_by_role("link", name="Sanne de Vries").click()
    page.get_by_role("link", name="Propose a placement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a placement")
    expect(page.get_by_label("Jobseeker")).to_have_value(str(sanne.pk))
    a11y.check(page)
    page.get_by_label("Entrepreneur").select_option(str(bakery.pk))
    page.get_by_label("Planned start").fill(_iso(start))
    page.get_by_label("Planned end").fill(_iso(add_months(start, 2)))
    page.get_by_label("Hours per week").fill("24")
    page.get_by_role("button", name="Propose placement").click()
    planned_end = page.get_by_label("Planned end")
    expect(planned_end).to_have_accessible_description(
        "The planned end must be at least 3 months after the start."
    )
    assert Placement.objects.count() == 0
    a11y.check(page, "planned end too soon")
    screenshot(page, "placement-propose-error")
    planned_end.fill(_iso(add_months(start, 5)))
    page.get_by_role("button", name="Propose placement").click()
    _expect_message(page, "Placement HRL-011-P1 is proposed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement HRL-011-P1")
    a11y.check(page, "proposed")

    # The proposal waits on the home page.
    page.get_by_role("link", name="Home").click()
    proposals = page.get_by_role("region", name="Proposals waiting for agreement (1)")
    expect(proposals).to_contain_text("Sanne de Vries – Bakkerij Van Dam")
    a11y.check(page, "a proposal waiting")
    screenshot(page, "jobcoach-home")
    proposals.get_by_role("link", name="Sanne de Vries – Bakkerij Van Dam").click()

    # Agree (the agreement form opens with the proposed dates and hours).
    expect(page.get_by_role("heading", level=1)).to_have_text("Agree dates and hours")
    expect(page.get_by_label("Hours per week")).to_have_value("24")
    a11y.check(page)
    page.get_by_role("button", name="Record agreement").click()
    _expect_message(page, "Placement HRL-011-P1 is agreed.")
    status = page.locator(".utrecht-status-badge").first
    expect(status).to_have_text("agreed")

    # Start, on the planned start.
    step = page.locator("details", has_text="Start the internship")
    expect(step).to_have_attribute("open", "")
    step.get_by_label("First day of the internship").fill(_iso(start))
    a11y.check(page, "agreed")
    step.get_by_role("button", name="Record start").click()
    _expect_message(page, "Placement HRL-011-P1 has started.")
    expect(status).to_have_text("active")

    # A progress review a month in.
    step = page.locator("details", has_text="Record a progress review")
    step.get_by_label("Date of the review").fill(_iso(add_months(start, 1)))
    step.get_by_label("Notes").fill("Works the counter alone now; wants more hours.")
    a11y.check(page, "active")
    step.get_by_role("button", name="Save review").click()
    _expect_message(page, "Progress review of HRL-011-P1 saved.")
    expect(page.get_by_text("Works the counter alone now; wants more hours.")).to_be_visible()

    # Complete it today, four months after the start.
    step = page.locator("details", has_text="Complete the internship")
    step.locator("summary").click()
    expect(step.get_by_label("Last day of the internship")).to_have_value(_iso(today))
    step.get_by_role("button", name="Record completion").click()
    _expect_message(page, "Placement HRL-011-P1 is completed.")
    expect(status).to_have_text("completed")
    closed = page.get_by_text("This placement is closed: there are no further steps.")
    expect(closed).to_be_visible()
    history = page.get_by_role("table", name="History of state changes")
    expect(history.locator("tbody tr")).to_have_count(4)
    expect(history).to_contain_text("active → completed")
    expect(history).to_contain_text("Ilse Janssen")
    a11y.check(page, "completed")
    screenshot(page, "placement-detail")

    # The outflow: the benefit ended today because of work.
    page.get_by_role("link", name="Sanne de Vries").click()
    page.get_by_role("link", name="Record that a benefit ended").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that a benefit ended")
    a11y.check(page)
    page.get_by_label("Last day of the benefit").fill(_iso(today))
    page.get_by_label("Why did it end?").select_option(BenefitEndReason.WORK.value)
    page.get_by_role("button", name="Record end of benefit").click()
    _expect_message(page, "The end of the benefit is recorded.")
    timeline = page.locator("ol.timeline > li")
    ended = timeline.filter(has_text="Benefit ended: Participatiewet (bijstand)")
    expect(ended).to_have_count(1)
    expect(ended).to_contain_text("work")
    expect(ended.locator("time")).to_have_attribute("datetime", _iso(today))
    expect(timeline.filter(has_text="Internship at Bakkerij Van Dam completed")).to_have_count(1)
    expect(timeline.filter(has_text="Progress review (HRL-011-P1)")).to_have_count(1)
    expect(page.get_by_role("table", name="Placements")).to_contain_text("completed")
    expect(page.get_by_role("link", name="Record that a benefit ended")).to_have_count(0)
    a11y.check(page, "after the outflow")
    screenshot(page, "jobseeker-detail")

    # What the browser did is what the database holds.
    sanne.refresh_from_db()
    assert (sanne.municipality_id, sanne.given_name, sanne.family_name, sanne.birth_date) == (
        heerlen.pk,
        "Sanne",
        "de Vries",
        datetime.date(1990, 4, 12),
    )
    placement = Placement.objects.get()
    assert (
        placement.ref,
        placement.jobseeker_id,
        placement.entrepreneur_id,
        placement.status,
        placement.planned_start,
        placement.planned_end,
        placement.hours_per_week,
        placement.actual_start,
        placement.actual_end,
    ) == (
        "HRL-011-P1",
        sanne.pk,
        bakery.pk,
        PlacementStatus.COMPLETED,
        start,
        add_months(start, 5),
        24,
        start,
        today,
    )
    changes = list(
        placement.state_changes.order_by("changed_at", "id").values_list(
            "from_status", "to_status", "changed_by", "source"
        )
    )
    assert changes == [
        ("", PlacementStatus.PROPOSED, jobcoach.pk, ChangeSource.WEB),
        (PlacementStatus.PROPOSED, PlacementStatus.AGREED, jobcoach.pk, ChangeSource.WEB),
        (PlacementStatus.AGREED, PlacementStatus.ACTIVE, jobcoach.pk, ChangeSource.WEB),
        (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED, jobcoach.pk, ChangeSource.WEB),
    ]
    review = ProgressReview.objects.get()
    assert (review.placement_id, review.author_id, review.held_on) == (
        placement.pk,
        jobcoach.pk,
        add_months(start, 1),
    )
    period = BenefitPeriod.objects.get(jobseeker=sanne)
    assert (period.benefit_type, period.start_date, period.end_date, period.end_reason) == (
        BenefitType.PARTICIPATIEWET,
        datetime.date(2023, 2, 1),
        today,
        BenefitEndReason.WORK,
    )

    a11y.assert_clean()
