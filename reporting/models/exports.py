"""Research exports: zips of pseudonymised, labelled tables built by a Celery worker."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.job_model import BackgroundJob, JobStatus
from municipalities.access import ALL, register


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (.xlsx)")
    SAV = "sav", _("SPSS (.sav)")
    DTA = "dta", _("Stata (.dta)")


ExportStatus = JobStatus


class ExportLanguage(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


def export_upload_to(export: "ResearchExport", filename: str) -> str:
    # The name carries format, date and a random part only (build.py chooses it), never a person.
    return f"research_exports/{filename}"


class ResearchExport(BackgroundJob):
    """One export request: what was asked, by whom, how far the build is and its file."""

    as_of = models.DateField(_("as of"))
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    language = models.CharField(
        _("label language"),
        max_length=2,
        choices=ExportLanguage.choices,
        default=ExportLanguage.NL,
        help_text=_("Language of the variable and value labels inside the files."),
    )
    # Rows per table, e.g. {"participants": 80, "placements": 85, ...}: counts, never data.
    row_counts = models.JSONField(_("rows per table"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True, max_length=200)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("research export")
        verbose_name_plural = _("research exports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="export_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.as_of}"

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    def download_name(self) -> str:
        return f"research-export-{self.as_of.isoformat()}-{self.format}.zip"


def _read_exports(a):
    # The export page decides per row who may download (exports/services.py); the admin (and
    # any other row read) goes through this: programme admins all, a researcher their own.
    if a.is_programme_admin:
        return ALL
    if a.is_researcher and a.user_id:
        return Q(requested_by_id=a.user_id)
    return None


# Rows are written by the export service only.
register("reporting.ResearchExport", read=_read_exports, write=lambda a: None)
