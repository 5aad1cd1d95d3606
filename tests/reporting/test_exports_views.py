"""The research export page: who may open it, start an export and download it; the audit log."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from municipalities.access import access_for
from municipalities.models import AuditEvent
from pilot.celery import app
from portal.navigation import items_for
from reporting.models import ResearchExport
from tests.factories import MunicipalityFactory, PlacementFactory, user_with_role

pytestmark = pytest.mark.django_db

LIST = reverse("exports:list")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _done_export(user, **fields) -> ResearchExport:
    export = ResearchExport.objects.create(
        as_of=date(2025, 9, 30),
        format="csv",
        requested_by=user,
        status="done",
        progress=100,
        row_counts={"participants": 5, "placements": 5},
        **fields,
    )
    export.file.save("research-export-test.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    return export


def _roles_without_access():
    municipality = MunicipalityFactory()
    return [
        user_with_role("funder"),
        user_with_role("jobcoach", municipality),
        user_with_role("imk_coach"),
    ]


def test_export_pages_forbidden_for_funder_jobcoach_and_imk_coach(client, media):
    export = _done_export(user_with_role("researcher"))
    for user in _roles_without_access():
        client.force_login(user)
        for url in (
            LIST,
            reverse("exports:status", args=[export.pk]),
            reverse("exports:download", args=[export.pk]),
        ):
            assert client.get(url).status_code == 403, (user, url)
        response = client.post(LIST, {"as_of": "2025-01-01", "format": "csv", "language": "nl"})
        assert response.status_code == 403
    assert ResearchExport.objects.count() == 1


def test_export_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_export_nav_item_for_researcher_and_programme_admin_only():
    def has_item(user):
        return "exports:list" in [item.url_name for item in items_for(access_for(user))]

    assert has_item(user_with_role("researcher"))
    assert has_item(user_with_role("programme_admin"))
    assert not any(has_item(user) for user in _roles_without_access())


def test_export_list_shows_every_export_with_who_made_it(client, media):
    maker = user_with_role("researcher", full_name="Onderzoeker Een")
    other = user_with_role("researcher", full_name="Onderzoeker Twee")
    export = _done_export(maker)
    client.force_login(other)

    response = client.get(LIST)

    assert response.status_code == 200
    assert list(response.context["exports"]) == [export]
    assert response.context["downloadable_ids"] == set()
    content = response.content.decode()
    assert "Onderzoeker Een" in content
    assert "5 participants, 10 rows in all" in content
    assert reverse("exports:download", args=[export.pk]) not in content


def test_export_start_queues_the_build_after_commit_and_logs_it(
    client, django_capture_on_commit_callbacks
):
    PlacementFactory(actual_start=date(2024, 1, 8))
    researcher = user_with_role("researcher")
    client.force_login(researcher)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(LIST, {"as_of": "2025-06-30", "format": "sav", "language": "en"})

    assert response.status_code == 302
    export = ResearchExport.objects.get()
    assert (export.as_of, export.format, export.language, export.status, export.requested_by) == (
        date(2025, 6, 30),
        "sav",
        "en",
        "queued",
        researcher,
    )
    assert len(callbacks) == 1
    event = AuditEvent.objects.get(action="research_export.requested")
    assert (event.actor, event.object_ref, event.detail) == (
        researcher,
        str(export.pk),
        {"as_of": "2025-06-30", "format": "sav"},
    )


def test_export_start_says_being_built_while_a_worker_has_it(
    client, django_capture_on_commit_callbacks
):
    PlacementFactory(actual_start=date(2024, 1, 8))
    client.force_login(user_with_role("researcher"))

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            LIST, {"as_of": "2025-06-30", "format": "csv", "language": "en"}, follow=True
        )

    assert [str(m) for m in response.context["messages"]] == ["The export is being built."]


@pytest.mark.django_db(transaction=True)
def test_export_start_says_ready_when_tasks_run_in_process(client, media):
    # As in the demo (CELERY_TASK_ALWAYS_EAGER, no transaction around the request): the build
    # ran before the page came back.
    app.conf.task_always_eager = True
    PlacementFactory(actual_start=date(2024, 1, 8))
    client.force_login(user_with_role("researcher"))
    try:
        response = client.post(
            LIST, {"as_of": "2025-06-30", "format": "csv", "language": "en"}, follow=True
        )
    finally:
        app.conf.task_always_eager = False

    assert ResearchExport.objects.get().status == "done"
    assert [str(m) for m in response.context["messages"]] == [
        "The export is ready: download it below."
    ]
    assert "Download zip" in response.content.decode()


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        # Tomorrow when the test runs, not when it was collected (a run can pass midnight).
        ("tomorrow", "The export date cannot be in the future"),
        (
            "2024-01-07",
            "The export date cannot be before 2024-01-08, when the first internship of the "
            "pilot started.",
        ),
    ],
)
def test_export_start_refuses_dates_outside_the_pilot(client, as_of, message):
    if as_of == "tomorrow":
        as_of = (timezone.localdate() + timedelta(days=1)).isoformat()
    PlacementFactory(actual_start=date(2024, 1, 8))
    client.force_login(user_with_role("programme_admin"))

    response = client.post(LIST, {"as_of": as_of, "format": "csv", "language": "nl"})

    assert response.status_code == 400
    assert message in response.context["form"].errors["as_of"][0]
    assert ResearchExport.objects.count() == 0


def test_export_start_without_any_internship_refuses_dates_before_2020(client):
    client.force_login(user_with_role("researcher"))

    response = client.post(LIST, {"as_of": "2019-12-31", "format": "csv", "language": "nl"})

    assert response.context["form"].errors["as_of"] == [
        "The export date cannot be before 2020-01-01."
    ]


def test_export_status_row_polls_until_finished(client, media):
    researcher = user_with_role("researcher")
    running = ResearchExport.objects.create(
        as_of=date(2025, 9, 30),
        format="dta",
        requested_by=researcher,
        status="running",
        progress=42,
    )
    client.force_login(researcher)

    response = client.get(reverse("exports:status", args=[running.pk]))

    content = response.content.decode()
    assert 'hx-trigger="every 2s"' in content
    assert 'value="42"' in content
    done = _done_export(researcher)
    content = client.get(reverse("exports:status", args=[done.pk])).content.decode()
    assert "hx-trigger" not in content
    assert reverse("exports:download", args=[done.pk]) in content


def test_export_download_by_its_maker_is_logged(client, media):
    researcher = user_with_role("researcher")
    export = _done_export(researcher)
    client.force_login(researcher)

    response = client.get(reverse("exports:download", args=[export.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="research-export-2025-09-30-csv.zip"' in response["Content-Disposition"]
    # Reading the whole body also closes the file (the test client's closing wrapper).
    assert b"".join(response.streaming_content).startswith(b"PK")
    event = AuditEvent.objects.get(action="research_export.downloaded")
    assert (event.actor, event.object_ref, event.detail) == (
        researcher,
        str(export.pk),
        {
            "as_of": "2025-09-30",
            "format": "csv",
            "rows": {"participants": 5, "placements": 5},
        },
    )


def test_export_download_by_programme_admin_allowed(client, media):
    export = _done_export(user_with_role("researcher"))
    client.force_login(user_with_role("programme_admin"))

    response = client.get(reverse("exports:download", args=[export.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_export_download_of_another_researchers_export_is_404(client, media):
    export = _done_export(user_with_role("researcher"))
    client.force_login(user_with_role("researcher"))

    response = client.get(reverse("exports:download", args=[export.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="research_export.downloaded").exists()


def test_export_download_of_an_unfinished_export_is_404(client):
    researcher = user_with_role("researcher")
    export = ResearchExport.objects.create(
        as_of=date(2025, 9, 30), format="csv", requested_by=researcher
    )
    client.force_login(researcher)

    assert client.get(reverse("exports:download", args=[export.pk])).status_code == 404
