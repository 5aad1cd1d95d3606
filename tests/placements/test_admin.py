"""The admin's way in: the date rules and benefit checks show at their field, nothing saved."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.enums import Role
from placements.models import BenefitCheck, BenefitPeriod, Placement, ProgressReview
from tests.factories import (
    EntrepreneurFactory,
    JobseekerFactory,
    PlacementFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

FUTURE = "This date lies in the future; record it on or after the day it happens."


@pytest.fixture
def admin_user():
    return user_with_role(Role.PROGRAMME_ADMIN)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def _errors(response) -> dict:
    assert response.status_code == 200
    return dict(response.context["adminform"].form.errors)


def test_admin_benefit_period_in_the_future_is_refused(admin_client):
    jobseeker = JobseekerFactory()
    response = admin_client.post(
        reverse("admin:placements_benefitperiod_add"),
        {
            "jobseeker": jobseeker.pk,
            "benefit_type": "participatiewet",
            "start_date": "2020-01-01",
            "end_date": _tomorrow(),
            "end_reason": "work",
            "monthly_amount": "",
        },
    )
    assert _errors(response) == {"end_date": [FUTURE]}
    assert not BenefitPeriod.objects.exists()


def test_admin_placement_actual_start_in_the_future_is_refused(admin_client):
    jobseeker = JobseekerFactory()
    entrepreneur = EntrepreneurFactory(municipality=jobseeker.municipality)
    data = {
        "ref": "PL-ADMIN-1",
        "jobseeker": jobseeker.pk,
        "entrepreneur": entrepreneur.pk,
        "status": "active",
        "planned_start": _tomorrow(),
        "planned_end": (timezone.localdate() + timedelta(days=130)).isoformat(),
        "actual_start": _tomorrow(),
        "actual_end": "",
        "end_reason": "",
        "hours_per_week": "24",
    }
    for prefix in ("state_changes", "progress_reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(reverse("admin:placements_placement_add"), data)
    assert _errors(response) == {"actual_start": [FUTURE]}
    assert not Placement.objects.exists()


def test_admin_progress_review_outside_the_internship_is_refused(admin_client):
    placement = PlacementFactory()  # 8 January to 7 June 2024
    response = admin_client.post(
        reverse("admin:placements_progressreview_add"),
        {
            "placement": placement.pk,
            "held_on": "2024-06-10",
            "notes": "Na de stage.",
            "next_review_on": "2024-06-01",
        },
    )
    assert _errors(response) == {
        "held_on": ["The review cannot be after the internship ended (June 7, 2024)."],
        "next_review_on": ["The next review must be after this review."],
    }
    assert not ProgressReview.objects.exists()


def test_admin_jobseeker_birth_date_before_1900_is_refused(admin_client):
    jobseeker = JobseekerFactory()
    response = admin_client.post(
        reverse("admin:placements_jobseeker_change", args=[jobseeker.pk]),
        {
            "municipality": jobseeker.municipality.pk,
            "ref": jobseeker.ref,
            "given_name": jobseeker.given_name,
            "family_name": jobseeker.family_name,
            "birth_date": "1899-12-31",
            "client_number": "",
            "email": "",
            "phone": "",
            "based_on_version": jobseeker.version,
            "benefit_periods-TOTAL_FORMS": "0",
            "benefit_periods-INITIAL_FORMS": "0",
        },
    )
    assert _errors(response) == {
        "birth_date": ["A date before 1 January 1900 cannot be right; check the year."]
    }
    jobseeker.refresh_from_db()
    assert jobseeker.birth_date == datetime.date(1985, 5, 17)


def _check_form(placement, **overrides):
    data = {
        "placement": placement.pk,
        "months": "3",
        "checked_on": "2024-09-09",
        "outcome": "still_on_benefits",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_admin_benefit_check_is_recorded_through_the_service(admin_client, admin_user):
    placement = PlacementFactory()
    response = admin_client.post(
        reverse("admin:placements_benefitcheck_add"), _check_form(placement)
    )
    assert response.status_code == 302
    check = BenefitCheck.objects.get()
    assert (
        check.placement,
        check.municipality,
        check.months,
        check.checked_on,
        check.outcome,
        check.recorded_by,
    ) == (
        placement,
        placement.municipality,
        3,
        datetime.date(2024, 9, 9),
        "still_on_benefits",
        admin_user,
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"checked_on": "tomorrow"}, {"checked_on": [FUTURE]}),
        (
            {"outcome": "could_not_check"},
            {"reason": ["Say why the benefit status could not be checked."]},
        ),
        (
            {"checked_on": "2024-06-01"},
            {"checked_on": ["The check cannot be before the internship ended (June 7, 2024)."]},
        ),
        (
            {"months": "9"},
            {"months": ["Select a valid choice. 9 is not one of the available choices."]},
        ),
    ],
    ids=["future", "no-reason", "before-end", "months"],
)
def test_admin_benefit_check_rules_are_shown_at_the_field(admin_client, overrides, expected):
    placement = PlacementFactory()
    if overrides.get("checked_on") == "tomorrow":
        overrides = {**overrides, "checked_on": _tomorrow()}
    response = admin_client.post(
        reverse("admin:placements_benefitcheck_add"), _check_form(placement, **overrides)
    )
    assert _errors(response) == expected
    assert not BenefitCheck.objects.exists()


def test_admin_benefit_check_twice_for_one_moment_is_refused(admin_client):
    placement = PlacementFactory()
    admin_client.post(reverse("admin:placements_benefitcheck_add"), _check_form(placement))
    response = admin_client.post(
        reverse("admin:placements_benefitcheck_add"),
        _check_form(placement, outcome="benefits_ended"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This check has already been recorded."
    ]
    assert list(BenefitCheck.objects.values_list("outcome", flat=True)) == ["still_on_benefits"]


def test_admin_progress_review_in_the_future_is_refused(admin_client):
    start = timezone.localdate() - timedelta(days=30)
    placement = PlacementFactory(
        status="active",
        planned_start=start,
        planned_end=start + timedelta(days=120),
        actual_start=start,
        actual_end=None,
    )
    response = admin_client.post(
        reverse("admin:placements_progressreview_add"),
        {"placement": placement.pk, "held_on": _tomorrow(), "notes": "Morgen."},
    )
    assert _errors(response) == {"held_on": [FUTURE]}
    assert not ProgressReview.objects.exists()


def test_admin_placement_actual_end_in_the_future_is_refused(admin_client):
    start = timezone.localdate() - timedelta(days=100)
    placement = PlacementFactory(
        status="active",
        planned_start=start,
        planned_end=start + timedelta(days=120),
        actual_start=start,
        actual_end=None,
    )
    data = {
        "ref": placement.ref,
        "jobseeker": placement.jobseeker.pk,
        "entrepreneur": placement.entrepreneur.pk,
        "status": "terminated",
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(days=120)).isoformat(),
        "actual_start": start.isoformat(),
        "actual_end": _tomorrow(),
        "end_reason": "illness",
        "hours_per_week": "",
        "based_on_version": placement.version,
    }
    for prefix in ("state_changes", "progress_reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(
        reverse("admin:placements_placement_change", args=[placement.pk]), data
    )
    assert _errors(response) == {"actual_end": [FUTURE]}
    placement.refresh_from_db()
    assert (placement.status, placement.actual_end) == ("active", None)
