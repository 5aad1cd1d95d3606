"""Celery tasks of privacy. Each is a thin shell around one service."""

from __future__ import annotations

from celery import shared_task


# As reports and exports: acknowledged when finished and handed back when the worker dies; the
# run is claimed under a lease, so a second delivery does nothing unless the first run died.
@shared_task(
    name="privacy.apply_retention",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    pilot_wide="retention erases whoever is due, in every municipality",
)
def apply_retention(self, *, run_id: int | None = None) -> dict:
    """Erase whose retention period passed (nightly); return the run's counts."""
    from .retention import retention_run

    run = retention_run(
        run_id=run_id, task_id=self.request.id or "", worker=self.request.hostname or ""
    )
    if run is None:
        return {"run_id": run_id, "skipped": True}
    return {"run_id": run.pk, "status": run.status, "counts": run.counts}
