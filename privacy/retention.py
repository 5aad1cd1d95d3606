"""Retention: who is kept too long, and erasing them (the same erasure as a person's request).

A person's data is due for erasure when either

- their follow-up window closed (the end of their last internship + the pilot's follow-up
  months, as in outflow-metrics.md) more than ``PILOT_RETENTION_AFTER_WINDOW_DAYS`` ago; or
- the pilot ended (``PILOT_END_DATE``) more than ``PILOT_RETENTION_AFTER_PILOT_END_DAYS`` ago
  (everyone, participant or not).

``retention_due`` lists them (record ids, reasons and dates: no personal data), the command
``apply_retention --dry-run`` prints that list, and ``retention_apply`` erases them one by one
(each in its own transaction). The nightly task runs ``retention_run`` under a job lease
(kernel/jobs.py), so two workers never run it at once and a lost worker's run is taken up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.dates import add_months
from kernel.models import PilotSettings
from placements.enums import PlacementStatus
from placements.models import Jobseeker, Placement

from .erasure import ErasureRefused, erase_jobseeker
from .models import ErasureTrigger, RetentionRun

logger = logging.getLogger(__name__)

WINDOW_CLOSED = "window_closed"
PILOT_ENDED = "pilot_ended"
REASONS = {
    WINDOW_CLOSED: _("follow-up window closed"),
    PILOT_ENDED: _("the pilot ended"),
}


@dataclass(frozen=True)
class Due:
    """One person whose data is due for erasure: the record, not who it is."""

    jobseeker_id: int
    municipality_code: str
    reason: str  # WINDOW_CLOSED or PILOT_ENDED
    since: date  # the window's close or the pilot's end
    due_on: date  # the day the retention period passed

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])

    def erasure_reason(self) -> str:
        """The reason kept with the erasure (in English: it is stored, not shown translated)."""
        what = "follow-up window closed" if self.reason == WINDOW_CLOSED else "pilot ended"
        return f"Retention period passed: {what} on {self.since.isoformat()}."


def windows_closed(*, follow_up_months: int) -> dict[int, date]:
    """Per jobseeker not erased: the day their follow-up window closes, for those whose every
    started (not cancelled) internship has ended. The same rule as the figures' window W."""
    ends: dict[int, date | None] = {}
    rows = (
        Placement.objects.filter(actual_start__isnull=False, jobseeker__erasure__isnull=True)
        .exclude(status=PlacementStatus.CANCELLED)
        .order_by()
        .values_list("jobseeker_id", "actual_end")
    )
    running: set[int] = set()
    for jobseeker_id, actual_end in rows:
        if actual_end is None:
            running.add(jobseeker_id)
        elif ends.get(jobseeker_id) is None or actual_end > ends[jobseeker_id]:
            ends[jobseeker_id] = actual_end
    return {
        jobseeker_id: add_months(end, follow_up_months)
        for jobseeker_id, end in ends.items()
        if jobseeker_id not in running
    }


def retention_due(*, today: date | None = None) -> list[Due]:
    """Everyone whose retention period passed on or before ``today``, by record id."""
    today = today or timezone.localdate()
    after_window = timedelta(days=settings.PILOT_RETENTION_AFTER_WINDOW_DAYS)
    after_end = timedelta(days=settings.PILOT_RETENTION_AFTER_PILOT_END_DAYS)
    pilot_end: date | None = settings.PILOT_END_DATE
    follow_up = PilotSettings.load().follow_up_months
    closed = windows_closed(follow_up_months=follow_up)
    people = Jobseeker.objects.filter(erasure__isnull=True).order_by("id")
    due: list[Due] = []
    for jobseeker_id, code in people.values_list("id", "municipality__code"):
        window = closed.get(jobseeker_id)
        if window is not None and window + after_window <= today:
            due.append(Due(jobseeker_id, code, WINDOW_CLOSED, window, window + after_window))
        elif pilot_end is not None and pilot_end + after_end <= today:
            due.append(Due(jobseeker_id, code, PILOT_ENDED, pilot_end, pilot_end + after_end))
    return due


def retention_apply(*, today: date | None = None, actor=None, progress=None) -> dict[str, int]:
    """Erase everyone due; return the counts. One erasure per transaction: a failure leaves that
    person as they were (and is logged by record id) and the others are still erased.
    ``progress(done, total)`` is called after each person."""
    due = retention_due(today=today)
    counts = {"due": len(due), "erased": 0, "skipped": 0, "failed": 0}
    for number, item in enumerate(due, start=1):
        try:
            erase_jobseeker(
                Jobseeker.objects.get(pk=item.jobseeker_id),
                reason=item.erasure_reason(),
                actor=actor,
                trigger=ErasureTrigger.RETENTION,
            )
        except (ErasureRefused, Jobseeker.DoesNotExist):
            counts["skipped"] += 1  # erased (or gone) meanwhile
        except Exception:
            counts["failed"] += 1
            logger.exception("retention: erasing jobseeker %s failed", item.jobseeker_id)
        else:
            counts["erased"] += 1
        if progress is not None:
            progress(number, len(due))
    logger.info("retention: %s", counts)
    return counts


def retention_run(*, run_id: int | None = None, task_id: str = "", worker: str = ""):
    """Run the retention job under a lease: a new run (nightly), or run ``run_id`` (sent again
    by the reaper). Returns the run, or None when this delivery has nothing to do."""
    from kernel.job_model import JobStatus
    from kernel.jobs import JobLost, job_claim, job_done, job_failed, job_update

    if run_id is None:
        busy = [
            run
            for run in RetentionRun.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
            if not run.lease_expired
        ]
        if busy:
            logger.info("retention: run %s is under way; nothing to do", busy[0].pk)
            return None
        run_id = RetentionRun.objects.create(heartbeat_at=timezone.now()).pk
    run = job_claim(RetentionRun, pk=run_id, task_id=task_id, worker=worker)
    if run is None:
        return None

    def progress(done: int, total: int) -> None:
        job_update(run, progress=min(99, done * 100 // max(total, 1)))

    try:
        counts = retention_apply(progress=progress)
        job_done(run, counts=counts)
    except JobLost:
        logger.warning("retention run %s was taken over; stopping", run.pk)
        return None
    except Exception as exc:
        job_failed(run, error=type(exc).__name__)
        raise
    run.refresh_from_db()
    return run
