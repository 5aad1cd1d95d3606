"""Bounds: request bodies, free text, and how much work one person may queue or ask of the API."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.throttling import UserRateThrottle

from coaching.models import GuidanceSession
from kernel.forms import NOTES_MAX_LENGTH
from municipalities.enums import Role
from reporting.models import ProgressReport, ResearchExport
from tests.factories import EntrepreneurFactory, MunicipalityFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_large_anonymous_upload_to_sign_in_is_refused(client):
    response = client.post(
        reverse("account_login"),
        {"login": "x@example.org", "password": "x", "file": ("big.bin", b"0" * 10_000_000)},
    )
    assert response.status_code == 413
    assert response.content == b"The request is too large."


def test_a_body_within_the_limit_is_read(client):
    response = client.post(reverse("account_login"), {"login": "x@example.org", "password": "x"})
    assert response.status_code == 200


def test_guidance_notes_longer_than_the_limit_are_refused(client):
    coach = user_with_role(Role.IMK_COACH)
    entrepreneur = EntrepreneurFactory(imk_coach=coach)
    client.force_login(coach)
    url = reverse("coaching:session_create", args=[entrepreneur.pk])
    form = {"held_on": "2024-04-02", "minutes": "45", "mode": "phone"}
    response = client.post(url, {**form, "notes": "x" * (NOTES_MAX_LENGTH + 1)})
    assert response.status_code == 200
    assert response.context["form"].errors["notes"] == [
        f"Ensure this value has at most {NOTES_MAX_LENGTH} characters (it has "
        f"{NOTES_MAX_LENGTH + 1})."
    ]
    assert GuidanceSession.objects.count() == 0
    assert client.post(url, {**form, "notes": "x" * NOTES_MAX_LENGTH}).status_code == 302
    assert GuidanceSession.objects.count() == 1


def test_metrics_api_queues_at_most_ten_computations_per_person(client, monkeypatch):
    queued = []

    def send_task(name, *, kwargs, **options):
        queued.append(kwargs)
        return True

    monkeypatch.setattr("kernel.queue.send_task", send_task)
    client.force_login(user_with_role(Role.FUNDER))
    statuses = [
        client.get("/api/v1/metrics/", {"as_of": f"2025-01-{day:02d}"}).status_code
        for day in range(1, 13)
    ]
    assert statuses == [202] * 10 + [429, 429]
    assert len(queued) == 10
    response = client.get("/api/v1/metrics/", {"as_of": "2025-02-01"})
    assert response.json() == {
        "detail": "You asked for this too often. Please try again in a few minutes."
    }
    assert 0 < int(response["Retry-After"]) <= 600
    # A date already asked for costs nothing.
    assert client.get("/api/v1/metrics/", {"as_of": "2025-01-01"}).status_code == 202


def test_reports_are_queued_at_most_ten_times_per_person(client):
    MunicipalityFactory()
    client.force_login(user_with_role(Role.FUNDER))
    statuses = [
        client.post(
            reverse("reporting:report_list"),
            {
                "kind": "funder",
                "as_of": (datetime.date(2025, 1, 1) + datetime.timedelta(n)).isoformat(),
            },
        ).status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    assert ProgressReport.objects.count() == 10


def test_exports_are_queued_at_most_five_times_per_person(client):
    client.force_login(user_with_role(Role.RESEARCHER))
    statuses = [
        client.post(
            reverse("exports:list"),
            {"as_of": f"2025-01-{day:02d}", "format": "csv", "language": "nl"},
        ).status_code
        for day in range(1, 7)
    ]
    assert statuses == [302] * 5 + [429]
    assert ResearchExport.objects.count() == 5


def test_api_is_throttled_per_person(client, monkeypatch):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    statuses = [client.get("/api/v1/jobseekers/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
