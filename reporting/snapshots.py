"""Computing and storing metrics snapshots: the one write path of ``reporting``."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilot.models import PilotSettings

from .metrics import MetricsRows, metrics_as_json_dict, metrics_from_rows
from .models import MetricsSnapshot
from .selectors import all_municipalities_metrics_rows

logger = logging.getLogger(__name__)


def data_fingerprint(rows: MetricsRows, pilot: PilotSettings) -> str:
    """A hash of everything the rules read, independent of row order."""
    digest = hashlib.sha256()
    digest.update(repr((str(pilot.target_ratio.normalize()), pilot.follow_up_months)).encode())
    for table in (rows.municipalities, rows.jobseekers, rows.placements, rows.benefit_periods):
        digest.update(b"\x1e")
        for line in sorted(map(repr, table)):
            digest.update(line.encode())
            digest.update(b"\n")
    return digest.hexdigest()


def snapshot_compute(*, as_of: date, trigger: str) -> tuple[MetricsSnapshot, bool]:
    """Store the figures as of ``as_of`` for the data as it is now; return (snapshot, created).

    Idempotent: when a snapshot for this date and this exact data exists, it is returned and
    nothing is written (the figures would be identical).
    """
    pilot = PilotSettings.load()
    rows = all_municipalities_metrics_rows()
    fingerprint = data_fingerprint(rows, pilot)
    existing = MetricsSnapshot.objects.filter(as_of=as_of, data_fingerprint=fingerprint).first()
    if existing is not None:
        return existing, False
    started = time.perf_counter()
    result = metrics_from_rows(
        rows=rows,
        as_of=as_of,
        target_ratio=pilot.target_ratio,
        follow_up_months=pilot.follow_up_months,
    )
    figures = metrics_as_json_dict(result)
    duration_ms = round((time.perf_counter() - started) * 1000)
    try:
        with transaction.atomic():
            snapshot = MetricsSnapshot.objects.create(
                as_of=as_of,
                computed_at=timezone.now(),
                data_fingerprint=fingerprint,
                source_rows={
                    "municipalities": len(rows.municipalities),
                    "jobseekers": len(rows.jobseekers),
                    "placements": len(rows.placements),
                    "benefit_periods": len(rows.benefit_periods),
                },
                trigger=trigger,
                duration_ms=duration_ms,
                figures=figures,
            )
    except IntegrityError:
        # A concurrent run stored the same date and data first: theirs is ours.
        return MetricsSnapshot.objects.get(as_of=as_of, data_fingerprint=fingerprint), False
    logger.info("metrics snapshot %s as of %s stored (%s ms)", snapshot.pk, as_of, duration_ms)
    return snapshot, True


def latest_snapshot(*, as_of: date) -> MetricsSnapshot | None:
    """The most recently computed snapshot for ``as_of``, or None."""
    return MetricsSnapshot.objects.filter(as_of=as_of).order_by("-computed_at").first()


SNAPSHOT_REQUEST_SECONDS = 300


def request_snapshot(as_of: date, *, requested_by=None) -> None:
    """Ask the worker for the figures as of ``as_of``, once per few minutes per date.

    Pages and the API call this when no snapshot exists yet: they never compute in the request.
    A request that would queue a computation counts against ``requested_by``'s limit
    (``TooManyRequests`` past it); one already queued for that date costs nothing.
    """
    from django.core.cache import cache

    from pilot.ratelimits import work_limit

    key = f"reporting:snapshot-requested:{as_of.isoformat()}"
    if cache.get(key) is not None:
        return
    if requested_by is not None:
        work_limit(user=requested_by, action="snapshot")
    if cache.add(key, "1", timeout=SNAPSHOT_REQUEST_SECONDS):
        from .models import SnapshotTrigger
        from .tasks import compute_metrics_snapshot

        compute_metrics_snapshot.delay(as_of=as_of.isoformat(), trigger=SnapshotTrigger.ON_DEMAND)
