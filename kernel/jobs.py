"""The life of a report, export or import job: queued, claimed under a lease, finished or failed.

Every job row (``BackgroundJob``) goes through here, so that none can hang:

- A job is sent to the worker after its transaction commits; when the broker cannot take the
  message the job is failed at once with reason ``queue_unavailable`` and can be asked again.
- A run *claims* the job: it becomes ``running`` under a lease held by one worker and one task
  message, and ``attempts`` counts the runs. A second delivery of the message (acks_late,
  redelivery after a crash) finds the job done, or leased by a live run, and does nothing.
- While it runs, the worker's monitor (reporting/monitor.py) renews the lease. A job whose lease
  expired lost its worker: ``jobs_reap`` queues it again, or fails it after JOB_MAX_ATTEMPTS
  runs, with a reason the user sees.
- Every write of a run is fenced by its attempt number: a run that was cancelled, or replaced
  after its lease expired, cannot overwrite the newer state (it gets ``JobLost`` and stops).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .job_model import (
    CANCELLED,
    QUEUE_UNAVAILABLE,
    WORKER_LOST,
    WORKER_LOST_FINAL,
    BackgroundJob,
    JobStatus,
)
from .queue import send_task

logger = logging.getLogger(__name__)

# Celery options of every task that runs a job: the message is acknowledged only after the run,
# and given back when the worker dies (settings), so a crash loses no job; the services claim
# the job under a lease, so a second delivery does nothing unless the first run died.
JOB_TASK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}

# The task that runs each kind of job, and the name of its id argument. Each app registers its
# own job models in its AppConfig.ready(): reports and exports (reporting), the browser import
# (placements), retention runs (privacy).
TASKS: dict[type[BackgroundJob], tuple[str, str]] = {}


def register_job(model: type[BackgroundJob], task_name: str, argument: str) -> None:
    """Let an app's job model run under the lease, renewal and reaping of this module."""
    TASKS[model] = (task_name, argument)


class JobLost(Exception):
    """This run no longer holds the job: it was cancelled or given to a newer run."""


def job_enqueue(job: BackgroundJob) -> None:
    """Send ``job`` to the worker once the surrounding transaction commits."""
    model, pk = type(job), job.pk
    transaction.on_commit(lambda: job_send(model, pk))


def job_send(model: type[BackgroundJob], pk: int) -> bool:
    """Send the job's task now; when the broker cannot take it, fail the job with the reason.

    The sending time is the queued job's sign of life: ``jobs_reap`` sends a job again that
    nobody took for JOB_REQUEUE_SECONDS (its message was lost).
    """
    task_name, argument = TASKS[model]
    model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(heartbeat_at=timezone.now())
    if send_task(task_name, kwargs={argument: pk}):
        return True
    model.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.FAILED, error=QUEUE_UNAVAILABLE, finished_at=timezone.now()
    )
    return False


def job_claim(model: type[BackgroundJob], *, pk: int, task_id: str = "", worker: str = ""):
    """Start a run of job ``pk``; return the job, or None when this run must do nothing.

    Idempotent: a job that is done (or failed: cancelled or given up) is left alone, and so is
    one that another live run holds (its lease is fresh and it came from another message).
    The same message delivered again means its first run died: that one is taken over.
    """
    with transaction.atomic():
        job = model.objects.select_for_update(of=("self",)).filter(pk=pk).first()
        if job is None:
            logger.warning("%s %s is gone; nothing to do", model.__name__, pk)
            return None
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            logger.info("%s %s is %s already; nothing to do", model.__name__, pk, job.status)
            return None
        if job.status == JobStatus.RUNNING and not job.lease_expired and job.task_id != task_id:
            logger.info("%s %s is running elsewhere; nothing to do", model.__name__, pk)
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.worker = worker
        job.task_id = task_id
        job.heartbeat_at = timezone.now()
        job.progress = 0
        job.error = ""
        job.save(
            update_fields=[
                *("status", "attempts", "worker", "task_id", "heartbeat_at", "progress", "error")
            ]
        )
    return job


