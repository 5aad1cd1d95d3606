"""A jobcoach corrects a wrongly recorded benefit end in Chromium: the correction shows on the
jobseeker's timeline with its reason, and the outflow figure on the dashboard goes down."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kernel.dates import add_months
from municipalities.enums import ChangeSource, CorrectionAction, Role
from municipalities.models import Correction
from placements.enums import PlacementStatus
from placements.models import BenefitPeriod
from reporting.snapshots import snapshot_compute
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

from .helpers import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _headline(page: Page):
    page.goto("/dashboard/")
    return page.locator(".headline__figure strong")


def test_jobcoach_corrects_a_wrongly_recorded_benefit_end(page, a11y, settings):
    # No broker in the browser tests: the refresh after a change runs in the request itself.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    today = timezone.localdate()
    internship_end = add_months(today, -3)
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobcoach = user_with_role(
        Role.JOBCOACH, heerlen, email="ilse.janssen@heerlen.example", full_name="Ilse Janssen"
    )
    sanne = JobseekerFactory(
        municipality=heerlen, ref="HRL-011", given_name="Sanne", family_name="de Vries"
    )
    PlacementFactory(
        jobseeker=sanne,
        entrepreneur=EntrepreneurFactory(municipality=heerlen, trade_name="Bakkerij Van Dam"),
        ref="HRL-011-P1",
        status=PlacementStatus.COMPLETED,
        planned_start=add_months(internship_end, -5),
        planned_end=internship_end,
        actual_start=add_months(internship_end, -5),
        actual_end=internship_end,
    )
    # Recorded as ended because of work, but the benefit never ended.
    period = BenefitPeriodFactory(
        jobseeker=sanne,
        start_date=add_months(today, -40),
        end_date=add_months(today, -1),
        end_reason="work",
    )
    snapshot_compute(as_of=today, trigger="on_demand")

    sign_in(page, jobcoach)
    expect(_headline(page)).to_have_text("1 participant left benefits")

    page.goto(f"/jobseekers/{sanne.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanne de Vries")
    page.get_by_role("link", name="Correct Participatiewet (bijstand)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct a benefit")
    a11y.check(page)

    # Without a reason the correction is refused at the field.
    page.get_by_label("End date").fill("")
    page.get_by_label("End reason").select_option("")
    page.get_by_role("button", name="Save correction").click()
    reason = page.get_by_label("Reason for the correction")
    expect(reason).to_have_accessible_description(
        re.compile(r"Say why this is corrected: the reason is kept with the correction\.")
    )
    a11y.check(page, "no reason")
    reason.fill("Uitkering loopt nog: einde was bij de verkeerde persoon ingevoerd.")
    page.get_by_role("button", name="Save correction").click()

    expect(page.get_by_role("status")).to_contain_text("The benefit is corrected.")
    expect(page.get_by_role("table", name="Benefits")).to_contain_text("running")
    correction = page.locator("ol.timeline > li").filter(has_text="Benefit period corrected")
    expect(correction).to_have_count(1)
    expect(correction).to_contain_text("End reason: work → –")
    expect(correction).to_contain_text(
        "Reason: Uitkering loopt nog: einde was bij de verkeerde persoon ingevoerd."
    )
    expect(correction).to_contain_text("recorded by Ilse Janssen (web)")
    a11y.check(page, "after the correction")
    screenshot(page, "jobseeker-correction")

    expect(_headline(page)).to_have_text("0 participants left benefits")
    a11y.assert_clean()

    period.refresh_from_db()
    assert (period.end_date, period.end_reason, period.version) == (None, "", 2)
    assert list(Correction.objects.values_list("action", "changed_by", "source", "changes")) == [
        (
            CorrectionAction.CORRECTED,
            jobcoach.pk,
            ChangeSource.WEB,
            {"end_date": [add_months(today, -1).isoformat(), None], "end_reason": ["work", ""]},
        )
    ]
    assert BenefitPeriod.objects.count() == 1
