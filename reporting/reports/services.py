"""Requesting and rendering progress reports: the one write path for ``ProgressReport``."""

from __future__ import annotations

import gc
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kernel.jobs import JobLost, job_claim, job_done, job_enqueue, job_failed, job_update

from ..models import (
    MetricsSnapshot,
    ProgressReport,
    ReportKind,
    ReportStatus,
    ReportTrigger,
    SnapshotTrigger,
)
from ..snapshots import current_snapshots, snapshot_compute
from .content import report_content
from .pdf import html_to_pdf

logger = logging.getLogger(__name__)


def report_request(
    *,
    kind: str,
    as_of: date,
    municipality=None,
    requested_by=None,
    rerender: bool = False,
    trigger: str = ReportTrigger.ON_DEMAND,
    enqueue: bool = True,
) -> tuple[ProgressReport, bool]:
    """Find or queue the report of ``kind`` as of ``as_of``; return (report, queued).

    Idempotent: a stored (or queued, or running) report of the same kind, date and municipality
    is returned as it is, unless ``rerender`` asks for a new rendering of a finished one. A
    failed report is queued again. The render task is sent after the transaction commits.
    """
    if (kind == ReportKind.MUNICIPALITY) != (municipality is not None):
        raise ValueError("a municipality report needs a municipality; the others take none")
    with transaction.atomic():
        report, created = ProgressReport.objects.select_for_update().get_or_create(
            kind=kind,
            as_of=as_of,
            municipality=municipality,
            defaults={"requested_by": requested_by, "trigger": trigger},
        )
        if not created:
            # A report whose worker died is asked again too, instead of "already stored".
            again = (
                report.status == ReportStatus.FAILED
                or (rerender and report.status == ReportStatus.DONE)
                or report.lease_expired
            )
            if not again:
                return report, False
            report.status = ReportStatus.QUEUED
            report.progress = 0
            report.error = ""
            report.requested_by = requested_by
            report.trigger = trigger
            report.finished_at = None
            report.attempts = 0
            report.heartbeat_at = timezone.now()  # queued now (kernel/jobs.py)
            report.save(
                update_fields=[
                    "status",
                    "progress",
                    "error",
                    "requested_by",
                    "trigger",
                    "finished_at",
                    "attempts",
                    "heartbeat_at",
                ]
            )
        if enqueue:
            # After commit; when the broker cannot take it the report is failed at once with
            # the reason, and asking again queues it again (kernel/jobs.py).
            job_enqueue(report)
    return report, True


@dataclass
class RenderTimings:
    render_ms: int
    peak_memory_kb: int
    pages_bytes: int
    phases_ms: dict[str, int]
    cpu_ms: int  # this process's CPU time: steadier than wall time on a busy machine


def _progress(report: ProgressReport, value: int, **fields) -> None:
    # Fenced by the run's attempt: a cancelled or replaced run stops here (JobLost).
    job_update(report, progress=value, **fields)


