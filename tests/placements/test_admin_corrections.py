"""Corrections through the Django admin go through the same services: a reason is required, the
trace says "admin", a stale edit is refused, and rows are withdrawn on the pages, not deleted."""

import datetime

import pytest
from django.urls import reverse

from coaching.models import GuidanceSession
from municipalities.enums import ChangeSource, CorrectionAction, RecordKind, Role
from municipalities.models import Correction
from placements.models import BenefitPeriod, ProgressReview
from placements.services import benefit_period_save
from tests.factories import (
    BenefitPeriodFactory,
    GuidanceSessionFactory,
    HostEvaluationFactory,
    PlacementFactory,
    ProgressReviewFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_admin(client):
    user = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(user)
    return user


def _period_form(period: BenefitPeriod, **overrides) -> dict:
    data = {
        "jobseeker": period.jobseeker_id,
        "benefit_type": period.benefit_type,
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat() if period.end_date else "",
        "end_reason": period.end_reason,
        "monthly_amount": "",
        "based_on_version": str(period.version),
        "reason": "",
    }
    data.update(overrides)
    return data


def _ended_period() -> BenefitPeriod:
    return BenefitPeriodFactory(end_date=datetime.date(2025, 6, 30), end_reason="work")


def test_admin_benefit_correction_is_recorded_with_source_admin(client, programme_admin):
    period = _ended_period()
    url = reverse("admin:placements_benefitperiod_change", args=[period.pk])
    response = client.post(
        url, _period_form(period, end_date="", end_reason="", reason="Uitkering loopt nog.")
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.end_date, period.end_reason, period.version) == (None, "", 2)
    correction = Correction.objects.get()
    assert (
        correction.record_kind,
        correction.record_id,
        correction.action,
        correction.changes,
        correction.reason,
        correction.changed_by_id,
        correction.source,
    ) == (
        RecordKind.BENEFIT_PERIOD,
        period.pk,
        CorrectionAction.CORRECTED,
        {"end_date": ["2025-06-30", None], "end_reason": ["work", ""]},
        "Uitkering loopt nog.",
        programme_admin.pk,
        ChangeSource.ADMIN,
    )


def test_admin_benefit_correction_without_reason_is_refused_at_the_field(client, programme_admin):
    period = _ended_period()
    url = reverse("admin:placements_benefitperiod_change", args=[period.pk])
    response = client.post(url, _period_form(period, end_date="2025-05-31"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reason"] == [
        "Say why this is corrected: the reason is kept with the correction."
    ]
    period.refresh_from_db()
    assert (period.end_date, period.version) == (datetime.date(2025, 6, 30), 1)
    assert Correction.objects.count() == 0


def test_admin_stale_benefit_edit_is_refused(client, programme_admin):
    period = _ended_period()
    url = reverse("admin:placements_benefitperiod_change", args=[period.pk])
    data = _period_form(period, end_date="2025-05-31", reason="Eerder.")
    colleague = BenefitPeriod.objects.get(pk=period.pk)
    colleague.monthly_amount = "900.00"
    benefit_period_save(period=colleague)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Someone else changed this meanwhile. Open it again to see the current values, then "
        "make your change again."
    ]
    period.refresh_from_db()
    assert (period.end_date, period.monthly_amount, period.version) == (
        datetime.date(2025, 6, 30),
        900,
        2,
    )


def test_admin_change_page_carries_the_version(client, programme_admin):
    period = _ended_period()
    page = client.get(reverse("admin:placements_benefitperiod_change", args=[period.pk]))
    html = page.content.decode()
    assert 'type="hidden" name="based_on_version" value="1"' in html
    assert 'name="reason"' in html
    add = client.get(reverse("admin:placements_benefitperiod_add")).content.decode()
    assert 'name="reason"' not in add


def test_admin_review_and_session_corrections_go_through_the_services(client, programme_admin):
    placement = PlacementFactory()
    review = ProgressReviewFactory(placement=placement)
    response = client.post(
        reverse("admin:placements_progressreview_change", args=[review.pk]),
        {
            "placement": placement.pk,
            "author": "",
            "held_on": "2024-02-09",
            "notes": review.notes,
            "next_review_on": "",
            "based_on_version": "1",
            "reason": "Dag later.",
        },
    )
    assert response.status_code == 302
    session = GuidanceSessionFactory()
    response = client.post(
        reverse("admin:coaching_guidancesession_change", args=[session.pk]),
        {
            "entrepreneur": session.entrepreneur_id,
            "coach": session.coach_id,
            "held_on": "2024-03-01",
            "minutes": "45",
            "mode": session.mode,
            "topics": '["onboarding"]',
            "notes": session.notes,
            "based_on_version": "1",
            "reason": "Korter.",
        },
    )
    assert response.status_code == 302
    assert list(
        Correction.objects.order_by("id").values_list("record_kind", "changes", "source")
    ) == [
        (RecordKind.PROGRESS_REVIEW, {"held_on": ["2024-02-08", "2024-02-09"]}, "admin"),
        (RecordKind.GUIDANCE_SESSION, {"minutes": [60, 45]}, "admin"),
    ]


def test_admin_offers_no_delete_for_facts_withdrawn_with_a_reason(client, programme_admin):
    period = _ended_period()
    review = ProgressReviewFactory()
    session = GuidanceSessionFactory()
    for name, pk in (
        ("placements_benefitperiod", period.pk),
        ("placements_progressreview", review.pk),
        ("coaching_guidancesession", session.pk),
        ("placements_placement", review.placement_id),
    ):
        response = client.post(reverse(f"admin:{name}_delete", args=[pk]), {"post": "yes"})
        assert response.status_code == 403, name
    assert BenefitPeriod.objects.filter(pk=period.pk).exists()
    assert ProgressReview.objects.filter(pk=review.pk).exists()
    assert GuidanceSession.objects.filter(pk=session.pk).exists()


def test_admin_evaluation_correction_needs_a_reason_and_is_recorded_with_source_admin(
    client, programme_admin
):
    evaluation = HostEvaluationFactory(offer="none")
    url = reverse("admin:placements_hostevaluation_change", args=[evaluation.pk])
    form = {
        "placement": evaluation.placement_id,
        "evaluated_on": evaluation.evaluated_on.isoformat(),
        "would_host_again": evaluation.would_host_again,
        "work_readiness": str(evaluation.work_readiness),
        "offer": "contract",
        "helped": '["jobcoach", "clear_tasks"]',
        "missing": '["time"]',
        "remark": evaluation.remark,
        "based_on_version": str(evaluation.version),
        "reason": "",
    }

    refused = client.post(url, form)
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == ["reason"]
    evaluation.refresh_from_db()
    assert (evaluation.offer, Correction.objects.count()) == ("none", 0)

    response = client.post(url, {**form, "reason": "Contract getekend."})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.offer, evaluation.version) == ("contract", 2)
    correction = Correction.objects.get()
    assert (correction.record_kind, correction.source, correction.changes) == (
        RecordKind.HOST_EVALUATION,
        ChangeSource.ADMIN,
        {"offer": ["none", "contract"]},
    )
