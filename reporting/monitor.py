"""A thread in every Celery worker: its heartbeat, its jobs' leases and the stale-job reaper.

It runs in the worker's main process (started on ``worker_ready``), beside the task being
run, so a long render still renews its lease, and a worker killed with -9 stops renewing at
once: within JOB_LEASE_SECONDS its job is noticed by any live worker (or by this one when it
is started again) and queued again or failed (kernel/jobs.py). No beat process is needed
for that. Every JOB_HEARTBEAT_SECONDS it:

- writes the worker's row in WorkerHeartbeat (read by /health/; a week-old row is dropped),
- renews the lease of the jobs this worker runs,
- reaps jobs whose lease expired and queued jobs whose message was lost.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

_stop = threading.Event()


def monitor_beat(*, hostname: str, started_at) -> None:
    """One round of the monitor (also called by tests)."""
    from kernel.jobs import jobs_reap, jobs_renew

    from .models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": now, "started_at": started_at}
    )
    # Workers of past deploys (containers get new host names) drop out of the list after a week.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=7)).delete()
    jobs_renew(worker=hostname)
    counts = jobs_reap()
    if any(counts.values()):
        logger.warning("job reaper: %s", counts)


def _run(hostname: str) -> None:
    started_at = timezone.now()
    while not _stop.is_set():
        try:
            close_old_connections()
            monitor_beat(hostname=hostname, started_at=started_at)
        except Exception:
            # The database or broker may be away for a moment: try again next round.
            logger.exception("worker monitor round failed")
        _stop.wait(settings.JOB_HEARTBEAT_SECONDS)
    connection.close()


@worker_ready.connect
def _start_monitor(sender=None, **kwargs) -> None:
    hostname = getattr(sender, "hostname", None) or "unknown"
    _stop.clear()
    threading.Thread(target=_run, args=(hostname,), name="pilot-monitor", daemon=True).start()


@worker_shutdown.connect
def _stop_monitor(**kwargs) -> None:
    _stop.set()