def report_render(*, report_id: int, task_id: str = "", worker: str = "") -> RenderTimings | None:
    """Render the queued report ``report_id`` into its PDF file; return time and peak memory.

    Idempotent: a report that is done, failed or being rendered by another live run is left
    alone (None). The file has one name per report, written over by a second run, so a run
    killed half-way leaves no stray file. The figures come from the stored snapshot for the
    report's date; when there is none yet it is computed here first (in the worker, never in
    a request).
    """
    report = job_claim(ProgressReport, pk=report_id, task_id=task_id, worker=worker)
    if report is None:
        return None
    started = time.perf_counter()
    started_cpu = time.process_time()
    memory = PeakMemory()
    memory.start()
    _progress(report, 5, started_at=timezone.now())
    try:
        snapshot = report_snapshot(as_of=report.as_of)
        if snapshot is None:
            snapshot, _created = snapshot_compute(
                as_of=report.as_of, trigger=SnapshotTrigger.ON_DEMAND
            )
        _progress(report, 25, snapshot_id=snapshot.pk)
        # Reports are Dutch whoever asks: they are sent on to the funder and the municipalities.
        phases = {"snapshot": time.perf_counter() - started}
        with translation.override("nl"):
            content = report_content(report, snapshot)
            phases["content"] = time.perf_counter() - started - sum(phases.values())
            _progress(report, 45)
            html = render_to_string(content.template, content.context)
            attachments = content.attachments
            phases["html"] = time.perf_counter() - started - sum(phases.values())
            # The snapshot's participant list (tens of thousands of dicts at national scale)
            # is not needed any more: free it before WeasyPrint needs its memory.
            snapshot_id = snapshot.pk
            del snapshot, content
            gc.collect()
            _progress(report, 55)
            pdf = html_to_pdf(html, attachments)
            phases["pdf"] = time.perf_counter() - started - sum(phases.values())
        _progress(report, 90)
        name = report_file_name(report)
        # Written over, never beside: the name is the report's own (no random suffix).
        if report.file and report.file.name != name:
            report.file.delete(save=False)
        default_storage.delete(name)
        report.file.name = default_storage.save(name, ContentFile(pdf))
    except JobLost:
        memory.stop()
        logger.warning("report %s: this run was cancelled or replaced; stopped", report.pk)
        return None
    except Exception as exc:
        memory.stop()
        logger.exception("report %s failed", report.pk)
        job_failed(report, error=f"{type(exc).__name__}: {exc}")
        raise
    peak_kb = memory.stop()
    render_ms = round((time.perf_counter() - started) * 1000)
    try:
        job_done(
            report,
            file=report.file.name,
            snapshot_id=snapshot_id,
            render_ms=render_ms,
            peak_memory_kb=peak_kb,
        )
    except JobLost:
        logger.warning("report %s: cancelled while rendering; result dropped", report.pk)
        return None
    logger.info("report %s rendered in %s ms (peak %s kB)", report.pk, render_ms, peak_kb)
    return RenderTimings(
        render_ms=render_ms,
        peak_memory_kb=peak_kb,
        pages_bytes=len(pdf),
        phases_ms={name: round(seconds * 1000) for name, seconds in phases.items()},
        cpu_ms=round((time.process_time() - started_cpu) * 1000),
    )


# What a report does not read of a snapshot: the dashboard's rendered HTML and the per-scope
# documents (reporting.snapshot_parts). At national scale they are over 4 MB of JSON that would
# be parsed into the worker's memory only to be thrown away.
REPORT_UNREAD = ("dashboard_html", "pilot_figures", "pilot_savings")


def report_snapshot(*, as_of: date) -> MetricsSnapshot | None:
    """The latest snapshot for ``as_of`` (``snapshots.latest_snapshot``) with what a report
    reads: the figures, their as-of parts, and the savings without their list of participants
    (1.3 MB of JSON nationally, the list the API pages through; a report shows aggregates only).

    Read-only: a report never saves a snapshot, and this one must not be saved (its savings
    lack that list).
    """
    snapshot = (
        current_snapshots(as_of=as_of)
        .order_by("-computed_at")
        .defer(*REPORT_UNREAD, "savings")
        .annotate(
            report_savings=RawSQL("savings - 'participants'", [], output_field=models.JSONField())
        )
        .first()
    )
    if snapshot is not None:
        snapshot.savings = snapshot.report_savings
        del snapshot.report_savings
    return snapshot


def report_file_name(report: ProgressReport) -> str:
    """The report's one file name: kind, date and municipality code (never a person)."""
    return f"reports/{report.download_name()}"


class PeakMemory:
    """The process's peak resident memory while rendering, sampled every 10 ms.

    ``ru_maxrss`` only ever grows over the worker's life, so it cannot tell one report's peak;
    sampling the current RSS does (WeasyPrint's memory is mostly outside Python's allocator, so
    tracemalloc would miss it).
    """

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def current_kb() -> int:
        try:
            with open("/proc/self/statm") as statm:
                pages = int(statm.read().split()[1])
        except OSError:
            import resource

            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        import os

        return pages * os.sysconf("SC_PAGE_SIZE") // 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.current_kb())
            self._stop.wait(0.01)

    def start(self) -> None:
        self.peak_kb = self.current_kb()
        self._thread.start()

    def stop(self) -> int:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
        self.peak_kb = max(self.peak_kb, self.current_kb())
        return self.peak_kb
