from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        # Register the tasks in every process, so that they can be sent and run by name, and
        # connect the worker's heartbeat and job-lease thread to Celery's worker signals.
        from . import monitor, tasks  # noqa: F401
