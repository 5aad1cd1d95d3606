"""A jobcoach who types the address of another municipality's page gets "not found", and
nothing of that municipality's people on it."""

import datetime

import pytest
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

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_jobcoach_typing_another_municipalitys_urls_gets_404(page, a11y):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    maastricht = MunicipalityFactory(code="GM0935", name="Maastricht")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen, email="ilse@heerlen.example")
    other = JobseekerFactory(
        municipality=maastricht, ref="MST-001", given_name="Bram", family_name="Wouters"
    )
    placement = PlacementFactory(
        jobseeker=other,
        entrepreneur=EntrepreneurFactory(municipality=maastricht, trade_name="Drukkerij Maas"),
        ref="MST-001-P1",
        status=PlacementStatus.PROPOSED,
        planned_start=datetime.date(2026, 1, 5),
        planned_end=datetime.date(2026, 5, 4),
        actual_start=None,
        actual_end=None,
    )
    sign_in(page, jobcoach)

    for path in (
        f"/jobseekers/{other.pk}/",
        f"/jobseekers/{other.pk}/edit/",
        f"/jobseekers/{other.pk}/benefits/new/",
        f"/placements/{placement.pk}/",
        f"/placements/{placement.pk}/agree/",
        f"/placements/new/?jobseeker={other.pk}",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        body = page.locator("body")
        for text in ("Bram", "Wouters", "MST-001", "Maastricht", "Drukkerij Maas"):
            expect(body).not_to_contain_text(text)
        a11y.check(page)

    # Their own pages still answer.
    assert page.goto("/jobseekers/").status == 200
    expect(page.get_by_role("table", name="Jobseekers")).not_to_contain_text("Bram")

    a11y.assert_clean()
