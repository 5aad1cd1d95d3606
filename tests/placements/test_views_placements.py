import datetime

import pytest
from django.urls import reverse

from kernel.models import PilotSettings
from municipalities.enums import Role
from placements.enums import ChangeSource, PlacementStatus
from placements.models import Placement, PlacementStateChange, ProgressReview
from placements.selectors import next_placement_ref
from tests.factories import (
    EntrepreneurFactory,
    JobseekerFactory,
    PlacementFactory,
    user_with_role,
)
from tests.helpers import warm_session

from .pages import field_error, other_roles, snapshot, two_municipalities

pytestmark = pytest.mark.django_db

LIST = reverse("placements:placement_list")
PROPOSE = reverse("placements:placement_propose")
STEP_NAMES = ["agree", "start", "review", "complete", "terminate", "cancel"]


def _refs(response) -> set[str]:
    return {placement.ref for placement in response.context["object_list"]}


def _step(name: str, placement: Placement) -> str:
    return reverse(f"placements:placement_{name}", args=[placement.pk])


def _detail(placement: Placement) -> str:
    return reverse("placements:placement_detail", args=[placement.pk])


def _proposal(side, **fields) -> Placement:
    defaults = {
        "jobseeker": JobseekerFactory(municipality=side.municipality),
        "entrepreneur": EntrepreneurFactory(municipality=side.municipality),
        "status": PlacementStatus.PROPOSED,
        "planned_start": datetime.date(2025, 9, 1),
        "planned_end": datetime.date(2026, 1, 31),
        "actual_start": None,
        "actual_end": None,
    }
    defaults.update(fields)
    return PlacementFactory(**defaults)


def _history(placement: Placement) -> list[tuple]:
    return list(
        PlacementStateChange.objects.filter(placement=placement)
        .order_by("changed_at", "id")
        .values_list("from_status", "to_status", "changed_by_id", "source")
    )


# --- who sees what ----------------------------------------------------------------------------


