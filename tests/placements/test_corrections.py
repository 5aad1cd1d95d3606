"""Correcting and withdrawing recorded facts through the jobcoach's pages: the write, its trace
(old and new values, who, when, why), the timeline, the figures refresh, and who may do it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kernel.figures import _schedule_refresh
from municipalities.enums import ChangeSource, CorrectionAction, RecordKind
from municipalities.models import Correction
from placements.enums import PlacementStatus
from placements.models import BenefitPeriod, Placement, PlacementStateChange, ProgressReview
from tests.factories import (
    BenefitPeriodFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
)

from .pages import ACTIVE_FROM, field_error, snapshot, two_municipalities

pytestmark = pytest.mark.django_db


def _corrections() -> list[tuple]:
    return list(
        Correction.objects.order_by("id").values_list(
            "municipality_id",
            "record_kind",
            "record_id",
            "subject_kind",
            "subject_id",
            "action",
            "changes",
            "reason",
            "changed_by_id",
            "source",
        )
    )


def _ended_period(side) -> BenefitPeriod:
    side.period.end_date = datetime.date(2025, 6, 30)
    side.period.end_reason = "work"
    side.period.save()
    return side.period


def _benefit_form(period: BenefitPeriod, **overrides) -> dict:
    data = {
        "version": str(period.version),
        "initial-benefit_type": period.benefit_type,
        "initial-start_date": period.start_date.isoformat(),
        "initial-end_date": period.end_date.isoformat() if period.end_date else "",
        "initial-end_reason": period.end_reason,
        "initial-monthly_amount": ""
        if period.monthly_amount is None
        else str(period.monthly_amount),
        "benefit_type": period.benefit_type,
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat() if period.end_date else "",
        "end_reason": period.end_reason,
        "monthly_amount": "" if period.monthly_amount is None else str(period.monthly_amount),
        "reason": "",
    }
    data.update(overrides)
    return data


# --- benefit periods --------------------------------------------------------------------------


def test_benefit_correct_end_date_keeps_old_and_new_values(
    client, django_capture_on_commit_callbacks
):
    a, _b = two_municipalities()
    period = _ended_period(a)
    client.force_login(a.jobcoach)
    url = reverse("placements:benefit_correct", args=[period.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url,
            _benefit_form(period, end_date="2025-05-31", reason="Einddatum verkeerd overgenomen."),
        )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("placements:jobseeker_detail", args=[a.jobseeker.pk]) + "#benefits"
    )
    period.refresh_from_db()
    assert (period.end_date, period.end_reason, period.version) == (
        datetime.date(2025, 5, 31),
        "work",
        2,
    )
    assert _corrections() == [
        (
            a.municipality.pk,
            RecordKind.BENEFIT_PERIOD,
            period.pk,
            RecordKind.JOBSEEKER,
            a.jobseeker.pk,
            CorrectionAction.CORRECTED,
            {"end_date": ["2025-06-30", "2025-05-31"]},
            "Einddatum verkeerd overgenomen.",
            a.jobcoach.pk,
            ChangeSource.WEB,
        )
    ]
    assert _schedule_refresh in callbacks


def test_benefit_correct_can_undo_an_end(client):
    a, _b = two_municipalities()
    period = _ended_period(a)
    client.force_login(a.jobcoach)
    response = client.post(
        reverse("placements:benefit_correct", args=[period.pk]),
        _benefit_form(period, end_date="", end_reason="", reason="Uitkering loopt nog door."),
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.end_date, period.end_reason) == (None, "")
    [correction] = Correction.objects.all()
    assert correction.changes == {"end_date": ["2025-06-30", None], "end_reason": ["work", ""]}


def test_benefit_correct_amount_and_reason_text(client):
    a, _b = two_municipalities()
    period = _ended_period(a)
    client.force_login(a.jobcoach)
    response = client.post(
        reverse("placements:benefit_correct", args=[period.pk]),
        _benefit_form(
            period, end_reason="education", monthly_amount="1100.50", reason="Verkeerd gekozen."
        ),
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.end_reason, period.monthly_amount) == ("education", Decimal("1100.50"))
    assert Correction.objects.get().changes == {
        "end_reason": ["work", "education"],
        "monthly_amount": [None, "1100.50"],
    }


def test_benefit_correct_without_reason_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    period = _ended_period(a)
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:benefit_correct", args=[period.pk]),
        _benefit_form(period, end_date="2025-05-31"),
    )
    assert response.status_code == 200
    assert (
        field_error(
            "id_reason", "Say why this is corrected: the reason is kept with the correction."
        )
        in response.content.decode()
    )
    assert snapshot() == before
    assert Correction.objects.count() == 0


def test_benefit_filling_in_an_empty_value_is_no_correction(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.post(
        reverse("placements:benefit_correct", args=[a.period.pk]),
        _benefit_form(a.period, monthly_amount="980.00"),
    )
    assert response.status_code == 302
    a.period.refresh_from_db()
    assert a.period.monthly_amount == Decimal("980.00")
    assert Correction.objects.count() == 0


def test_benefit_correct_of_another_municipality_is_404_and_changes_nothing(client):
    a, b = two_municipalities()
    period = _ended_period(b)
    client.force_login(a.jobcoach)
    before = snapshot()
    for name in ("benefit_correct", "benefit_withdraw"):
        url = reverse(f"placements:{name}", args=[period.pk])
        assert client.get(url).status_code == 404
        data = _benefit_form(period, end_date="", end_reason="", reason="Niet van mij.")
        assert client.post(url, data).status_code == 404
    assert snapshot() == before
    assert Correction.objects.count() == 0


def test_benefit_correct_by_a_colleague_in_the_municipality(client):
    from municipalities.enums import Role
    from tests.factories import user_with_role

    a, _b = two_municipalities()
    period = _ended_period(a)
    colleague = user_with_role(Role.JOBCOACH, a.municipality)
    client.force_login(colleague)
    response = client.post(
        reverse("placements:benefit_correct", args=[period.pk]),
        _benefit_form(period, end_date="2025-06-01", reason="Collega corrigeert."),
    )
    assert response.status_code == 302
    assert Correction.objects.get().changed_by == colleague


def test_benefit_withdraw_removes_it_and_keeps_what_it_said(
    client, django_capture_on_commit_callbacks
):
    a, _b = two_municipalities()
    wrong = BenefitPeriodFactory(
        jobseeker=a.jobseeker,
        benefit_type="ww",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2019, 6, 30),
        end_reason="work",
        monthly_amount=Decimal("800.00"),
    )
    client.force_login(a.jobcoach)
    url = reverse("placements:benefit_withdraw", args=[wrong.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"version": "1", "reason": "Bij de verkeerde persoon."})
    assert response.status_code == 302
    assert not BenefitPeriod.objects.filter(pk=wrong.pk).exists()
    assert _corrections() == [
        (
            a.municipality.pk,
            RecordKind.BENEFIT_PERIOD,
            wrong.pk,
            RecordKind.JOBSEEKER,
            a.jobseeker.pk,
            CorrectionAction.WITHDRAWN,
            {
                "benefit_type": ["ww", None],
                "start_date": ["2019-01-01", None],
                "end_date": ["2019-06-30", None],
                "end_reason": ["work", None],
                "monthly_amount": ["800.00", None],
            },
            "Bij de verkeerde persoon.",
            a.jobcoach.pk,
            ChangeSource.WEB,
        )
    ]
    assert _schedule_refresh in callbacks


def test_benefit_withdraw_without_reason_is_refused(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:benefit_withdraw", args=[a.period.pk]), {"version": "1"}
    )
    assert response.status_code == 200
    assert (
        field_error(
            "id_reason", "Say why this is corrected: the reason is kept with the correction."
        )
        in response.content.decode()
    )
    assert snapshot() == before


def test_benefit_correction_shows_on_the_timeline(client):
    a, _b = two_municipalities()
    period = _ended_period(a)
    client.force_login(a.jobcoach)
    client.post(
        reverse("placements:benefit_correct", args=[period.pk]),
        _benefit_form(period, end_date="", end_reason="", reason="Uitkering loopt nog door."),
    )
    page = client.get(reverse("placements:jobseeker_detail", args=[a.jobseeker.pk]))
    [event] = [e for e in page.context["timeline"] if e.kind == "correction"]
    assert event.title == "Benefit period corrected"
    assert event.detail == (
        "End date: 30 June 2025 → –; End reason: work → –\n"
        "Reason: Uitkering loopt nog door.\n"
        f"recorded by {a.jobcoach.get_full_name()} (web)"
    )
    assert "Benefit ended" not in [e.title[:13] for e in page.context["timeline"]]


# --- progress reviews -------------------------------------------------------------------------


def _review_form(review: ProgressReview, **overrides) -> dict:
    data = {
        "version": str(review.version),
        "initial-held_on": review.held_on.isoformat(),
        "initial-notes": review.notes,
        "initial-next_review_on": "",
        "held_on": review.held_on.isoformat(),
        "notes": review.notes,
        "next_review_on": "",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_review_correct_keeps_dates_and_not_the_notes_text(client):
    a, _b = two_municipalities()
    review = ProgressReviewFactory(placement=a.placement, held_on=datetime.date(2025, 4, 1))
    client.force_login(a.jobcoach)
    response = client.post(
        reverse("placements:review_correct", args=[review.pk]),
        _review_form(review, held_on="2025-04-02", notes="Nieuw.", reason="Datum verschoven."),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:placement_detail", args=[a.placement.pk])
    review.refresh_from_db()
    assert (review.held_on, review.notes, review.version) == (
        datetime.date(2025, 4, 2),
        "Nieuw.",
        2,
    )
    correction = Correction.objects.get()
    assert (correction.record_kind, correction.subject_kind, correction.subject_id) == (
        RecordKind.PROGRESS_REVIEW,
        RecordKind.PLACEMENT,
        a.placement.pk,
    )
    assert correction.changes == {"held_on": ["2025-04-01", "2025-04-02"], "notes": None}
    page = client.get(reverse("placements:placement_detail", args=[a.placement.pk]))
    [entry] = page.context["corrections"]
    assert [(line.label, line.old, line.new, line.text_only) for line in entry.lines] == [
        ("Date", "1 April 2025", "2 April 2025", False),
        ("Notes", "", "", True),
    ]
    assert "Gaat goed" not in str(Correction.objects.values_list("changes", flat=True))


def test_review_withdraw_and_other_municipality(client):
    a, b = two_municipalities()
    own = ProgressReviewFactory(placement=a.placement, held_on=datetime.date(2025, 4, 1))
    theirs = ProgressReviewFactory(placement=b.placement, held_on=datetime.date(2025, 4, 1))
    client.force_login(a.jobcoach)
    url = reverse("placements:review_withdraw", args=[theirs.pk])
    assert client.post(url, {"version": "1", "reason": "x"}).status_code == 404
    assert ProgressReview.objects.filter(pk=theirs.pk).exists()
    response = client.post(
        reverse("placements:review_withdraw", args=[own.pk]),
        {"version": "1", "reason": "Dubbel ingevoerd."},
    )
    assert response.status_code == 302
    assert list(ProgressReview.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert Correction.objects.get().changes == {
        "placement": [a.placement.pk, None],
        "held_on": ["2025-04-01", None],
        "notes": None,
    }


# --- placements -------------------------------------------------------------------------------


def _placement_form(placement: Placement, **overrides) -> dict:
    values = {
        "planned_start": placement.planned_start.isoformat(),
        "planned_end": placement.planned_end.isoformat(),
        "hours_per_week": "" if placement.hours_per_week is None else str(placement.hours_per_week),
        "actual_start": placement.actual_start.isoformat() if placement.actual_start else "",
    }
    data = {"version": str(placement.version), "reason": ""}
    for name, value in values.items():
        data[name] = value
        data[f"initial-{name}"] = value
    data.update(overrides)
    return data


def test_placement_correct_actual_start(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.post(
        reverse("placements:placement_correct", args=[a.placement.pk]),
        _placement_form(a.placement, actual_start="2025-03-04", reason="Een dag later begonnen."),
    )
    assert response.status_code == 302
    a.placement.refresh_from_db()
    assert (a.placement.status, a.placement.actual_start) == (
        PlacementStatus.ACTIVE,
        datetime.date(2025, 3, 4),
    )
    correction = Correction.objects.get()
    assert (correction.record_kind, correction.action, correction.changes) == (
        RecordKind.PLACEMENT,
        CorrectionAction.CORRECTED,
        {"actual_start": [ACTIVE_FROM.isoformat(), "2025-03-04"]},
    )
    assert PlacementStateChange.objects.filter(placement=a.placement).count() == 0


def test_placement_correct_form_offers_only_the_dates_of_its_status(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    form = client.get(reverse("placements:placement_correct", args=[a.placement.pk])).context[
        "form"
    ]
    assert [name for name in form.fields if name != "version"] == [
        "planned_start",
        "planned_end",
        "hours_per_week",
        "actual_start",
        "reason",
    ]


# --- undoing a lifecycle step -----------------------------------------------------------------


def _undo(client, placement, reason="Per ongeluk gestart."):
    return client.post(
        reverse("placements:placement_undo", args=[placement.pk]),
        {"version": str(placement.version), "reason": reason},
    )


def test_undo_start_goes_back_to_agreed(client, django_capture_on_commit_callbacks):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _undo(client, a.placement)
    assert response.status_code == 302
    a.placement.refresh_from_db()
    assert (a.placement.status, a.placement.actual_start) == (PlacementStatus.AGREED, None)
    assert list(
        PlacementStateChange.objects.values_list("from_status", "to_status", "changed_by", "source")
    ) == [(PlacementStatus.ACTIVE, PlacementStatus.AGREED, a.jobcoach.pk, ChangeSource.WEB)]
    correction = Correction.objects.get()
    assert (correction.action, correction.changes, correction.reason) == (
        CorrectionAction.STEP_UNDONE,
        {"status": ["active", "agreed"], "actual_start": [ACTIVE_FROM.isoformat(), None]},
        "Per ongeluk gestart.",
    )
    assert _schedule_refresh in callbacks


def test_undo_terminate_goes_back_to_active(client):
    a, _b = two_municipalities()
    placement = PlacementFactory(
        jobseeker__municipality=a.municipality,
        entrepreneur__municipality=a.municipality,
        status=PlacementStatus.TERMINATED,
        actual_end=datetime.date(2024, 3, 1),
        end_reason="illness",
    )
    client.force_login(a.jobcoach)
    assert _undo(client, placement, reason="Stage loopt nog.").status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.actual_end, placement.end_reason) == (
        PlacementStatus.ACTIVE,
        None,
        "",
    )
    assert Correction.objects.get().changes == {
        "status": ["terminated", "active"],
        "actual_end": ["2024-03-01", None],
        "end_reason": ["illness", ""],
    }


def test_undo_cancel_goes_back_to_where_it_was_cancelled(client):
    a, _b = two_municipalities()
    placement = PlacementFactory(
        jobseeker__municipality=a.municipality,
        entrepreneur__municipality=a.municipality,
        status=PlacementStatus.CANCELLED,
        actual_start=None,
        actual_end=None,
        end_reason="mismatch",
    )
    PlacementStateChangeFactory(
        placement=placement, from_status=PlacementStatus.AGREED, to_status="cancelled"
    )
    client.force_login(a.jobcoach)
    assert _undo(client, placement).status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.end_reason) == (PlacementStatus.AGREED, "")


def test_undo_that_would_run_two_internships_at_once_is_refused(client):
    a, _b = two_municipalities()
    ended = PlacementFactory(
        jobseeker=a.jobseeker,
        entrepreneur__municipality=a.municipality,
        status=PlacementStatus.TERMINATED,
        actual_start=datetime.date(2024, 10, 1),
        actual_end=datetime.date(2024, 12, 1),
        end_reason="illness",
    )
    client.force_login(a.jobcoach)
    before = snapshot()
    response = _undo(client, ended)
    assert response.status_code == 200
    assert (
        f"The jobseeker already has placement {a.placement.ref} running in this period."
        in response.content.decode()
    )
    assert snapshot() == before
    assert Correction.objects.count() == 0


def test_undo_without_reason_or_of_a_proposal_changes_nothing(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = _undo(client, a.placement, reason="")
    assert response.status_code == 200
    assert (
        field_error(
            "id_reason", "Say why this is corrected: the reason is kept with the correction."
        )
        in response.content.decode()
    )
    assert _undo(client, b.placement).status_code == 404
    assert snapshot() == before
    assert Correction.objects.count() == 0


def test_undo_offered_on_the_placement_page(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    page = client.get(reverse("placements:placement_detail", args=[a.placement.pk]))
    assert page.context["undo_to"] == "agreed"
    assert "Undo last step (back to agreed)" in page.content.decode()


def test_placement_correction_pages_of_another_municipality_are_404(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    url = reverse("placements:placement_correct", args=[b.placement.pk])
    assert client.get(url).status_code == 404
    data = _placement_form(b.placement, actual_start="2025-03-04", reason="Niet van mij.")
    assert client.post(url, data).status_code == 404
    assert client.get(reverse("placements:placement_undo", args=[b.placement.pk])).status_code == (
        404
    )
    assert snapshot() == before
    assert Correction.objects.count() == 0


def test_other_roles_cannot_open_the_correction_pages(client):
    from .pages import other_roles

    a, _b = two_municipalities()
    review = ProgressReviewFactory(placement=a.placement)
    before = snapshot()
    for user in other_roles().values():
        client.force_login(user)
        for name, pk in (
            ("benefit_correct", a.period.pk),
            ("benefit_withdraw", a.period.pk),
            ("review_correct", review.pk),
            ("review_withdraw", review.pk),
            ("placement_correct", a.placement.pk),
            ("placement_undo", a.placement.pk),
        ):
            url = reverse(f"placements:{name}", args=[pk])
            assert client.post(url, {"version": "1", "reason": "x"}).status_code == 403, name
    assert snapshot() == before


def _queries_for_jobseeker_page(client, jobseeker) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("placements:jobseeker_detail", args=[jobseeker.pk])).status_code
    return len(queries)


def test_jobseeker_page_queries_do_not_grow_with_the_corrections(client):
    a, _b = two_municipalities()
    period = _ended_period(a)
    client.force_login(a.jobcoach)
    url = reverse("placements:benefit_correct", args=[period.pk])
    client.post(url, _benefit_form(period, end_date="2025-06-01", reason="Een."))
    one = _queries_for_jobseeker_page(client, a.jobseeker)
    for day, reason in (("2025-06-02", "Twee."), ("2025-06-03", "Drie.")):
        period.refresh_from_db()
        client.post(url, _benefit_form(period, end_date=day, reason=reason))
    assert Correction.objects.count() == 3
    assert _queries_for_jobseeker_page(client, a.jobseeker) == one
