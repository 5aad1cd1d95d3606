from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Jobseekers and placements")

    def ready(self) -> None:
        # Register the import task in every process, so that it can be sent by name.
        from kernel.jobs import register_job

        from . import tasks  # noqa: F401
        from .models import ImportRun

        # A confirmed CSV import from the browser is a job like a report (kernel/jobs.py).
        register_job(ImportRun, "placements.run_import", "run_id")
