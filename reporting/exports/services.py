"""Requesting and running research exports: the write path behind the page, task and command."""

from __future__ import annotations

import logging
import secrets
from datetime import date
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from municipalities.access import access_for
from municipalities.services import audit_record
from reporting.models import ExportStatus, ResearchExport

from .build import build_research_export, validate_as_of

logger = logging.getLogger(__name__)

EXPORT_DIRECTORY = "research_exports"


def export_request(*, as_of: date, format: str, language: str, requested_by) -> ResearchExport:
    """Store the request and queue its build once the surrounding transaction commits."""
    from reporting.tasks import build_research_export as build_task

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
    # After commit: the worker must find the row it is asked to build.
    transaction.on_commit(lambda: build_task.delay(export_id=export.pk))
    return export


def export_run(*, export_id: int) -> ResearchExport:
    """Build one requested export. Idempotent: a finished export is returned as it is."""
    with transaction.atomic():
        export = ResearchExport.objects.select_for_update().get(pk=export_id)
        if export.status == ExportStatus.DONE:
            return export
        export.status = ExportStatus.RUNNING
        export.progress = 0
        export.error = ""
        export.save(update_fields=["status", "progress", "error"])

    # Date, format and a random part: the name says nothing about a person and is not guessable.
    name = (
        f"{EXPORT_DIRECTORY}/research-export-{export.as_of.isoformat()}-{export.format}-"
        f"{secrets.token_hex(8)}.zip"
    )
    # The files stay on the server's own disk (FileSystemStorage in every settings module):
    # the zip is built in place rather than copied.
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)

    def progress(percent: int) -> None:
        ResearchExport.objects.filter(pk=export.pk).update(progress=percent)

    try:
        row_counts = build_research_export(
            as_of=export.as_of,
            format=export.format,
            path=path,
            language=export.language,
            progress=progress,
        )
    except Exception as exc:
        # The error text names the kind of failure only: a message could quote row values.
        logger.exception("research export %s failed", export.pk)
        ResearchExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        audit_record(
            actor=export.requested_by,
            action="research_export.failed",
            object_type="research_export",
            object_ref=str(export.pk),
            as_of=export.as_of.isoformat(),
            format=export.format,
        )
        raise
    export.refresh_from_db()
    export.file.name = name
    export.status = ExportStatus.DONE
    export.progress = 100
    export.row_counts = row_counts
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "progress", "row_counts", "finished_at"])
    audit_record(
        actor=export.requested_by,
        action="research_export.built",
        object_type="research_export",
        object_ref=str(export.pk),
        as_of=export.as_of.isoformat(),
        format=export.format,
        rows=row_counts,
    )
    logger.info("research export %s built: %s rows", export.pk, sum(row_counts.values()))
    return export


def may_download(user, export: ResearchExport) -> bool:
    """Programme admins may download every export; a researcher only the ones they made."""
    access = access_for(user)
    if access.is_programme_admin:
        return True
    return access.is_researcher and export.requested_by_id == user.pk


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
