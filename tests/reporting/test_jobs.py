"""The life of a report or export job (kernel/jobs.py): claim, fence, reap, retry, cancel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kernel.job_model import (
    CANCELLED,
    QUEUE_UNAVAILABLE,
    REASONS,
    WORKER_LOST,
    WORKER_LOST_FINAL,
)
from kernel.jobs import (
    JobLost,
    job_cancel,
    job_claim,
    job_done,
    job_retry,
    job_update,
    jobs_reap,
)
from municipalities.enums import Role
from reporting.models import ProgressReport, ReportKind, ResearchExport
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 9, 30)


def _report(**fields) -> ProgressReport:
    return ProgressReport.objects.create(kind=ReportKind.FUNDER, as_of=AS_OF, **fields)


def _ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def test_job_claim_takes_a_queued_job_and_skips_a_live_run_of_another_message():
    report = _report()
    claimed = job_claim(ProgressReport, pk=report.pk, task_id="task-a", worker="w1")
    assert (claimed.status, claimed.attempts, claimed.worker, claimed.task_id) == (
        "running",
        1,
        "w1",
        "task-a",
    )
    # A second message for the same job while the first run is alive: nothing to do.
    assert job_claim(ProgressReport, pk=report.pk, task_id="task-b", worker="w2") is None
    report.refresh_from_db()
    assert (report.attempts, report.worker) == (1, "w1")


def test_job_claim_takes_over_when_the_same_message_comes_back():
    # reject_on_worker_lost hands the message back when the worker process died.
    report = _report()
    job_claim(ProgressReport, pk=report.pk, task_id="task-a", worker="w1")
    again = job_claim(ProgressReport, pk=report.pk, task_id="task-a", worker="w1")
    assert (again.status, again.attempts) == ("running", 2)


def test_job_claim_takes_over_a_run_whose_lease_expired(settings):
    settings.JOB_LEASE_SECONDS = 60
    report = _report(status="running", attempts=1, task_id="task-a", heartbeat_at=_ago(61))
    again = job_claim(ProgressReport, pk=report.pk, task_id="task-b", worker="w2")
    assert (again.attempts, again.worker, again.task_id) == (2, "w2", "task-b")


@pytest.mark.parametrize("status", ["done", "failed"])
def test_job_claim_leaves_a_finished_job_alone(status):
    report = _report(status=status, attempts=1)
    assert job_claim(ProgressReport, pk=report.pk, task_id="t", worker="w") is None
    assert ProgressReport.objects.get(pk=report.pk).attempts == 1


def test_job_claim_of_a_deleted_job_does_nothing():
    assert job_claim(ProgressReport, pk=999_999, task_id="t", worker="w") is None


def test_a_replaced_run_cannot_write_progress_or_finish():
    report = _report()
    old_run = job_claim(ProgressReport, pk=report.pk, task_id="task-a", worker="w1")
    ProgressReport.objects.filter(pk=report.pk).update(heartbeat_at=_ago(10_000))
    new_run = job_claim(ProgressReport, pk=report.pk, task_id="task-b", worker="w2")
    with pytest.raises(JobLost):
        job_update(old_run, progress=50)
    with pytest.raises(JobLost):
        job_done(old_run)
    job_update(new_run, progress=40)
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == ("running", 40, 2)


def test_cancel_stops_a_running_job_at_its_next_progress_write():
    report = _report()
    run = job_claim(ProgressReport, pk=report.pk, task_id="t", worker="w")
    assert job_cancel(report) is True
    with pytest.raises(JobLost):
        job_update(run, progress=60)
    report.refresh_from_db()
    assert (report.status, report.error, report.progress) == ("failed", CANCELLED, 0)
    assert job_cancel(report) is False  # finished already


def test_jobs_reap_requeues_a_job_whose_lease_expired(settings, django_capture_on_commit_callbacks):
    settings.JOB_LEASE_SECONDS = 120
    stale = _report(status="running", attempts=1, worker="w1", heartbeat_at=_ago(121))
    fresh = ResearchExport.objects.create(
        as_of=AS_OF, format="csv", status="running", attempts=1, heartbeat_at=_ago(5)
    )
    with django_capture_on_commit_callbacks() as sent:
        counts = jobs_reap()
    assert counts == {"requeued": 1, "failed": 0, "resent": 0}
    assert len(sent) == 1  # its task, sent after commit
    stale.refresh_from_db()
    assert (stale.status, stale.error, stale.attempts, stale.worker) == (
        "queued",
        WORKER_LOST,
        1,
        "",
    )
    fresh.refresh_from_db()
    assert fresh.status == "running"


def test_jobs_reap_gives_up_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    settings.JOB_MAX_ATTEMPTS = 3
    report = _report(status="running", attempts=3, heartbeat_at=None)
    with django_capture_on_commit_callbacks() as sent:
        assert jobs_reap() == {"requeued": 0, "failed": 1, "resent": 0}
    assert sent == []
    report.refresh_from_db()
    assert (report.status, report.error) == ("failed", WORKER_LOST_FINAL)
    assert report.finished_at is not None


def test_jobs_reap_sends_again_a_queued_job_nobody_took(
    settings, django_capture_on_commit_callbacks
):
    settings.JOB_REQUEUE_SECONDS = 1800
    lost = _report(heartbeat_at=_ago(1801))
    ResearchExport.objects.create(as_of=AS_OF, format="csv", heartbeat_at=_ago(60))
    with django_capture_on_commit_callbacks() as sent:
        assert jobs_reap() == {"requeued": 0, "failed": 0, "resent": 1}
    assert len(sent) == 1
    lost.refresh_from_db()
    assert lost.status == "queued"


def test_job_retry_queues_a_failed_job_as_a_new_series(django_capture_on_commit_callbacks):
    report = _report(status="failed", attempts=3, error=QUEUE_UNAVAILABLE)
    with django_capture_on_commit_callbacks() as sent:
        assert job_retry(report) is True
    assert len(sent) == 1
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error, report.finished_at) == (
        "queued",
        0,
        "",
        None,
    )
    assert job_retry(_report_done()) is False


def _report_done() -> ProgressReport:
    return ProgressReport.objects.create(
        kind=ReportKind.RESEARCH, as_of=AS_OF, status="done", progress=100
    )


def test_admin_retries_and_cancels_jobs(client, django_capture_on_commit_callbacks):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    failed = _report(status="failed", error="ValueError: boom")
    running = ResearchExport.objects.create(
        as_of=AS_OF, format="csv", status="running", attempts=1, heartbeat_at=_ago(1)
    )
    url = reverse("admin:reporting_progressreport_changelist")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks() as sent:
        response = client.post(
            url, {"action": "retry_jobs", "_selected_action": [failed.pk]}, follow=True
        )
    assert response.status_code == 200
    assert len(sent) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.error) == ("queued", "")

    url = reverse("admin:reporting_researchexport_changelist")
    response = client.post(
        url, {"action": "cancel_jobs", "_selected_action": [running.pk]}, follow=True
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["1 job cancelled."]
    running.refresh_from_db()
    assert (running.status, running.error) == ("failed", CANCELLED)


def test_reasons_are_shown_in_dutch_and_unknown_errors_stay_in_the_admin():
    report = _report(status="failed", error=QUEUE_UNAVAILABLE)
    with translation.override("nl"):
        assert report.reason.startswith("De achtergrondverwerking is op dit moment niet")
        assert str(REASONS[CANCELLED]) == "Geannuleerd door de programmabeheerder."
    report.error = "OSError: /srv/media/reports is full"
    assert report.reason == (
        "An error stopped this. Please try again; the programme admin can see the details."
    )
