"""Stored outflow figures, so that pages and reports never compute them during a request."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SnapshotTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("nightly")
    DATA_CHANGE = "data_change", _("after a data change")
    ON_DEMAND = "on_demand", _("on demand")


class MetricsSnapshot(models.Model):
    """The figures of ``outflow-metrics.md`` as of one date, from one state of the data.

    ``data_fingerprint`` is a hash of every input row and pilot setting the rules read, and of
    ``figures_as_of``: the same date and the same data give the same fingerprint, which is what
    keeps recomputation idempotent (one snapshot per date and state of the data).
    """

    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    data_fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    source_rows = models.JSONField(
        _("rows read"), default=dict, help_text=_("Number of rows read per table.")
    )
    trigger = models.CharField(_("trigger"), max_length=16, choices=SnapshotTrigger.choices)
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"), default=0)
    # The metrics JSON of data-exchange.md: totals, per municipality and per participant (refs
    # only, no names). Pages for the funder and researchers read only the aggregates.
    figures = models.JSONField(_("figures"))
    # The placement funnel, the guidance and the completeness counts as of the same date, per
    # municipality code (reporting.as_of_figures): the dashboard and the reports read them here
    # rather than from the live tables, so a report rendered again shows the same figures.
    # Empty only in snapshots stored before these were added.
    figures_as_of = models.JSONField(_("funnel, guidance and completeness"), default=dict)
    # The savings JSON of benefit-savings.md from the same computation, with "curve": the
    # cumulative savings per month end and the day they reached the budget (savings.savings_curve).
    # Empty only in snapshots stored before the savings were added.
    savings = models.JSONField(_("benefit savings"), default=dict)

    class Meta:
        ordering = ["-as_of", "-computed_at"]
        verbose_name = _("metrics snapshot")
        verbose_name_plural = _("metrics snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "data_fingerprint"], name="snapshot_one_per_date_and_data"
            ),
        ]
        indexes = [models.Index(fields=["as_of", "-computed_at"], name="snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.computed_at:%Y-%m-%d %H:%M})"

    @property
    def totals(self) -> dict:
        return self.figures["totals"]
