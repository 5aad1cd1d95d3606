"""Research exports: zips of pseudonymised, labelled tables built by a Celery worker."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .jobs import JobStatus


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


class ResearchExport(models.Model):
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
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Rows per table, e.g. {"participants": 80, "placements": 85, ...}: counts, never data.
    row_counts = models.JSONField(_("rows per table"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True, max_length=200)
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
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    def download_name(self) -> str:
        return f"research-export-{self.as_of.isoformat()}-{self.format}.zip"
