"""The Django admin is the programme admins' tool: every model, the same rules, the history."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from municipalities.enums import Role
from placements.enums import PlacementStatus
from placements.models import Placement
from tests.factories import EntrepreneurFactory, JobseekerFactory, PlacementFactory, user_with_role


@pytest.fixture
def admin_client(client, db):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_changelist_and_search_open_for_every_model(admin_client, model):
    PlacementFactory()
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "GM"}).status_code == 200


@pytest.mark.parametrize("role", [Role.JOBCOACH, Role.IMK_COACH, Role.FUNDER, Role.RESEARCHER])
def test_admin_refuses_every_other_role(client, db, role):
    municipality = JobseekerFactory().municipality
    user = user_with_role(role, *([municipality] if role == Role.JOBCOACH else []))
    user.is_staff = True  # a staff flag alone opens nothing
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:placements_jobseeker_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _placement_form(jobseeker, entrepreneur, **overrides):
    data = {
        "ref": "PL-ADMIN-1",
        "jobseeker": jobseeker.pk,
        "entrepreneur": entrepreneur.pk,
        "status": "active",
        "planned_start": "2024-01-08",
        "planned_end": "2024-06-07",
        "actual_start": "2024-01-08",
        "actual_end": "",
        "end_reason": "",
        "hours_per_week": "24",
    }
    if "based_on_version" not in overrides:
        # The admin form sends back the version it was shown with; a new row has none.
        existing = Placement.objects.filter(ref=overrides.get("ref", "")).first()
        data["based_on_version"] = existing.version if existing else ""
    for prefix in ("state_changes", "progress_reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_admin_creates_placement_and_records_its_first_state(admin_client):
    jobseeker = JobseekerFactory()
    entrepreneur = EntrepreneurFactory(municipality=jobseeker.municipality)
    response = admin_client.post(
        reverse("admin:placements_placement_add"), _placement_form(jobseeker, entrepreneur)
    )
    assert response.status_code == 302
    placement = Placement.objects.get(ref="PL-ADMIN-1")
    assert placement.municipality == jobseeker.municipality
    assert list(placement.state_changes.values_list("from_status", "to_status", "source")) == [
        ("", "active", "admin")
    ]


def test_admin_shows_rule_errors_next_to_fields_and_saves_nothing(admin_client):
    jobseeker = JobseekerFactory()
    entrepreneur = EntrepreneurFactory(municipality=jobseeker.municipality)
    response = admin_client.post(
        reverse("admin:placements_placement_add"),
        _placement_form(jobseeker, entrepreneur, planned_end="2024-03-01", actual_start=""),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["planned_end"] == ["The planned end must be at least 3 months after the start."]
    assert errors["actual_start"] == [
        "An active, completed or terminated placement needs its actual start."
    ]
    assert not Placement.objects.exists()


def test_admin_refuses_second_running_placement_of_a_jobseeker(admin_client):
    running = PlacementFactory(status=PlacementStatus.ACTIVE, actual_end=None)
    other = EntrepreneurFactory(municipality=running.municipality)
    response = admin_client.post(
        reverse("admin:placements_placement_add"),
        _placement_form(
            running.jobseeker,
            other,
            actual_start="2024-03-01",
            planned_start="2024-03-01",
            planned_end="2024-07-01",
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["actual_start"] == [
        f"The jobseeker already has placement {running.ref} running in this period."
    ]
    assert Placement.objects.count() == 1


def test_admin_placement_page_shows_lifecycle_history(admin_client):
    placement = PlacementFactory(status=PlacementStatus.ACTIVE, actual_end=None)
    data = _placement_form(
        placement.jobseeker,
        placement.entrepreneur,
        ref=placement.ref,
        status="completed",
        actual_end="2024-06-07",
    )
    url = reverse("admin:placements_placement_change", args=[placement.pk])
    assert admin_client.post(url, data).status_code == 302
    page = admin_client.get(url).content.decode()
    assert "Placement state changes" in page
    placement.refresh_from_db()
    assert placement.status == "completed"
    assert placement.actual_end == datetime.date(2024, 6, 7)
    assert list(placement.state_changes.values_list("from_status", "to_status")) == [
        ("active", "completed")
    ]


def test_admin_refuses_to_move_a_placement_backwards(admin_client):
    placement = PlacementFactory()
    data = _placement_form(
        placement.jobseeker, placement.entrepreneur, ref=placement.ref, status="active"
    )
    url = reverse("admin:placements_placement_change", args=[placement.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == [
        "A placement cannot go from completed to active."
    ]
    placement.refresh_from_db()
    assert placement.status == "completed"
