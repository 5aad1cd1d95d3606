"""Computing and storing metrics snapshots: the one write path of ``reporting``."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from kernel.models import PilotSettings

from .as_of_figures import all_municipalities_figures_as_of
from .changes import change_counters, fold_changes
from .costs import costs_as_json_dict
from .metrics import MetricsRows, metrics_as_json_dict, metrics_from_rows
from .models import MetricsSnapshot
from .rollout import rollout_basis
from .savings import savings_as_json_dict, savings_curve
from .selectors import all_municipalities_metrics_rows
from .snapshot_parts import scope_parts

logger = logging.getLogger(__name__)


def _settings_key(pilot: PilotSettings) -> bytes:
    return repr(
        (
            str(pilot.target_ratio.normalize()),
            pilot.follow_up_months,
            str(pilot.budget_eur.normalize()),
            str(pilot.imk_hourly_rate_eur.normalize()),
            str(pilot.jobcoach_hourly_rate_eur.normalize()),
            str(pilot.jobcoach_hours_per_participant.normalize()),
        )
    ).encode()


def counters_fingerprint(counters: dict[str, int], pilot: PilotSettings) -> str:
    """The pilot settings and the change counter of every table behind the figures
    (reporting.changes): equal for the same state of the data, different after any committed
    change to those tables, deletes included, at the cost of one query on a few rows."""
    digest = hashlib.sha256(b"counters\x1e")
    digest.update(_settings_key(pilot))
    digest.update(json.dumps(counters, sort_keys=True).encode())
    return digest.hexdigest()


def data_fingerprint(rows: MetricsRows, pilot: PilotSettings, figures_as_of: dict) -> str:
    """A hash of everything the rules read, independent of row order, and of the funnel,
    guidance and completeness figures: used where there are no change counters (the demo's
    SQLite)."""
    digest = hashlib.sha256()
    digest.update(_settings_key(pilot))
    for table in (rows.municipalities, rows.jobseekers, rows.placements, rows.benefit_periods):
        digest.update(b"\x1e")
        for line in sorted(map(repr, table)):
            digest.update(line.encode())
            digest.update(b"\n")
    digest.update(b"\x1e")
    digest.update(json.dumps(figures_as_of, sort_keys=True).encode())
    return digest.hexdigest()


def snapshot_compute(*, as_of: date, trigger: str) -> tuple[MetricsSnapshot, bool]:
    """Store the figures as of ``as_of`` for the data as it is now; return (snapshot, created).

    Idempotent: when a snapshot for this date and this exact data exists, it is returned and
    nothing is written (the figures would be identical).
    """
    pilot = PilotSettings.load()
    # The counters first, then the data (reporting.changes says why).
    counters = change_counters()
    if counters:
        fingerprint = counters_fingerprint(counters, pilot)
        existing = _stored(as_of, fingerprint)
        if existing is not None:
            return existing, False
    started = time.perf_counter()
    rows = all_municipalities_metrics_rows()
    figures_as_of = all_municipalities_figures_as_of(as_of=as_of)
    if not counters:
        fingerprint = data_fingerprint(rows, pilot, figures_as_of)
        existing = _stored(as_of, fingerprint)
        if existing is not None:
            return existing, False
    result = metrics_from_rows(
        rows=rows,
        as_of=as_of,
        target_ratio=pilot.target_ratio,
        follow_up_months=pilot.follow_up_months,
        budget=pilot.budget_eur,
    )
    figures = metrics_as_json_dict(result)
    savings = {**savings_as_json_dict(result.savings), "curve": savings_curve(result.savings)}
    # Beside the JSON of benefit-savings.md (never in it): the costs and the rollout's basis.
    savings["costs"] = costs_as_json_dict(
        figures=figures,
        savings=savings,
        guidance=figures_as_of["guidance"],
        budget=pilot.budget_eur,
        imk_hourly_rate=pilot.imk_hourly_rate_eur,
        jobcoach_hourly_rate=pilot.jobcoach_hourly_rate_eur,
        jobcoach_hours_per_participant=pilot.jobcoach_hours_per_participant,
    )
    savings["rollout"] = rollout_basis(
        participants=result.participants,
        savings=result.savings,
        as_of=as_of,
        follow_up_months=pilot.follow_up_months,
        planned_places=result.totals.planned_places,
        imk_minutes=savings["costs"]["totals"]["imk_minutes"],
    )
    parts = scope_parts(figures=figures, figures_as_of=figures_as_of, savings=savings)
    snapshot = MetricsSnapshot(
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
        figures=figures,
        figures_as_of=figures_as_of,
        savings=savings,
        pilot_figures=parts.pilot_figures,
        pilot_savings=parts.pilot_savings,
        change_counters=counters,
    )
    # Every scope's dashboard, rendered before the transaction (it takes longest).
    parts.render(snapshot)
    snapshot.duration_ms = round((time.perf_counter() - started) * 1000)
    try:
        with transaction.atomic():
            snapshot.save()
            parts.store(snapshot)
        fold_changes()
    except IntegrityError:
        # A concurrent run stored the same date and data first: theirs is ours.
        return MetricsSnapshot.objects.get(as_of=as_of, data_fingerprint=fingerprint), False
    logger.info(
        "metrics snapshot %s as of %s stored (%s ms)", snapshot.pk, as_of, snapshot.duration_ms
    )
    return snapshot, True


def _stored(as_of: date, fingerprint: str) -> MetricsSnapshot | None:
    """The current snapshot of this date and data, without reading its documents (a caller
    that uses them reads them when it does)."""
    return (
        current_snapshots(as_of=as_of)
        .filter(data_fingerprint=fingerprint)
        .only("id", "as_of", "computed_at", "data_fingerprint", "trigger")
        .first()
    )


def current_snapshots(*, as_of: date):
    """The snapshots for ``as_of`` that hold every figure the pages and reports show: one
    stored before the funnel, guidance and completeness (or the savings) were kept with the
    figures is computed again rather than shown with those missing; so is one stored before the
    costs and the rollout's basis were kept beside the savings, and one stored before each
    scope's part was kept beside the document (reporting.snapshot_parts)."""
    return MetricsSnapshot.objects.filter(as_of=as_of, complete=True)


