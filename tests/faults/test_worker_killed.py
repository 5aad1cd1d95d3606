"""A real Celery worker killed with SIGKILL in the middle of a job, then started again.

The job is held mid-run by a table lock taken by the test (the worker has claimed it and is
waiting for a read), so the kill always lands while it runs. Leases are short here
(JOB_HEARTBEAT_SECONDS 0.5, JOB_LEASE_SECONDS 3); the defaults are 30 s and 120 s.

Stated and asserted: after the kill the job is queued again within LEASE + a few seconds of
the restarted worker's start, and is done within DONE_WITHIN seconds of the kill, with one
file and no job left queued or running. Meanwhile the user's row says that the worker stopped
and the job will be started again, and /health/ answers 503 naming the worker. A pool process
killed under a live worker (the memory limit's case) has its job taken over at once.
"""

import datetime
import os
import signal
import subprocess
import time
import zipfile
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from kernel.jobs import job_send
from municipalities.enums import Role
from reporting.models import ProgressReport, ReportKind, ResearchExport
from reporting.reports.services import report_request
from tests.factories import BenefitPeriodFactory, PlacementFactory, user_with_role

from .helpers import start_worker, stop_worker, wait_for, worker_env

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HEARTBEAT = 0.5
LEASE = 3
DONE_WITHIN = 45.0
STOPPED_NOTE = (
    "The worker stopped while making this. It will be started again within a few minutes."
)


@pytest.fixture
def short_leases(settings, tmp_path):
    from pilot.celery import app

    # Messages that earlier tests of this run queued without a worker are not for these.
    app.control.purge()
    settings.JOB_HEARTBEAT_SECONDS = HEARTBEAT
    settings.JOB_LEASE_SECONDS = LEASE
    # /health/ in this process calls a worker silent after this long (default 180 s).
    settings.WORKER_SILENT_SECONDS = 2
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return worker_env(
        JOB_HEARTBEAT_SECONDS=str(HEARTBEAT),
        JOB_LEASE_SECONDS=str(LEASE),
        MEDIA_ROOT=settings.MEDIA_ROOT,
    )


class TableLock:
    """An ACCESS EXCLUSIVE lock on a table, held by a connection of its own until released."""

    def __init__(self, table: str):
        db = connection.settings_dict
        self.connection = psycopg2.connect(
            dbname=db["NAME"],
            user=db["USER"],
            password=db["PASSWORD"] or None,
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
        )
        with self.connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")  # noqa: S608

    def release(self) -> None:
        if not self.connection.closed:
            self.connection.rollback()
            self.connection.close()


def _kill_mid_job(model, env, start_job, row_html) -> dict:
    """Start a worker, start the job (which returns it and the table lock that holds it
    mid-run), kill the worker with SIGKILL once the job runs and its lease was renewed, start
    a new worker; return the timings and what the user's row said while no worker ran."""
    first, first_name = start_worker("doomed", env)
    health = Client().get("/health/")
    assert health.status_code == 200
    assert health.json()["checks"]["worker"]["worker"] == first_name
    second = None
    lock = None
    try:
        job, lock = start_job()
        assert wait_for(lambda: model.objects.get(pk=job.pk).status == "running", 30)
        claimed = model.objects.get(pk=job.pk)
        assert (claimed.attempts, claimed.worker) == (1, first_name)
        # Blocked on the lock, the job is still alive: the worker's monitor renews its lease.
        assert wait_for(lambda: model.objects.get(pk=job.pk).heartbeat_at > claimed.heartbeat_at, 5)

        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed = time.monotonic()
        lock.release()

        # Nobody renews the lease now: once it expired, the user's row says so.
        assert wait_for(lambda: model.objects.get(pk=job.pk).lease_expired, LEASE + 2)
        noticed = time.monotonic() - killed
        meanwhile = row_html(job)
        # No worker: /health/ says so (and which part), the process itself is alive.
        assert wait_for(lambda: Client().get("/health/").status_code == 503, 5)
        health = Client().get("/health/")
        assert health.json()["checks"]["worker"]["error"] == "no worker reported recently"
        assert Client().get("/health/live/").status_code == 200

        second, _name = start_worker("restarted", env)
        restarted = time.monotonic() - killed
        assert wait_for(lambda: model.objects.get(pk=job.pk).attempts == 2, LEASE + 10)
        requeued = time.monotonic() - killed
        assert wait_for(lambda: model.objects.get(pk=job.pk).is_finished, DONE_WITHIN)
        done = time.monotonic() - killed
    finally:
        if lock is not None:
            lock.release()
        if first.poll() is None:
            first.kill()
            first.wait()
        if second is not None:
            stop_worker(second)
    print(
        f"{model.__name__}: lease expired {noticed:.1f} s after the kill, worker restarted at "
        f"{restarted:.1f} s, run 2 claimed at {requeued:.1f} s, done at {done:.1f} s"
    )
    return {"noticed": noticed, "requeued": requeued, "done": done, "meanwhile": meanwhile}


