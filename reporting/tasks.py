"""Celery tasks of reporting. Each is a thin shell around one service."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from pilot.figures import REFRESH_PENDING_KEY

from .models import SnapshotTrigger
from .snapshots import snapshot_compute

logger = logging.getLogger(__name__)


@shared_task(
    name="reporting.compute_metrics_snapshot",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def compute_metrics_snapshot(*, as_of: str | None = None, trigger: str = SnapshotTrigger.NIGHTLY):
    """Compute (or find) the snapshot as of ``as_of`` (default: today) and return its id."""
    if trigger == SnapshotTrigger.DATA_CHANGE:
        # Clear the burst marker first: a change saved while this runs schedules a new run.
        cache.delete(REFRESH_PENDING_KEY)
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    snapshot, created = snapshot_compute(as_of=day, trigger=trigger)
    logger.info("snapshot %s as of %s %s", snapshot.pk, day, "created" if created else "unchanged")
    return snapshot.pk