def latest_snapshot(*, as_of: date) -> MetricsSnapshot | None:
    """The most recently computed snapshot for ``as_of``, or None."""
    return current_snapshots(as_of=as_of).order_by("-computed_at").first()


SNAPSHOT_REQUEST_SECONDS = 300


def request_snapshot(as_of: date, *, requested_by=None) -> bool:
    """Ask the worker for the figures as of ``as_of``, once per few minutes per date; return
    False when the worker cannot be reached (the broker is down), so the page can say so.

    Pages and the API call this when no snapshot exists yet: they never compute in the request.
    A request that would queue a computation counts against ``requested_by``'s limit
    (``TooManyRequests`` past it); one already queued for that date costs nothing.
    """
    from django.core.cache import cache

    from kernel.queue import send_task
    from kernel.ratelimits import work_limit

    from .models import SnapshotTrigger

    key = f"reporting:snapshot-requested:{as_of.isoformat()}"
    if cache.get(key) is not None:
        return True  # asked a moment ago
    if requested_by is not None:
        work_limit(user=requested_by, action="snapshot")
    if not cache.add(key, "1", timeout=SNAPSHOT_REQUEST_SECONDS):
        return True  # another request asked just now
    queued = send_task(
        "reporting.compute_metrics_snapshot",
        kwargs={"as_of": as_of.isoformat(), "trigger": SnapshotTrigger.ON_DEMAND},
    )
    if not queued:
        cache.delete(key)  # the next page view asks again
    return queued


def snapshot_before(*, as_of: date) -> MetricsSnapshot | None:
    """The most recent stored figures of an earlier date: shown while newer ones cannot be
    computed."""
    return (
        MetricsSnapshot.objects.filter(as_of__lt=as_of)
        .order_by("-as_of", "-computed_at")
        .only("id", "as_of", "computed_at")
        .first()
    )