def test_export_survives_its_worker_killed_mid_build(short_leases, client, settings):
    for _ in range(3):
        placement = PlacementFactory()
        BenefitPeriodFactory(jobseeker=placement.jobseeker, start_date=datetime.date(2021, 3, 1))
    researcher = user_with_role(Role.RESEARCHER)
    client.force_login(researcher)

    def start_export():
        # Read by the build (the participants' benefits), not by the request.
        lock = TableLock("placements_benefitperiod")
        response = client.post(
            reverse("exports:list"), {"as_of": "2025-06-30", "format": "sav", "language": "nl"}
        )
        assert response.status_code == 302
        return ResearchExport.objects.get(), lock

    timings = _kill_mid_job(
        ResearchExport,
        short_leases,
        start_export,
        lambda export: client.get(reverse("exports:status", args=[export.pk])).content.decode(),
    )
    assert STOPPED_NOTE in timings["meanwhile"]

    export = ResearchExport.objects.get()
    assert (export.status, export.progress, export.error, export.attempts) == ("done", 100, "", 2)
    assert timings["done"] < DONE_WITHIN
    folder = Path(settings.MEDIA_ROOT) / "research_exports"
    assert sorted(p.name for p in folder.iterdir()) == [Path(export.file.name).name]
    assert "participants.sav" in zipfile.ZipFile(folder / Path(export.file.name).name).namelist()
    assert not ResearchExport.objects.filter(status__in=["queued", "running"]).exists()


def test_report_survives_its_worker_killed_mid_render(short_leases, client, settings):
    call_command("import_pilot_data", str(FIXTURES / "pilot-small"), stdout=StringIO())
    as_of = datetime.date(2025, 9, 30)

    def start_report():
        report, queued = report_request(kind=ReportKind.FUNDER, as_of=as_of, enqueue=False)
        assert queued
        # The render reads the stored figures first. (Taken after the request: inserting a
        # report checks its foreign key to that table.)
        lock = TableLock("reporting_metricssnapshot")
        assert job_send(ProgressReport, report.pk)
        return report, lock

    client.force_login(user_with_role(Role.FUNDER))
    timings = _kill_mid_job(
        ProgressReport,
        short_leases,
        start_report,
        lambda r: client.get(reverse("reporting:report_status", args=[r.pk])).content.decode(),
    )
    assert STOPPED_NOTE in timings["meanwhile"]

    report = ProgressReport.objects.get()
    assert (report.status, report.progress, report.error, report.attempts) == ("done", 100, "", 2)
    assert timings["done"] < DONE_WITHIN
    folder = Path(settings.MEDIA_ROOT) / "reports"
    assert sorted(p.name for p in folder.iterdir()) == ["funder-report-2025-09-30.pdf"]
    assert (folder / "funder-report-2025-09-30.pdf").read_bytes()[:5] == b"%PDF-"
    assert not ProgressReport.objects.filter(status__in=["queued", "running"]).exists()


def _children(pid: int) -> list[int]:
    found = subprocess.run(  # noqa: S603
        ["pgrep", "-P", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return [int(child) for child in found]


def test_export_survives_its_pool_process_killed(short_leases, client, settings):
    """The memory limit's case: only the pool process running the job dies, its worker lives.
    The message comes back at once (reject_on_worker_lost) and the run that takes it over is
    the same message's, so it does not wait for the lease."""
    for _ in range(3):
        placement = PlacementFactory()
        BenefitPeriodFactory(jobseeker=placement.jobseeker, start_date=datetime.date(2021, 3, 1))
    client.force_login(user_with_role(Role.RESEARCHER))
    worker, name = start_worker("prefork", short_leases, pool="prefork")
    lock = TableLock("placements_benefitperiod")
    try:
        response = client.post(
            reverse("exports:list"), {"as_of": "2025-06-30", "format": "csv", "language": "nl"}
        )
        assert response.status_code == 302
        export = ResearchExport.objects.get()
        assert wait_for(lambda: ResearchExport.objects.get(pk=export.pk).status == "running", 30)
        first_message = ResearchExport.objects.get(pk=export.pk).task_id
        (pool_process,) = _children(worker.pid)
        os.kill(pool_process, signal.SIGKILL)
        killed = time.monotonic()
        lock.release()
        assert wait_for(lambda: ResearchExport.objects.get(pk=export.pk).is_finished, 30)
        done = time.monotonic() - killed
    finally:
        lock.release()
        stop_worker(worker)
    print(f"pool process killed: export done {done:.1f} s later")
    export.refresh_from_db()
    assert (export.status, export.attempts, export.worker) == ("done", 2, name)
    # Taken over by the returned message itself, not by the lease's reaper (a new message).
    assert export.task_id == first_message
    assert done < DONE_WITHIN
    folder = Path(settings.MEDIA_ROOT) / "research_exports"
    assert sorted(p.name for p in folder.iterdir()) == [Path(export.file.name).name]
