"""The programme admin's completeness overview from today's snapshot: the time the numbers
were counted, the note once records changed since, and counting again on request; axe-core on
desktop and phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from municipalities.enums import Role
from placements.enums import PlacementStatus
from reporting.snapshots import snapshot_compute
from tests.factories import (
    BenefitPeriodFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

from .helpers import PHONE, assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _running_past_its_end(municipality, ref: str, today: datetime.date):
    start = today - datetime.timedelta(days=20)
    placement = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=municipality, ref=f"JS-{ref}"),
        ref=ref,
        status=PlacementStatus.ACTIVE,
        planned_start=start,
        planned_end=today - datetime.timedelta(days=1),
        actual_start=start,
        actual_end=None,
    )
    BenefitPeriodFactory(jobseeker=placement.jobseeker)
    return placement


def _row(page, name: str):
    return page.get_by_role("table", name="Gaps in the records per municipality").get_by_role(
        "row", name=name
    )


def test_the_overview_says_when_it_counted_and_counts_again_on_request(page, a11y):
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    MunicipalityFactory(code="GM0928", name="Kerkrade")
    _running_past_its_end(heerlen, "HRL-1", today)
    snapshot, _created = snapshot_compute(as_of=today, trigger="on_demand")
    counted = timezone.localtime(snapshot.computed_at).strftime("%H:%M")
    sign_in(page, user_with_role(Role.PROGRAMME_ADMIN))

    page.get_by_role("navigation").get_by_role("link", name="Data completeness").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data completeness")
    expect(
        page.get_by_text(f"Counted at {counted}; no records have changed since.")
    ).to_be_visible()
    expect(_row(page, "Heerlen")).to_contain_text("1")
    a11y.check(page, "completeness overview from the snapshot, desktop")

    # A second internship past its end, saved after the snapshot.
    _running_past_its_end(heerlen, "HRL-2", today)
    page.reload()
    note = page.get_by_role("status").filter(has_text="Records have changed since then")
    expect(note).to_contain_text(f"These numbers were counted at {counted}.")
    past_end = _row(page, "Heerlen").locator(
        'td[data-label="Internships past their planned end without an outcome"]'
    )
    expect(past_end).to_have_text("1")
    page.set_viewport_size(PHONE)
    a11y.check(page, "completeness overview with changes since, 390 px")
    assert_fits_width(page)

    page.get_by_role("link", name="Count again now (takes a few seconds)").click()
    expect(past_end).to_have_text("2")
    expect(page.get_by_text("Records have changed since then")).to_have_count(0)
    a11y.assert_clean()
