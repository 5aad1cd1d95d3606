from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The AVG's own concerns: the processing log, a person's requests, erasure and retention."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from reporting.jobs import register_job

        from .models import RetentionRun

        # The retention run is a job like a report: claimed under a lease, renewed, reaped.
        register_job(RetentionRun, "privacy.apply_retention", "run_id")
