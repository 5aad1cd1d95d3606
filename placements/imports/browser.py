"""Importing from the browser: upload, dry run, confirmation, the import as a job, expiry.

The rules are those of the command (``import_folder``, all or nothing, every problem with its
file, line and column); this adds who may import what (``access.import_scope``), where the
files wait (a private folder per upload), the record of every import (``ImportRun``) and the
job that runs a confirmed import on the worker with its progress.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from kernel.jobs import JobLost, job_claim, job_done, job_enqueue, job_failed, job_retry
from municipalities.access import import_scope
from municipalities.services import audit_record

from ..models import IMPORT_PROBLEMS, ImportPhase, ImportRun, ImportStatus
from .kinds import KINDS_BY_FILE
from .run import ImportResult, import_folder

logger = logging.getLogger(__name__)

# How long the progress of a running import is kept in the cache (it lives there, not in the
# row, because the import's own transaction holds its writes until the end).
PROGRESS_SECONDS = 6 * 3600
# Errors after which the same files can be started again (the queue or the worker failed).
RETRYABLE_FAILURES = frozenset({"queue_unavailable", "worker_lost_final"})


class NotAllowedToImport(Exception):
    """The user holds no role that imports."""


def upload_folder(run: ImportRun) -> Path:
    return Path(settings.IMPORT_UPLOAD_ROOT) / run.upload_dir


def progress_key(run: ImportRun) -> str:
    return f"import-progress:{run.pk}"


def import_progress(run: ImportRun) -> int:
    """How far the import is, in percent."""
    if run.status == ImportStatus.RUNNING:
        return int(cache.get(progress_key(run)) or 0)
    if run.status == ImportStatus.QUEUED:
        return 0
    return run.progress


def import_upload(*, user, files: dict, ignored: int = 0) -> ImportRun:
    """Store the uploaded ``files`` (data-exchange.md name -> uploaded file) in a private
    folder and queue their check (a dry run on the worker); return the record.

    Only ``user``'s rows may be in the files (a jobcoach: their municipalities' people).
    """
    scope = import_scope(user)
    if scope is None:
        raise NotAllowedToImport
    unknown = set(files) - set(KINDS_BY_FILE)
    if unknown or not files:
        raise ValueError(f"not import files: {sorted(unknown)}")
    token = secrets.token_hex(16)
    folder = Path(settings.IMPORT_UPLOAD_ROOT) / token
    folder.mkdir(parents=True, mode=0o700)
    sizes = []
    for name, upload in files.items():
        with (folder / name).open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        sizes.append({"name": name, "size": upload.size})
    with transaction.atomic():
        run = ImportRun.objects.create(
            requested_by=user,
            phase=ImportPhase.CHECK,
            status=ImportStatus.QUEUED,
            all_municipalities=scope.municipality_ids is None,
            files=sorted(sizes, key=lambda item: list(KINDS_BY_FILE).index(item["name"])),
            ignored_files=ignored,
            upload_dir=token,
            language=translation.get_language() or "",
            expires_at=timezone.now() + timedelta(hours=settings.IMPORT_UPLOAD_KEEP_HOURS),
            heartbeat_at=timezone.now(),
        )
        if scope.municipality_ids is not None:
            run.municipalities.set(sorted(scope.municipality_ids))
        audit_record(
            actor=user,
            action="import.uploaded",
            object_type="import_run",
            object_ref=str(run.pk),
            files=[item["name"] for item in run.files],
        )
        job_enqueue(run)
    return run


def may_confirm(user, run: ImportRun) -> bool:
    """Only the person who uploaded the files confirms them (the check was made for them),
    while the files are kept; a check or import that the queue or worker failed can be
    started again the same way."""
    if run.requested_by_id != user.pk or not run.upload_dir:
        return False
    if run.expires_at is None or run.expires_at <= timezone.now():
        return False
    if run.status == ImportStatus.CHECKED:
        return True
    return run.status == ImportStatus.FAILED and run.error in RETRYABLE_FAILURES


def import_confirm(*, run: ImportRun, user) -> bool:
    """Queue the real import of a checked upload (or start a failed check or import again);
    False when this run cannot be confirmed (any more)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if not may_confirm(user, run):
            return False
        if run.status == ImportStatus.FAILED:
            if not job_retry(run):
                return False
            action = "import.retried"
        else:
            run.phase = ImportPhase.IMPORT
            run.status = ImportStatus.QUEUED
            run.progress = 0
            run.attempts = 0
            run.confirmed_by = user
            run.confirmed_at = timezone.now()
            run.heartbeat_at = run.confirmed_at
            run.save(
                update_fields=[
                    *("phase", "status", "progress", "attempts"),
                    *("confirmed_by", "confirmed_at", "heartbeat_at"),
                ]
            )
            job_enqueue(run)
            action = "import.confirmed"
        audit_record(actor=user, action=action, object_type="import_run", object_ref=str(run.pk))
    return True


