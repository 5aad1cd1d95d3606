from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The AVG's own concerns: the processing log, a person's requests, erasure and retention."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from kernel.jobs import register_job
        from placements.services import (
            register_jobseeker_save_check,
            register_refs_refused_check,
        )

        from .erasure import any_erased_ref, refuse_erased
        from .models import RetentionRun

        # An erased person's record is not changed, and their reference not used again, by
        # any way in (pages, the import, the API): every jobseeker save asks this first.
        register_jobseeker_save_check(refuse_erased)
        register_refs_refused_check(any_erased_ref)

        # The retention run is a job like a report: claimed under a lease, renewed, reaped.
        register_job(RetentionRun, "privacy.apply_retention", "run_id")