def test_placement_list_shows_only_the_jobcoachs_municipality(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.get(LIST)
    assert _refs(response) == {"HRL-001-P1"}
    assert "ZWL-001-P1" not in response.content.decode()


def test_placement_list_for_two_municipalities_filters_by_municipality(client):
    a, b = two_municipalities()
    client.force_login(user_with_role(Role.JOBCOACH, a.municipality, b.municipality))
    assert _refs(client.get(LIST)) == {"HRL-001-P1", "ZWL-001-P1"}
    assert _refs(client.get(LIST, {"municipality": a.municipality.pk})) == {"HRL-001-P1"}


def test_placement_list_programme_admin_sees_every_municipality(client):
    two_municipalities()
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    assert _refs(client.get(LIST)) == {"HRL-001-P1", "ZWL-001-P1"}


@pytest.mark.parametrize("role", ["imk_coach", "funder", "researcher"])
def test_placement_pages_refuse_other_roles(client, role):
    a, _b = two_municipalities()
    # Even an IMK coach whose entrepreneur hosts the placement: these are jobcoach pages.
    user = other_roles()[role]
    a.entrepreneur.imk_coach = user
    a.entrepreneur.save()
    client.force_login(user)
    before = snapshot()
    for url in (LIST, PROPOSE, _detail(a.placement)):
        assert client.get(url).status_code == 403, url
    for name in STEP_NAMES:
        assert client.post(_step(name, a.placement), {}).status_code == 403, name
    assert snapshot() == before


def test_placement_detail_of_another_municipality_is_404(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    assert client.get(_detail(a.placement)).status_code == 200
    assert client.get(_detail(b.placement)).status_code == 404


@pytest.mark.parametrize("name", STEP_NAMES)
def test_placement_step_of_another_municipality_is_404_and_changes_nothing(client, name):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    data = {
        f"{name}-actual_end": "2025-05-01",
        f"{name}-end_reason": "illness",
        f"{name}-held_on": "2025-04-01",
        f"{name}-notes": "x",
    }
    assert client.get(_step(name, b.placement)).status_code == 404
    assert client.post(_step(name, b.placement), data).status_code == 404
    assert snapshot() == before


def test_placement_propose_for_another_municipalitys_jobseeker_is_refused(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    free = EntrepreneurFactory(municipality=a.municipality)
    data = {
        "jobseeker": b.jobseeker.pk,
        "entrepreneur": free.pk,
        "planned_start": "2025-09-01",
        "planned_end": "2026-01-31",
    }
    before = snapshot()
    assert client.get(PROPOSE, {"jobseeker": b.jobseeker.pk}).status_code == 404
    assert client.post(f"{PROPOSE}?jobseeker={b.jobseeker.pk}", data).status_code == 404
    response = client.post(PROPOSE, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["jobseeker"]
    assert snapshot() == before


# --- search, filters, speed -------------------------------------------------------------------


def test_placement_list_filters_status_and_searches(client):
    a, _b = two_municipalities()
    proposal = _proposal(a, ref="HRL-002-P1")
    proposal.entrepreneur.trade_name = "Bakkerij Het Zuiden"
    proposal.entrepreneur.save()
    client.force_login(a.jobcoach)
    assert _refs(client.get(LIST, {"status": "proposed"})) == {"HRL-002-P1"}
    assert _refs(client.get(LIST, {"status": "active"})) == {"HRL-001-P1"}
    assert _refs(client.get(LIST, {"q": "bakkerij"})) == {"HRL-002-P1"}
    assert _refs(client.get(LIST, {"q": a.jobseeker.family_name})) == {"HRL-001-P1"}
    assert _refs(client.get(LIST, {"q": "HRL-001"})) == {"HRL-001-P1"}


@pytest.mark.parametrize("rows", [1, 3])
def test_placement_list_query_count_is_constant(client, django_assert_num_queries, rows):
    a, _b = two_municipalities()
    for n in range(2, rows + 1):
        PlacementFactory(jobseeker=JobseekerFactory(municipality=a.municipality), ref=f"P-{n}")
    client.force_login(a.jobcoach)
    warm_session(client)
    # session, user, roles, count, the page's keys, its rows (joined rows take their keys
    # first, kernel.pagination); the database scope set and put back; the processing log's
    # entry and its people
    with django_assert_num_queries(10):
        response = client.get(LIST, {"status": ""})
    assert len(response.context["object_list"]) == rows


def test_placement_list_is_paginated_by_25(client):
    a, _b = two_municipalities()
    for n in range(26):
        PlacementFactory(
            jobseeker=JobseekerFactory(municipality=a.municipality),
            ref=f"P-{n:02d}",
            planned_start=datetime.date(2023, 1, 2),
            planned_end=datetime.date(2023, 6, 1),
            actual_start=datetime.date(2023, 1, 2),
            actual_end=datetime.date(2023, 6, 1),
        )
    client.force_login(a.jobcoach)
    assert len(client.get(LIST).context["object_list"]) == 25
    # The newest planned start (HRL-001-P1) comes first, then by reference.
    assert _refs(client.get(LIST, {"page": 2})) == {"P-24", "P-25"}


def test_placement_list_answers_htmx_with_the_results_only(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.get(LIST, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert "HRL-001-P1" in response.content.decode()


# --- the lifecycle ----------------------------------------------------------------------------


def test_placement_whole_lifecycle_through_the_pages(client):
    a, _b = two_municipalities()
    jobseeker = JobseekerFactory(municipality=a.municipality, ref="HRL-002")
    entrepreneur = EntrepreneurFactory(municipality=a.municipality)
    client.force_login(a.jobcoach)

    response = client.post(
        f"{PROPOSE}?jobseeker={jobseeker.pk}",
        {
            "jobseeker": jobseeker.pk,
            "entrepreneur": entrepreneur.pk,
            "planned_start": "2025-09-01",
            "planned_end": "2026-01-31",
            "hours_per_week": "20",
        },
    )
    placement = Placement.objects.get(jobseeker=jobseeker)
    assert response.status_code == 302
    assert response["Location"] == _detail(placement)
    assert (placement.ref, placement.status, placement.municipality) == (
        "HRL-002-P1",
        PlacementStatus.PROPOSED,
        a.municipality,
    )
    page = client.get(_detail(placement))
    assert [step.name for step, _form in page.context["steps"]] == ["agree", "cancel"]

    response = client.post(
        _step("agree", placement),
        {
            "agree-version": placement.version,
            "agree-planned_start": "2025-09-01",
            "agree-planned_end": "2026-01-30",
            "agree-hours_per_week": "24",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.planned_end, placement.hours_per_week) == (
        PlacementStatus.AGREED,
        datetime.date(2026, 1, 30),
        24,
    )

    client.post(
        _step("start", placement),
        {"start-version": placement.version, "start-actual_start": "2025-09-02"},
    )
    placement.refresh_from_db()
    assert (placement.status, placement.actual_start) == (
        PlacementStatus.ACTIVE,
        datetime.date(2025, 9, 2),
    )
    page = client.get(_detail(placement))
    assert [step.name for step, _form in page.context["steps"]] == [
        "review",
        "complete",
        "terminate",
    ]

    client.post(
        _step("review", placement),
        {
            "review-version": placement.version,
            "review-held_on": "2025-10-01",
            "review-notes": "Works independently now.",
            "review-next_review_on": "2025-11-01",
        },
    )
    review = ProgressReview.objects.get(placement=placement)
    assert (review.held_on, review.next_review_on, review.author, review.municipality) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 11, 1),
        a.jobcoach,
        a.municipality,
    )

    response = client.post(
        _step("complete", placement),
        {"complete-version": placement.version, "complete-actual_end": "2026-01-30"},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.actual_end) == (
        PlacementStatus.COMPLETED,
        datetime.date(2026, 1, 30),
    )
    web = ChangeSource.WEB
    assert _history(placement) == [
        ("", "proposed", a.jobcoach.pk, web),
        ("proposed", "agreed", a.jobcoach.pk, web),
        ("agreed", "active", a.jobcoach.pk, web),
        ("active", "completed", a.jobcoach.pk, web),
    ]
    page = client.get(_detail(placement))
    assert page.context["steps"] == []
    assert "This placement is closed: there are no further steps." in page.content.decode()
    timeline = client.get(reverse("placements:jobseeker_detail", args=[jobseeker.pk]))
    titles = [event.title for event in timeline.context["timeline"]]
    assert f"Internship at {entrepreneur.trade_name} completed" in titles
    assert "Progress review (HRL-002-P1)" in titles


def test_placement_terminate_records_the_reason(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.post(
        _step("terminate", a.placement),
        {
            "terminate-version": a.placement.version,
            "terminate-actual_end": "2025-04-15",
            "terminate-end_reason": "illness",
        },
    )
    assert response.status_code == 302
    a.placement.refresh_from_db()
    assert (a.placement.status, a.placement.actual_end, a.placement.end_reason) == (
        PlacementStatus.TERMINATED,
        datetime.date(2025, 4, 15),
        "illness",
    )
    assert _history(a.placement) == [("active", "terminated", a.jobcoach.pk, ChangeSource.WEB)]


def test_placement_terminate_without_reason_is_refused_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("terminate", a.placement),
        {"terminate-version": a.placement.version, "terminate-actual_end": "2025-04-15"},
    )
    assert response.status_code == 200
    assert field_error("id_terminate-end_reason", "This field is required.") in (
        response.content.decode()
    )
    assert snapshot() == before


def test_placement_cancel_records_the_reason(client):
    a, _b = two_municipalities()
    proposal = _proposal(a)
    client.force_login(a.jobcoach)
    response = client.post(
        _step("cancel", proposal),
        {"cancel-version": proposal.version, "cancel-end_reason": "mismatch"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.end_reason) == (PlacementStatus.CANCELLED, "mismatch")
    assert _history(proposal) == [("proposed", "cancelled", a.jobcoach.pk, ChangeSource.WEB)]


def test_placement_step_not_valid_for_the_status_changes_nothing(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("agree", a.placement),
        {"agree-version": a.placement.version, "agree-hours_per_week": "20"},
        follow=True,
    )
    assert response.redirect_chain == [(_detail(a.placement), 302)]
    assert (
        "That step is not possible now: placement HRL-001-P1 is active."
        in response.content.decode()
    )
    assert snapshot() == before


# --- rule errors next to the field ------------------------------------------------------------


def test_placement_propose_planned_end_too_short_is_shown_and_nothing_saved(client):
    a, _b = two_municipalities()
    jobseeker = JobseekerFactory(municipality=a.municipality)
    entrepreneur = EntrepreneurFactory(municipality=a.municipality)
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        PROPOSE,
        {
            "jobseeker": jobseeker.pk,
            "entrepreneur": entrepreneur.pk,
            "planned_start": "2025-09-01",
            "planned_end": "2025-11-30",
        },
    )
    assert response.status_code == 200
    assert (
        field_error("id_planned_end", "The planned end must be at least 3 months after the start.")
        in response.content.decode()
    )
    assert snapshot() == before


def test_placement_complete_too_early_is_shown_at_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("complete", a.placement),
        {"complete-version": a.placement.version, "complete-actual_end": "2025-05-01"},
    )
    assert response.status_code == 200
    assert (
        field_error(
            "id_complete-actual_end",
            "A completed internship ran at least 3 months; one that ended earlier is terminated.",
        )
        in response.content.decode()
    )
    assert response.context["placement"].status == PlacementStatus.ACTIVE
    assert snapshot() == before


def test_placement_start_at_a_full_entrepreneur_shows_the_rule_above_the_form(client):
    a, _b = two_municipalities()
    agreed = _proposal(a, entrepreneur=a.entrepreneur, status=PlacementStatus.AGREED)
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        _step("start", agreed),
        {"start-version": agreed.version, "start-actual_start": "2025-09-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The entrepreneur already hosts 1 intern(s) in this period (HRL-001-P1)."
    ]
    assert snapshot() == before


# --- proposing --------------------------------------------------------------------------------


def test_placement_propose_offers_only_entrepreneurs_with_a_free_place(client):
    a, b = two_municipalities()
    free = EntrepreneurFactory(municipality=a.municipality, ref="ENT-HRL-2")
    client.force_login(a.jobcoach)
    url = f"{PROPOSE}?jobseeker={a.jobseeker.pk}"
    offered = client.get(url).context["form"].fields["entrepreneur"].queryset
    assert [e.ref for e in offered] == [free.ref]
    settings = PilotSettings.load()
    settings.interns_per_entrepreneur = 2
    settings.save()
    offered = client.get(url).context["form"].fields["entrepreneur"].queryset
    assert {e.ref for e in offered} == {"ENT-HRL-1", "ENT-HRL-2"}


def test_placement_propose_with_an_entrepreneur_of_another_municipality_is_refused(client):
    a, b = two_municipalities()
    coach = user_with_role(Role.JOBCOACH, a.municipality, b.municipality)
    other = EntrepreneurFactory(municipality=b.municipality)
    jobseeker = JobseekerFactory(municipality=a.municipality)
    client.force_login(coach)
    before = snapshot()
    response = client.post(
        PROPOSE,
        {
            "jobseeker": jobseeker.pk,
            "entrepreneur": other.pk,
            "planned_start": "2025-09-01",
            "planned_end": "2026-01-31",
        },
    )
    assert response.context["form"].errors == {
        "entrepreneur": ["Choose an entrepreneur in the jobseeker's municipality."]
    }
    assert snapshot() == before


def test_next_placement_ref_skips_taken_references(db):
    a, _b = two_municipalities()
    assert next_placement_ref(a.jobseeker) == "HRL-001-P2"
    PlacementFactory(ref="HRL-001-P2")
    assert next_placement_ref(a.jobseeker) == "HRL-001-P3"
    long = JobseekerFactory(ref="J" * 64)
    assert next_placement_ref(long) == "J" * 61 + "-P1"
