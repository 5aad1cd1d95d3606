"""A real Celery worker builds a requested export and reports its progress."""

import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from municipalities.models import AuditEvent
from reporting.models import ResearchExport
from tests.factories import BenefitPeriodFactory, PlacementFactory, user_with_role

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_builds_the_export_with_progress(celery_worker_process, client):
    for _ in range(3):
        placement = PlacementFactory()
        BenefitPeriodFactory(jobseeker=placement.jobseeker, start_date=date(2021, 3, 1))
    researcher = user_with_role("researcher")
    client.force_login(researcher)

    response = client.post(
        reverse("exports:list"), {"as_of": "2025-06-30", "format": "sav", "language": "nl"}
    )

    assert response.status_code == 302
    export = ResearchExport.objects.get()

    def finished():
        export.refresh_from_db()
        return export.is_finished

    assert _wait_for(finished)
    # The worker writes under its own MEDIA_ROOT (the settings default): remove it afterwards.
    path = Path(settings.MEDIA_ROOT) / export.file.name
    try:
        assert (export.status, export.progress, export.error) == ("done", 100, "")
        assert export.row_counts == {
            "participants": 3,
            "placements": 3,
            "benefit_periods": 3,
            "progress_reviews": 0,
            "entrepreneurs": 3,
            "guidance_sessions": 0,
            "host_evaluations": 0,
        }
        assert export.finished_at is not None
        assert "participants.sav" in zipfile.ZipFile(path).namelist()
        event = AuditEvent.objects.get(action="research_export.built")
        assert (event.actor, event.object_ref) == (researcher, str(export.pk))
        assert event.detail["rows"] == export.row_counts

        download = client.get(reverse("exports:download", args=[export.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