def job_update(job: BackgroundJob, **fields) -> None:
    """Write progress (or other fields) of the running ``job``; raise JobLost when this run
    no longer holds it. An UPDATE outside any transaction: a polling page sees it at once."""
    updated = (
        type(job)
        .objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
        .update(heartbeat_at=timezone.now(), **fields)
    )
    if not updated:
        raise JobLost(f"{type(job).__name__} {job.pk} attempt {job.attempts}")


def job_done(job: BackgroundJob, **fields) -> None:
    """Mark this run's job done with its result fields; JobLost when it lost the job."""
    job_update(job, status=JobStatus.DONE, progress=100, finished_at=timezone.now(), **fields)


def job_failed(job: BackgroundJob, *, error: str) -> None:
    """Mark this run's job failed, unless it was cancelled or given to a newer run meanwhile."""
    type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
        status=JobStatus.FAILED, error=error[:1000], finished_at=timezone.now()
    )


def job_retry(job: BackgroundJob) -> bool:
    """Queue a failed (or stalled) job again, and send it after commit; False when it is done
    or running normally. For the programme admin's action and the user's "try again"."""
    with transaction.atomic():
        job = type(job).objects.select_for_update(of=("self",)).get(pk=job.pk)
        stalled = job.lease_expired or (job.status == JobStatus.QUEUED and _queued_too_long(job))
        if not (job.status == JobStatus.FAILED or stalled):
            return False
        # A new series of runs: the worker-loss limit counts from here.
        _requeue(job, error="", attempts=0)
        job_enqueue(job)
    return True


def job_cancel(job: BackgroundJob) -> bool:
    """Stop a queued or running job: it is failed as cancelled, and a run still busy with it
    stops at its next progress write (JobLost). False when it had finished already."""
    updated = (
        type(job)
        .objects.filter(pk=job.pk, status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
        .update(status=JobStatus.FAILED, error=CANCELLED, finished_at=timezone.now())
    )
    return bool(updated)


def jobs_renew(*, worker: str) -> int:
    """Renew the lease of every job that ``worker`` runs; return how many."""
    now = timezone.now()
    return sum(
        model.objects.filter(status=JobStatus.RUNNING, worker=worker).update(heartbeat_at=now)
        for model in TASKS
    )


def jobs_reap() -> dict[str, int]:
    """Queue again (or give up) running jobs whose lease expired, and send again queued jobs
    nobody took; return the counts. Safe in several workers at once (rows locked, skipped)."""
    now = timezone.now()
    lease = timedelta(seconds=settings.JOB_LEASE_SECONDS)
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    for model in TASKS:
        with transaction.atomic():
            stale = model.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                Q(heartbeat_at__lt=now - lease) | Q(heartbeat_at__isnull=True),
                status=JobStatus.RUNNING,
            )
            for job in stale:
                if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                    job.status = JobStatus.FAILED
                    job.error = WORKER_LOST_FINAL
                    job.finished_at = now
                    job.save(update_fields=["status", "error", "finished_at"])
                    counts["failed"] += 1
                    logger.warning(
                        "%s %s: worker lost %s times; failed", model.__name__, job.pk, job.attempts
                    )
                else:
                    _requeue(job, error=WORKER_LOST)
                    job_enqueue(job)
                    counts["requeued"] += 1
                    logger.warning(
                        "%s %s: worker %s lost; queued again", model.__name__, job.pk, job.worker
                    )
            # A queued job's heartbeat is when it was (last) sent; one never sent counts from
            # its creation.
            too_old = now - timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
            forgotten = model.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                Q(heartbeat_at__lt=too_old) | Q(heartbeat_at__isnull=True, created_at__lt=too_old),
                status=JobStatus.QUEUED,
            )
            for job in forgotten:
                job_enqueue(job)
                counts["resent"] += 1
    return counts


def _requeue(job: BackgroundJob, *, error: str, attempts: int | None = None) -> None:
    if attempts is not None:
        job.attempts = attempts
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.error = error
    job.finished_at = None
    job.worker = ""
    job.heartbeat_at = timezone.now()
    job.save(
        update_fields=[
            *("status", "progress", "error", "finished_at", "worker", "heartbeat_at", "attempts")
        ]
    )


def _queued_too_long(job: BackgroundJob) -> bool:
    since = job.heartbeat_at or job.created_at
    return (timezone.now() - since).total_seconds() > settings.JOB_REQUEUE_SECONDS
