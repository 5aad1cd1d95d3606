"""Stored PDF progress reports: rendered by a Celery worker, listed and downloaded by role."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.job_model import BackgroundJob, JobStatus
from municipalities.access import ALL, register


class ReportKind(models.TextChoices):
    FUNDER = "funder", _("funder report")
    RESEARCH = "research", _("research report")
    MUNICIPALITY = "municipality", _("municipality report")


ReportStatus = JobStatus


class ReportTrigger(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    ON_DEMAND = "on_demand", _("on demand")
    COMMAND = "command", _("command line")


def report_upload_to(report: "ProgressReport", filename: str) -> str:
    # The file name carries kind, date and municipality code only: never a person.
    return f"reports/{filename}"


class ProgressReport(BackgroundJob):
    """One PDF report of one kind as of one date (and, for a municipality report, one place).

    There is one row per kind, date and municipality: rendering it again replaces the file in
    the same row, so the list never shows two versions of the same report.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    as_of = models.DateField(_("as of"))
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("municipality"),
    )
    snapshot = models.ForeignKey(
        "reporting.MetricsSnapshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("metrics snapshot"),
    )
    trigger = models.CharField(
        _("trigger"), max_length=16, choices=ReportTrigger.choices, default=ReportTrigger.ON_DEMAND
    )
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=200)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    render_ms = models.PositiveIntegerField(_("render time (ms)"), default=0)
    peak_memory_kb = models.PositiveIntegerField(_("peak memory (kB)"), default=0)

    class Meta:
        ordering = ["-as_of", "kind", "municipality__code"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "as_of", "municipality"],
                name="report_one_per_kind_date_municipality",
                nulls_distinct=False,
            ),
            # A municipality report belongs to one municipality; the others to the whole pilot.
            models.CheckConstraint(
                condition=(Q(kind="municipality") & Q(municipality__isnull=False))
                | (~Q(kind="municipality") & Q(municipality__isnull=True)),
                name="report_municipality_only_for_municipality_kind",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        suffix = f" {self.municipality.code}" if self.municipality_id else ""
        return f"{self.get_kind_display()} {self.as_of}{suffix}"

    def download_name(self) -> str:
        suffix = f"-{self.municipality.code}" if self.municipality_id else ""
        return f"{self.kind}-report-{self.as_of.isoformat()}{suffix}.pdf"


def _read_reports(a):
    """domain.md: programme admin all; jobcoach their municipality's report; funder the funder
    reports; researcher the research reports; IMK coach none."""
    if a.is_programme_admin:
        return ALL
    parts = []
    if a.is_funder:
        parts.append(Q(kind=ReportKind.FUNDER))
    if a.is_researcher:
        parts.append(Q(kind=ReportKind.RESEARCH))
    if a.is_jobcoach:
        parts.append(
            Q(kind=ReportKind.MUNICIPALITY, municipality_id__in=sorted(a.jobcoach_municipality_ids))
        )
    if not parts:
        return None
    result = parts[0]
    for part in parts[1:]:
        result |= part
    return result


# Rows are written by the report service only (requests go through it, never a form on the row).
register("reporting.ProgressReport", read=_read_reports, write=lambda a: None)
