"""Celery tasks of reporting. Each is a thin shell around one service.

Every task runs in the database scope it declares (``municipalities.db_scope``): these all read
across municipalities, so each says ``pilot_wide=`` and why. A task without it sees no
municipality's rows.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from kernel.figures import REFRESH_PENDING_KEY
from kernel.jobs import JOB_TASK_OPTIONS

from .models import SnapshotTrigger
from .snapshots import snapshot_compute

logger = logging.getLogger(__name__)


@shared_task(
    name="reporting.compute_metrics_snapshot",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    pilot_wide="the figures are computed from every municipality's rows",
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


@shared_task(
    name="reporting.render_progress_report",
    pilot_wide="reports are made from the stored figures of every municipality",
    **JOB_TASK_OPTIONS,
)
def render_progress_report(self, *, report_id: int) -> dict:
    """Render one queued report; return its render time and peak memory (for the benchmark)."""
    from .reports.services import report_render

    timings = report_render(
        report_id=report_id, task_id=self.request.id or "", worker=self.request.hostname or ""
    )
    if timings is None:
        return {"report_id": report_id, "skipped": True}
    return {
        "report_id": report_id,
        "render_ms": timings.render_ms,
        "peak_memory_kb": timings.peak_memory_kb,
        "bytes": timings.pages_bytes,
        "phases_ms": timings.phases_ms,
        "cpu_ms": timings.cpu_ms,
    }


@shared_task(
    name="reporting.render_monthly_reports",
    pilot_wide="the month's reports are queued for every municipality",
)
def render_monthly_reports(*, as_of: str | None = None) -> list[int]:
    """Queue the month's reports as of the last day of the previous month: the funder report,
    the research report and one report per municipality. Reports already stored stay as
    they are."""
    from municipalities.models import Municipality

    from .models import ReportKind, ReportTrigger
    from .reports.services import report_request

    today = timezone.localdate()
    day = date.fromisoformat(as_of) if as_of else today.replace(day=1) - timedelta(days=1)
    ids = []
    for kind in (ReportKind.FUNDER, ReportKind.RESEARCH):
        report, _queued = report_request(kind=kind, as_of=day, trigger=ReportTrigger.MONTHLY)
        ids.append(report.pk)
    for municipality in Municipality.objects.order_by("code"):
        report, _queued = report_request(
            kind=ReportKind.MUNICIPALITY,
            as_of=day,
            municipality=municipality,
            trigger=ReportTrigger.MONTHLY,
        )
        ids.append(report.pk)
    logger.info("monthly reports as of %s: %s queued or stored", day, len(ids))
    return ids


@shared_task(
    name="reporting.build_research_export",
    pilot_wide="the research export covers every municipality (pseudonymised)",
    **JOB_TASK_OPTIONS,
)
def build_research_export(self, *, export_id: int) -> dict:
    """Build one requested research export; return its rows per table."""
    from .exports.services import export_run

    export = export_run(
        export_id=export_id, task_id=self.request.id or "", worker=self.request.hostname or ""
    )
    if export is None:
        return {"export_id": export_id, "skipped": True}
    return {"export_id": export.pk, "status": export.status, "rows": export.row_counts}
