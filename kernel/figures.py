"""Telling reporting that the data behind the outflow figures changed.

Services that save jobseekers, placements, benefit periods or municipalities call
``figures_changed()``. After the transaction commits, one recomputation of today's snapshot is
scheduled a little later; a burst of saves (a jobcoach's session, an import) gives one run,
because only the first save of a burst gets to set the pending marker in the cache.

The write has committed by then: when the broker cannot be reached the refresh is dropped (the
next save or the nightly run recomputes the figures) and the save still succeeds.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from .queue import send_task

REFRESH_PENDING_KEY = "reporting:metrics-refresh-pending"
TASK_NAME = "reporting.compute_metrics_snapshot"


def figures_changed() -> None:
    # Once per transaction: skip when the callback is already waiting for this commit.
    if any(func is _schedule_refresh for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_schedule_refresh)


def _schedule_refresh() -> None:
    delay = settings.METRICS_REFRESH_DELAY_SECONDS
    if not cache.add(REFRESH_PENDING_KEY, "1", timeout=delay + 300):
        return  # a run is already scheduled and will see this change
    # By name, so that the domain apps do not import reporting.
    if not send_task(TASK_NAME, kwargs={"trigger": "data_change"}, countdown=delay):
        # Not queued: let the next save try again rather than wait for the marker to expire.
        cache.delete(REFRESH_PENDING_KEY)
