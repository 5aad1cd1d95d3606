"""Dates that cannot be true, through the services (the way in of the import and any API) and
the jobcoach's pages. The admin's way in is in test_admin.py, the import's in test_import.py."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kernel.dates import add_months
from placements.enums import ChangeSource, PlacementStatus
from placements.models import BenefitPeriod, Jobseeker, Placement, ProgressReview
from placements.services import (
    benefit_period_save,
    jobseeker_save,
    placement_save,
    progress_review_save,
)
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    JobseekerFactory,
    PlacementFactory,
)

from .pages import field_error, snapshot, two_municipalities

pytestmark = pytest.mark.django_db

D = datetime.date
FUTURE = "This date lies in the future; record it on or after the day it happens."
BEFORE_1900 = "A date before 1 January 1900 cannot be right; check the year."


def _today() -> datetime.date:
    return timezone.localdate()


def _tomorrow() -> datetime.date:
    return _today() + timedelta(days=1)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return {
        field: [m for e in errors for m in e.messages] for field, errors in exc.error_dict.items()
    }


def _refused(save, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        save(**kwargs)
    return _messages(info.value)


def _running(**fields) -> Placement:
    """An active placement that started four months ago, so that today may end it."""
    start = add_months(_today(), -4)
    defaults = {
        "status": PlacementStatus.ACTIVE,
        "planned_start": start,
        "planned_end": add_months(start, 5),
        "actual_start": start,
        "actual_end": None,
    }
    return PlacementFactory(**{**defaults, **fields})


# --- services ---------------------------------------------------------------------------------


def test_benefit_period_save_refuses_a_future_start_and_end():
    period = BenefitPeriodFactory.build(
        jobseeker=JobseekerFactory(),
        start_date=_tomorrow(),
        end_date=_tomorrow(),
        end_reason="work",
    )
    assert _refused(benefit_period_save, period=period) == {
        "start_date": [FUTURE],
        "end_date": [FUTURE],
    }
    assert not BenefitPeriod.objects.exists()


def test_benefit_period_save_accepts_an_end_today():
    period = BenefitPeriodFactory(start_date=D(2020, 1, 1))
    period.end_date, period.end_reason = _today(), "work"
    benefit_period_save(period=period)
    period.refresh_from_db()
    assert period.end_date == _today()


def test_benefit_period_save_refuses_a_start_before_1900():
    period = BenefitPeriodFactory.build(jobseeker=JobseekerFactory(), start_date=D(1899, 12, 31))
    assert _refused(benefit_period_save, period=period) == {"start_date": [BEFORE_1900]}


def test_jobseeker_save_refuses_a_birth_date_before_1900():
    jobseeker = JobseekerFactory.build(
        municipality=JobseekerFactory().municipality, ref="OLD-1", birth_date=D(1899, 12, 31)
    )
    assert _refused(jobseeker_save, jobseeker=jobseeker) == {"birth_date": [BEFORE_1900]}
    assert not Jobseeker.objects.filter(ref="OLD-1").exists()


def test_placement_save_refuses_a_future_actual_start():
    placement = PlacementFactory.build(
        jobseeker=JobseekerFactory(),
        status=PlacementStatus.ACTIVE,
        planned_start=_tomorrow(),
        planned_end=add_months(_tomorrow(), 4),
        actual_start=_tomorrow(),
        actual_end=None,
    )
    placement.entrepreneur = EntrepreneurFactory(municipality=placement.jobseeker.municipality)
    assert _refused(placement_save, placement=placement, source=ChangeSource.IMPORT) == {
        "actual_start": [FUTURE]
    }
    assert not Placement.objects.exists()


def test_placement_save_refuses_a_future_actual_end():
    placement = _running()
    placement.status, placement.actual_end = PlacementStatus.COMPLETED, _tomorrow()
    assert _refused(placement_save, placement=placement, source=ChangeSource.IMPORT) == {
        "actual_end": [FUTURE]
    }
    placement.refresh_from_db()
    assert (placement.status, placement.actual_end) == (PlacementStatus.ACTIVE, None)


def test_placement_save_accepts_planned_dates_ahead():
    jobseeker = JobseekerFactory()
    placement = Placement(
        ref="AHEAD-1",
        jobseeker=jobseeker,
        entrepreneur=EntrepreneurFactory(municipality=jobseeker.municipality),
        status=PlacementStatus.PROPOSED,
        planned_start=add_months(_today(), 12),
        planned_end=add_months(_today(), 16),
    )
    placement_save(placement=placement, source=ChangeSource.WEB)
    assert Placement.objects.get(ref="AHEAD-1").planned_start == add_months(_today(), 12)


def test_placement_save_refuses_planned_dates_before_1900():
    jobseeker = JobseekerFactory()
    placement = Placement(
        ref="OLD-1",
        jobseeker=jobseeker,
        entrepreneur=EntrepreneurFactory(municipality=jobseeker.municipality),
        status=PlacementStatus.PROPOSED,
        planned_start=D(1899, 1, 2),
        planned_end=D(1899, 5, 2),
    )
    assert _refused(placement_save, placement=placement, source=ChangeSource.WEB) == {
        "planned_start": [BEFORE_1900],
        "planned_end": [BEFORE_1900],
    }


@pytest.mark.parametrize(
    ("held_on", "next_review_on", "expected"),
    [
        (1, None, {"held_on": [FUTURE]}),
        (
            -200,
            None,
            {"held_on": ["The review cannot be before the internship started ({start})."]},
        ),
        (-1, -1, {"next_review_on": ["The next review must be after this review."]}),
        (-1, -10, {"next_review_on": ["The next review must be after this review."]}),
    ],
    ids=["future", "before-start", "next-same-day", "next-before"],
)
def test_progress_review_save_refuses(held_on, next_review_on, expected):
    placement = _running()
    review = ProgressReview(
        placement=placement,
        held_on=_today() + timedelta(days=held_on),
        next_review_on=None
        if next_review_on is None
        else _today() + timedelta(days=next_review_on),
        notes="Gaat goed.",
    )
    start = date_format(placement.actual_start)
    expected = {f: [m.format(start=start) for m in ms] for f, ms in expected.items()}
    assert _refused(progress_review_save, review=review) == expected
    assert not ProgressReview.objects.exists()


def test_progress_review_save_refuses_a_review_after_the_internship_ended():
    placement = PlacementFactory()  # completed: 8 January to 7 June 2024
    review = ProgressReview(placement=placement, held_on=D(2024, 6, 8), notes="Te laat.")
    assert _refused(progress_review_save, review=review) == {
        "held_on": ["The review cannot be after the internship ended (June 7, 2024)."]
    }


def test_progress_review_save_accepts_today_and_a_next_review_ahead():
    placement = _running()
    review = progress_review_save(
        review=ProgressReview(
            placement=placement,
            held_on=_today(),
            next_review_on=_today() + timedelta(days=28),
            notes="Gaat goed.",
        )
    )
    assert (review.held_on, review.municipality) == (_today(), placement.municipality)


# --- pages ------------------------------------------------------------------------------------


def _step(name: str, placement: Placement) -> str:
    return reverse(f"placements:placement_{name}", args=[placement.pk])


def _assert_refused_at_field(response, field_id: str, message: str, before: dict) -> None:
    assert response.status_code == 200
    assert field_error(field_id, message) in response.content.decode()
    assert snapshot() == before


def test_page_benefit_end_in_the_future_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:benefit_end", args=[a.jobseeker.pk]),
        {"period": a.period.pk, "end_date": _tomorrow().isoformat(), "end_reason": "work"},
    )
    _assert_refused_at_field(response, "id_end_date", FUTURE, before)


def test_page_benefit_start_in_the_future_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:benefit_start", args=[a.jobseeker.pk]),
        {"benefit_type": "ww", "start_date": _tomorrow().isoformat()},
    )
    _assert_refused_at_field(response, "id_start_date", FUTURE, before)


def test_page_start_in_the_future_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    agreed = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=a.municipality),
        status=PlacementStatus.AGREED,
        planned_start=_tomorrow(),
        planned_end=add_months(_tomorrow(), 4),
        actual_start=None,
        actual_end=None,
    )
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("start", agreed),
        {"start-version": agreed.version, "start-actual_start": _tomorrow().isoformat()},
    )
    _assert_refused_at_field(response, "id_start-actual_start", FUTURE, before)


@pytest.mark.parametrize("step", ["complete", "terminate"])
def test_page_end_in_the_future_is_refused_at_the_field(client, step):
    a, _b = two_municipalities()
    placement = _running(jobseeker=JobseekerFactory(municipality=a.municipality))
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step(step, placement),
        {
            f"{step}-version": placement.version,
            f"{step}-actual_end": _tomorrow().isoformat(),
            f"{step}-end_reason": "illness",
        },
    )
    _assert_refused_at_field(response, f"id_{step}-actual_end", FUTURE, before)


def test_page_review_in_the_future_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("review", a.placement),
        {
            "review-version": a.placement.version,
            "review-held_on": _tomorrow().isoformat(),
            "review-notes": "Nog niet gebeurd.",
        },
    )
    _assert_refused_at_field(response, "id_review-held_on", FUTURE, before)


def test_page_review_before_the_internship_is_refused_at_the_field(client):
    a, _b = two_municipalities()  # started on 3 March 2025
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("review", a.placement),
        {
            "review-version": a.placement.version,
            "review-held_on": "2025-03-02",
            "review-notes": "Voor de start.",
        },
    )
    _assert_refused_at_field(
        response,
        "id_review-held_on",
        "The review cannot be before the internship started (March 3, 2025).",
        before,
    )


def test_page_review_with_next_review_before_it_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("review", a.placement),
        {
            "review-version": a.placement.version,
            "review-held_on": "2025-04-01",
            "review-notes": "Gaat goed.",
            "review-next_review_on": "2025-03-25",
        },
    )
    _assert_refused_at_field(
        response, "id_review-next_review_on", "The next review must be after this review.", before
    )


def test_page_propose_with_planned_dates_ahead_is_accepted(client):
    a, _b = two_municipalities()
    jobseeker = JobseekerFactory(municipality=a.municipality)
    entrepreneur = EntrepreneurFactory(municipality=a.municipality)
    client.force_login(a.jobcoach)
    start = add_months(_today(), 2)
    response = client.post(
        reverse("placements:placement_propose"),
        {
            "jobseeker": jobseeker.pk,
            "entrepreneur": entrepreneur.pk,
            "planned_start": start.isoformat(),
            "planned_end": add_months(start, 4).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Placement.objects.get(jobseeker=jobseeker).planned_start == start


def test_page_propose_before_1900_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    jobseeker = JobseekerFactory(municipality=a.municipality)
    entrepreneur = EntrepreneurFactory(municipality=a.municipality)
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:placement_propose"),
        {
            "jobseeker": jobseeker.pk,
            "entrepreneur": entrepreneur.pk,
            "planned_start": "1025-09-01",
            "planned_end": "1026-01-31",
        },
    )
    _assert_refused_at_field(response, "id_planned_start", BEFORE_1900, before)


def test_page_jobseeker_birth_date_before_1900_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:jobseeker_update", args=[a.jobseeker.pk]),
        {
            "given_name": "Ayla",
            "family_name": "Jansen",
            "birth_date": "1885-04-12",
        },
    )
    _assert_refused_at_field(response, "id_birth_date", BEFORE_1900, before)
