"""The Celery workers' sign of life, for /health/ (written by reporting/monitor.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.access import ALL, register


class WorkerHeartbeat(models.Model):
    """One row per worker node: when it last said it was alive."""

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))
    started_at = models.DateTimeField(_("started at"))

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.hostname


# Only the programme admin reads them (in the admin); the worker's monitor writes them.
register(
    "reporting.WorkerHeartbeat",
    read=lambda a: ALL if a.is_programme_admin else None,
    write=lambda a: None,
)
