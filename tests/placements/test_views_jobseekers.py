import datetime

import pytest
from django.urls import reverse

from municipalities.enums import Role
from placements.enums import PlacementStatus, ResearchConsent
from placements.models import Jobseeker
from tests.factories import (
    BenefitPeriodFactory,
    JobseekerFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
    user_with_role,
)
from tests.helpers import warm_session

from .pages import field_error, other_roles, snapshot, two_municipalities

pytestmark = pytest.mark.django_db

LIST = reverse("placements:jobseeker_list")
CREATE = reverse("placements:jobseeker_create")


def _refs(response) -> set[str]:
    return {jobseeker.ref for jobseeker in response.context["object_list"]}


def _form(**overrides) -> dict:
    data = {
        "given_name": "Ayla",
        "family_name": "Jansen",
        "birth_date": "1988-04-12",
        "client_number": "C-77",
        "email": "",
        "phone": "",
    }
    data.update(overrides)
    return data


# --- who sees what ----------------------------------------------------------------------------


def test_jobseeker_list_shows_only_the_jobcoachs_municipality(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.get(LIST)
    assert response.status_code == 200
    assert _refs(response) == {"HRL-001"}
    assert "ZWL-001" not in response.content.decode()
    # One municipality: no municipality filter or column.
    assert "municipality" not in response.context["filter"].form.fields


def test_jobseeker_list_for_two_municipalities_shows_both_and_the_filter(client):
    a, b = two_municipalities()
    coach = user_with_role(Role.JOBCOACH, a.municipality, b.municipality)
    client.force_login(coach)
    assert _refs(client.get(LIST)) == {"HRL-001", "ZWL-001"}
    filtered = client.get(LIST, {"municipality": b.municipality.pk})
    assert _refs(filtered) == {"ZWL-001"}


def test_jobseeker_list_programme_admin_sees_every_municipality(client):
    two_municipalities()
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    assert _refs(client.get(LIST)) == {"HRL-001", "ZWL-001"}


@pytest.mark.parametrize("role", ["imk_coach", "funder", "researcher"])
def test_jobseeker_pages_refuse_other_roles(client, role):
    a, _b = two_municipalities()
    client.force_login(other_roles()[role])
    before = snapshot()
    for url in (
        LIST,
        CREATE,
        reverse("placements:jobseeker_detail", args=[a.jobseeker.pk]),
        reverse("placements:jobseeker_update", args=[a.jobseeker.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(CREATE, _form(ref="X-1")).status_code == 403
    assert snapshot() == before


def test_jobseeker_list_requires_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_jobseeker_detail_of_another_municipality_is_404(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    assert (
        client.get(reverse("placements:jobseeker_detail", args=[a.jobseeker.pk])).status_code == 200
    )
    assert (
        client.get(reverse("placements:jobseeker_detail", args=[b.jobseeker.pk])).status_code == 404
    )
    assert (
        client.get(reverse("placements:jobseeker_update", args=[b.jobseeker.pk])).status_code == 404
    )


def test_jobseeker_edit_post_of_another_municipality_is_404_and_changes_nothing(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        reverse("placements:jobseeker_update", args=[b.jobseeker.pk]),
        _form(given_name="Someone"),
    )
    assert response.status_code == 404
    assert snapshot() == before


# --- search, filters, speed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("HRL-00", {"HRL-001", "HRL-002"}),
        ("ayla", {"HRL-001"}),
        ("de vries", {"HRL-002"}),
        ("C-4711", {"HRL-002"}),
        ("ayla vries", set()),
    ],
)
def test_jobseeker_list_search(client, query, expected):
    a, _b = two_municipalities()
    Jobseeker.objects.filter(pk=a.jobseeker.pk).update(given_name="Ayla", family_name="Jansen")
    JobseekerFactory(
        municipality=a.municipality,
        ref="HRL-002",
        given_name="Bas",
        family_name="de Vries",
        client_number="C-4711",
    )
    client.force_login(a.jobcoach)
    assert _refs(client.get(LIST, {"q": query})) == expected


def test_jobseeker_list_filters_consent_and_placement_state(client):
    a, _b = two_municipalities()
    JobseekerFactory(
        municipality=a.municipality, ref="HRL-002", research_consent=ResearchConsent.NO
    )
    proposed = JobseekerFactory(municipality=a.municipality, ref="HRL-003")
    # The latest placement decides the state: a completed one, then a newer proposal.
    PlacementFactory(jobseeker=proposed, entrepreneur=a.entrepreneur, ref="HRL-003-P1")
    PlacementFactory(
        jobseeker=proposed,
        entrepreneur=a.entrepreneur,
        ref="HRL-003-P2",
        status=PlacementStatus.PROPOSED,
        planned_start=datetime.date(2025, 9, 1),
        planned_end=datetime.date(2025, 12, 31),
        actual_start=None,
        actual_end=None,
    )
    client.force_login(a.jobcoach)
    assert _refs(client.get(LIST, {"research_consent": "no"})) == {"HRL-002"}
    assert _refs(client.get(LIST, {"state": "none"})) == {"HRL-002"}
    assert _refs(client.get(LIST, {"state": "active"})) == {"HRL-001"}
    assert _refs(client.get(LIST, {"state": "proposed"})) == {"HRL-003"}
    assert _refs(client.get(LIST, {"state": "completed"})) == set()


def _jobseekers_with_placements(side, count: int) -> None:
    for n in range(2, count + 1):
        jobseeker = JobseekerFactory(municipality=side.municipality, ref=f"HRL-{n:03d}")
        PlacementFactory(jobseeker=jobseeker, entrepreneur=side.entrepreneur, ref=f"HRL-{n:03d}-P1")


@pytest.mark.parametrize("rows", [1, 3])
def test_jobseeker_list_query_count_is_constant(client, django_assert_num_queries, rows):
    a, _b = two_municipalities()
    _jobseekers_with_placements(a, rows)
    client.force_login(a.jobcoach)
    warm_session(client)
    # session, user, roles, count, the page's keys, its rows (the computed columns for those
    # only: kernel.pagination); the database scope set and put back; the processing log's entry
    # and its people
    with django_assert_num_queries(10):
        response = client.get(LIST, {"q": "HRL", "state": ""})
    assert len(response.context["object_list"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_jobseeker_list_query_count_is_constant_for_admin(client, django_assert_num_queries, rows):
    a, _b = two_municipalities()
    _jobseekers_with_placements(a, rows)
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    warm_session(client)
    # session, user, roles, count, the page's keys, its rows (the chosen municipality is a
    # subquery; the filter is a search field, without options); the processing log's entry and
    # its people
    with django_assert_num_queries(8):
        response = client.get(LIST, {"municipality": a.municipality.pk})
    assert len(response.context["object_list"]) == rows


def test_jobseeker_list_is_paginated_by_25(client):
    a, _b = two_municipalities()
    for n in range(2, 28):
        JobseekerFactory(municipality=a.municipality, ref=f"HRL-{n:03d}")
    client.force_login(a.jobcoach)
    first = client.get(LIST)
    assert len(first.context["object_list"]) == 25
    assert "27 jobseekers found" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert _refs(client.get(LIST, {"page": 2})) == {"HRL-026", "HRL-027"}


def test_jobseeker_list_answers_htmx_with_the_results_only(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    response = client.get(LIST, {"q": "HRL"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="result-count"' in page and 'hx-swap-oob="true"' in page
    assert "HRL-001" in page
    assert "HX-Request" in response["Vary"]
    full = client.get(LIST, {"q": "HRL"}).content.decode()
    assert "<html" in full and 'hx-get="/jobseekers/"' in full


# --- create and edit --------------------------------------------------------------------------


def test_jobseeker_create_preselects_the_only_municipality_and_saves(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    form = client.get(CREATE).context["form"]
    assert list(form.fields["municipality"].queryset) == [a.municipality]
    assert form.fields["municipality"].initial == a.municipality.pk
    response = client.post(CREATE, _form(municipality=a.municipality.pk, ref="HRL-011"))
    created = Jobseeker.objects.get(ref="HRL-011")
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:jobseeker_detail", args=[created.pk])
    # Consent is recorded afterwards, per purpose, on the jobseeker's page.
    assert (created.municipality, created.given_name, created.research_consent) == (
        a.municipality,
        "Ayla",
        ResearchConsent.UNKNOWN,
    )
    assert not created.consents.exists()


def test_jobseeker_create_in_another_municipality_is_refused(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(CREATE, _form(municipality=b.municipality.pk, ref="ZWL-011"))
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert snapshot() == before


def test_jobseeker_create_shows_the_rule_next_to_the_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(
        CREATE, _form(municipality=a.municipality.pk, ref="HRL-011", birth_date="2999-01-01")
    )
    assert field_error("id_birth_date", "The birth date must be in the past.") in (
        response.content.decode()
    )
    assert snapshot() == before


def test_jobseeker_edit_saves_the_details_and_leaves_consent_alone(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    url = reverse("placements:jobseeker_update", args=[a.jobseeker.pk])
    fields = client.get(url).context["form"].fields
    assert "ref" not in fields
    assert "research_consent" not in fields
    response = client.post(url, _form(given_name="Anna", version="1"))
    assert response.status_code == 302
    a.jobseeker.refresh_from_db()
    assert (a.jobseeker.given_name, a.jobseeker.research_consent, a.jobseeker.ref) == (
        "Anna",
        ResearchConsent.YES,
        "HRL-001",
    )


# --- detail and timeline ----------------------------------------------------------------------


def test_jobseeker_detail_timeline_newest_first(client):
    a, _b = two_municipalities()
    BenefitPeriodFactory(
        jobseeker=a.jobseeker,
        benefit_type="ww",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 4, 30),
        end_reason="work",
    )
    PlacementStateChangeFactory(
        placement=a.placement,
        from_status=PlacementStatus.AGREED,
        to_status=PlacementStatus.ACTIVE,
        changed_by=a.jobcoach,
        changed_at=datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC),
    )
    ProgressReviewFactory(placement=a.placement, held_on=datetime.date(2025, 4, 1), notes="Fine.")
    client.force_login(a.jobcoach)
    response = client.get(reverse("placements:jobseeker_detail", args=[a.jobseeker.pk]))
    timeline = [(event.on.isoformat(), event.title) for event in response.context["timeline"]]
    assert timeline == [
        ("2025-04-30", "Benefit ended: WW"),
        ("2025-04-01", "Progress review (HRL-001-P1)"),
        ("2025-03-04", "Placement HRL-001-P1: active"),
        ("2025-03-03", f"Internship at {a.entrepreneur.trade_name} started"),
        ("2024-01-01", "Benefit started: WW"),
        ("2020-01-01", "Benefit started: Participatiewet (bijstand)"),
    ]
    page = response.content.decode()
    assert f'href="/placements/new/?jobseeker={a.jobseeker.pk}"' in page
    assert f'href="/jobseekers/{a.jobseeker.pk}/benefits/ended/"' in page
