"""What reports and exports share: the state of the Celery job that produces the file."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


# Reasons that kernel/jobs.py stores in ``error``; shown translated (BackgroundJob.reason).
QUEUE_UNAVAILABLE = "queue_unavailable"
WORKER_LOST = "worker_lost"
WORKER_LOST_FINAL = "worker_lost_final"
CANCELLED = "cancelled"
REASONS = {
    QUEUE_UNAVAILABLE: _(
        "Background processing is unavailable at the moment, so this could not be started. "
        "Please try again in a few minutes."
    ),
    WORKER_LOST: _("The worker stopped while making this; it has been started again."),
    WORKER_LOST_FINAL: _(
        "The worker stopped every time it made this, so it was given up. Please try again; "
        "if it fails again, contact the programme admin."
    ),
    CANCELLED: _("Cancelled by the programme admin."),
}
UNEXPECTED = _("An error stopped this. Please try again; the programme admin can see the details.")


class BackgroundJob(models.Model):
    """The state a job's row carries while a worker makes its file: status, progress, error,
    who asked and when. Reports and exports add what they are about and their file."""

    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The lease (kernel/jobs.py): the number of runs started, which worker and task message
    # run it now, and its last sign of life (when it was queued, then renewed while it runs).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def reason(self) -> str:
        """What the user is told about a failure or a restart ("" when there is nothing).
        Other errors stay in the admin: their text is for the programme admin, not the page."""
        if not self.error:
            return ""
        return str(REASONS.get(self.error, UNEXPECTED))

    @property
    def lease_expired(self) -> bool:
        """A running job whose worker stopped renewing its lease: it stopped or hangs."""
        if self.status != JobStatus.RUNNING:
            return False
        if self.heartbeat_at is None:
            return True
        age = (timezone.now() - self.heartbeat_at).total_seconds()
        return age > settings.JOB_LEASE_SECONDS
