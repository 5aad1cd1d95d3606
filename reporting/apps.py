from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        # Register the tasks in every process, so that they can be sent and run by name, and
        # connect the worker's heartbeat and job-lease thread to Celery's worker signals.
        from kernel.jobs import register_job

        from . import monitor, tasks  # noqa: F401
        from .models import ProgressReport, ResearchExport

        # Reports and exports are jobs: claimed under a lease, renewed, reaped (kernel/jobs.py).
        register_job(ProgressReport, "reporting.render_progress_report", "report_id")
        register_job(ResearchExport, "reporting.build_research_export", "export_id")
