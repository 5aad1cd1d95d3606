"""Celery tasks of placements: the import from the browser. Each is a thin shell."""

from __future__ import annotations

from celery import shared_task

from kernel.jobs import JOB_TASK_OPTIONS


@shared_task(
    name="placements.run_import",
    # The import checks keys and references across municipalities; a jobcoach's upload is
    # limited to their municipalities by the import's own scope (access.import_scope).
    pilot_wide="an import checks and writes every municipality's rows",
    **JOB_TASK_OPTIONS,
)
def run_import(self, *, run_id: int) -> dict:
    """Run one confirmed import; return its status and counts (never a row's data)."""
    from .imports.browser import import_execute

    run = import_execute(
        run_id=run_id, task_id=self.request.id or "", worker=self.request.hostname or ""
    )
    if run is None:
        return {"run_id": run_id, "skipped": True}
    return {"run_id": run.pk, "status": run.status, "counts": run.counts}


@shared_task(
    name="placements.expire_import_uploads",
    pilot_wide="expiry looks at the uploads of every municipality",
)
def expire_import_uploads() -> int:
    """Delete uploaded import files (and the cell values in their problems) past their time."""
    from .imports.browser import import_runs_expire

    return import_runs_expire()
