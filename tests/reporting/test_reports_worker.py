"""A real Celery worker renders a requested report and reports its time and memory."""

import datetime
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from reporting.models import ProgressReport, ReportKind, ReportStatus
from reporting.reports.services import report_request
from reporting.tasks import render_progress_report

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AS_OF = datetime.date(2025, 9, 30)


def _wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_renders_a_requested_report(celery_worker_process):
    call_command("import_pilot_data", str(FIXTURES / "pilot-small"), stdout=StringIO())
    # Sent on commit: autocommit here, so the worker gets the task at once.
    report, queued = report_request(kind=ReportKind.FUNDER, as_of=AS_OF)
    assert queued
    try:
        assert _wait_for(lambda: ProgressReport.objects.get(pk=report.pk).is_finished), (
            "the worker did not finish the report"
        )
        report.refresh_from_db()
        assert (report.status, report.progress, report.error) == (ReportStatus.DONE, 100, "")
        assert report.snapshot.as_of == AS_OF
        assert report.render_ms > 0
        assert report.peak_memory_kb > 0
        with report.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"

        # The same task again for a stored report (a second delivery): nothing is done.
        again = render_progress_report.delay(report_id=report.pk).get(timeout=120)
        assert again == {"report_id": report.pk, "skipped": True}
        assert ProgressReport.objects.get(pk=report.pk).attempts == 1

        # Asked to render again, then run through the task: it renders and returns its timings.
        report_request(kind=ReportKind.FUNDER, as_of=AS_OF, rerender=True, enqueue=False)
        result = render_progress_report.delay(report_id=report.pk).get(timeout=120)
        assert set(result) == {
            "report_id",
            "render_ms",
            "peak_memory_kb",
            "bytes",
            "phases_ms",
            "cpu_ms",
        }
        assert set(result["phases_ms"]) == {"snapshot", "content", "html", "pdf"}
        assert result["report_id"] == report.pk
        assert result["bytes"] > 1000
    finally:
        report.refresh_from_db()
        if report.file:
            report.file.delete(save=False)
