"""Telling reporting that the data behind the outflow figures changed.

Services that save jobseekers, placements, benefit periods or municipalities call
``figures_changed()``. After the transaction commits, one recomputation of today's snapshot is
scheduled a little later; a burst of saves (a jobcoach's session, an import) gives one run,
because only the first save of a burst gets to set the pending marker in the cache.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

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
    from celery import current_app

    task = current_app.tasks[TASK_NAME]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Demo mode without a broker: run it here and now, once per commit.
        task.apply(kwargs={"trigger": "data_change"})
    else:
        task.apply_async(kwargs={"trigger": "data_change"}, countdown=delay)
