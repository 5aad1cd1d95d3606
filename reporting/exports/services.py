"""Requesting and running research exports: the write path behind the page, task and command."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from kernel.jobs import (
    JobLost,
    job_claim,
    job_done,
    job_enqueue,
    job_failed,
    job_retry,
    job_update,
)
from municipalities.access import access_for
from municipalities.services import audit_record
from reporting.models import ExportStatus, ResearchExport

from .build import build_research_export, record_export, validate_as_of

logger = logging.getLogger(__name__)

EXPORT_DIRECTORY = "research_exports"


def export_request(*, as_of: date, format: str, language: str, requested_by) -> ResearchExport:
    """Store the request and queue its build once the surrounding transaction commits."""
    validate_as_of(as_of)
    export = ResearchExport.objects.create(
        as_of=as_of, format=format, language=language, requested_by=requested_by
    )
    audit_record(
        actor=requested_by,
        action="research_export.requested",
        object_type="research_export",
        object_ref=str(export.pk),
        as_of=as_of.isoformat(),
        format=format,
    )
    # After commit: the worker must find the row it is asked to build. When the broker cannot
    # take it, the export is failed at once with the reason and can be started again.
    job_enqueue(export)
    return export


def export_retry(*, export: ResearchExport, user) -> bool:
    """Start a failed (or stalled) export again, as the same row; False when it is not."""
    if not job_retry(export):
        return False
    audit_record(
        actor=user,
        action="research_export.retried",
        object_type="research_export",
        object_ref=str(export.pk),
        as_of=export.as_of.isoformat(),
        format=export.format,
    )
    return True


def export_file_name(export: ResearchExport) -> str:
    """The export's one file name: date, format and a part derived from its id with a secret,
    so that it says nothing about a person and cannot be guessed, yet a second run of the same
    export writes over the first instead of leaving a second file."""
    tag = hmac.new(
        settings.SECRET_KEY.encode(), f"research-export:{export.pk}".encode(), hashlib.sha256
    ).hexdigest()[:16]
    return (
        f"{EXPORT_DIRECTORY}/research-export-{export.as_of.isoformat()}-{export.format}-{tag}.zip"
    )


def export_run(*, export_id: int, task_id: str = "", worker: str = "") -> ResearchExport | None:
    """Build one requested export. Idempotent: an export that is done, failed or being built
    by another live run is left alone (None)."""
    export = job_claim(ResearchExport, pk=export_id, task_id=task_id, worker=worker)
    if export is None:
        return None

    name = export_file_name(export)
    # The files stay on the server's own disk (FileSystemStorage in every settings module):
    # the zip is built in place rather than copied (next to it as .part, then renamed).
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(percent: int) -> None:
        job_update(export, progress=percent)

    try:
        row_counts = build_research_export(
            as_of=export.as_of,
            format=export.format,
            path=path,
            language=export.language,
            progress=progress,
        )
    except JobLost:
        logger.warning("research export %s: cancelled or replaced; stopped", export.pk)
        return None
    except Exception as exc:
        # The error text names the kind of failure only: a message could quote row values.
        logger.exception("research export %s failed", export.pk)
        job_failed(export, error=type(exc).__name__)
        audit_record(
            actor=export.requested_by,
            action="research_export.failed",
            object_type="research_export",
            object_ref=str(export.pk),
            as_of=export.as_of.isoformat(),
            format=export.format,
        )
        raise
    try:
        # Done and its audit record in one commit: whoever sees it done finds the record too.
        with transaction.atomic():
            job_done(export, file=name, row_counts=row_counts)
            record_export(
                as_of=export.as_of,
                actor=export.requested_by,
                route="reporting.build_research_export",
            )
            audit_record(
                actor=export.requested_by,
                action="research_export.built",
                object_type="research_export",
                object_ref=str(export.pk),
                as_of=export.as_of.isoformat(),
                format=export.format,
                rows=row_counts,
            )
    except JobLost:
        logger.warning("research export %s: cancelled while building; result dropped", export.pk)
        return None
    export.refresh_from_db()
    logger.info("research export %s built: %s rows", export.pk, sum(row_counts.values()))
    return export


def may_download(user, export: ResearchExport) -> bool:
    """Programme admins may download every export; a researcher only the ones they made."""
    access = access_for(user)
    if access.is_programme_admin:
        return True
    return access.is_researcher and export.requested_by_id == user.pk


def may_retry(user, export: ResearchExport) -> bool:
    """Who may download an export may start it again (the same rule)."""
    return may_download(user, export)


def downloadable_exports(user):
    access = access_for(user)
    exports = ResearchExport.objects.filter(status=ExportStatus.DONE)
    if access.is_programme_admin:
        return exports
    if access.is_researcher:
        return exports.filter(requested_by=user)
    return exports.none()


def export_download_logged(*, export: ResearchExport, user) -> None:
    audit_record(
        actor=user,
        action="research_export.downloaded",
        object_type="research_export",
        object_ref=str(export.pk),
        as_of=export.as_of.isoformat(),
        format=export.format,
        rows=export.row_counts,
    )