def import_execute(*, run_id: int, task_id: str = "", worker: str = "") -> ImportRun | None:
    """Run the check or the confirmed import of an upload on the worker, all or nothing;
    None when this run must do nothing (done, cancelled, or run by another live worker)."""
    waiting = (ImportStatus.QUEUED, ImportStatus.RUNNING)
    if not ImportRun.objects.filter(pk=run_id, status__in=waiting).exists():
        # Checked, expired, done or failed: a message delivered again finds nothing to do
        # (job_claim itself only knows done and failed).
        return None
    run = job_claim(ImportRun, pk=run_id, task_id=task_id, worker=worker)
    if run is None:
        return None
    folder = upload_folder(run)
    person = run.requested_by if run.phase == ImportPhase.CHECK else run.confirmed_by
    scope = import_scope(person)
    if scope is None or not run.upload_dir or not folder.is_dir():
        # The person lost their role, or the files are gone: nothing can be imported.
        job_failed(run, error="not_possible")
        _delete_files(run)
        return None
    key = progress_key(run)
    shown = {"percent": -1}

    def progress(done: int, total: int) -> None:
        # The last percent is written with the result.
        percent = min(99, done * 100 // total) if total else 0
        if percent != shown["percent"]:
            shown["percent"] = percent
            cache.set(key, percent, PROGRESS_SECONDS)

    def finish(result: ImportResult) -> None:
        # In the import's transaction: the data and "done" are committed together, and a run
        # that lost the job (cancelled, replaced) writes nothing (JobLost rolls it all back).
        job_done(run, counts=_counts(result), problems=[], problem_count=0)

    checking = run.phase == ImportPhase.CHECK
    try:
        with translation.override(run.language or None):
            result = import_folder(
                folder,
                dry_run=checking,
                scope=scope,
                progress=progress,
                actor=run.confirmed_by,
                audit={"object_ref": str(run.pk)},
                before_commit=None if checking else finish,
            )
    except JobLost:
        logger.warning("import %s: cancelled or replaced; stopped", run.pk)
        cache.delete(key)
        return None
    except Exception as exc:
        logger.exception("import %s failed", run.pk)
        job_failed(run, error=type(exc).__name__)
        cache.delete(key)
        raise
    _keep_problems(run, result)
    if checking:
        fields = {
            "status": ImportStatus.PROBLEMS if result.problems else ImportStatus.CHECKED,
            "check_counts": _counts(result),
        }
    elif result.problems:
        fields = {"status": ImportStatus.FAILED, "error": IMPORT_PROBLEMS}
    else:
        fields = {}
    if fields:
        # Fenced as every write of a job (kernel/jobs.py): a cancelled run writes nothing.
        ImportRun.objects.filter(
            pk=run.pk, status=ImportStatus.RUNNING, attempts=run.attempts
        ).update(
            problems=run.problems,
            problem_count=run.problem_count,
            progress=100,
            heartbeat_at=timezone.now(),
            finished_at=None if fields["status"] == ImportStatus.CHECKED else timezone.now(),
            **fields,
        )
    # Only now: until the result is written, a polling page reads the progress from here.
    cache.delete(key)
    logger.info(
        "import %s %s: %s problems", run.pk, "checked" if checking else "run", run.problem_count
    )
    # Checked files wait for the confirmation; after problems or the import they are not needed.
    if not checking or result.problems:
        _delete_files(run)
    run.refresh_from_db()
    return run


def import_runs_expire(*, now=None) -> int:
    """Delete the files of uploads whose time is up (confirmed or not), and the messages of
    their problems (which may quote a cell); file, line and column stay. Return how many."""
    now = now or timezone.now()
    expired = 0
    for run in ImportRun.objects.filter(expires_at__lt=now).exclude(
        status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)
    ):
        _delete_files(run)
        ImportRun.objects.filter(pk=run.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.EXPIRED
        )
        ImportRun.objects.filter(pk=run.pk).update(
            expires_at=None,
            problems=[[file, line, column, ""] for file, line, column, _m in run.problems],
        )
        expired += 1
    return expired


def _counts(result: ImportResult) -> dict:
    return {counts.file: counts.as_dict() for counts in result.files}


def _keep_problems(run: ImportRun, result: ImportResult) -> None:
    run.problems = [[p.file, p.line, p.column, p.message] for p in result.problems]
    run.problem_count = len(result.problems)


def _delete_files(run: ImportRun) -> None:
    if not run.upload_dir:
        return
    shutil.rmtree(upload_folder(run), ignore_errors=True)
    ImportRun.objects.filter(pk=run.pk).update(upload_dir="")
    run.upload_dir = ""
