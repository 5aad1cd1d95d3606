"""Stored outflow figures, so that pages and reports never compute them during a request."""

from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.access import ALL, register


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
    # What a request of the whole pilot reads, so that it never parses the participants' lists
    # above (issue 17): ``figures`` without "participants", ``savings`` without "participants"
    # and "rollout", and the dashboard's figures rendered per "language:suppress_small". Each
    # municipality's share is a SnapshotMunicipality row. Empty only in snapshots stored before.
    pilot_figures = models.JSONField(_("figures of the whole pilot"), default=dict)
    pilot_savings = models.JSONField(_("savings of the whole pilot"), default=dict)
    dashboard_html = models.JSONField(_("dashboard of the whole pilot"), default=dict)
    # The change counters of the tables behind the figures when they were read
    # (reporting.changes): the cheap part of ``data_fingerprint``.
    change_counters = models.JSONField(_("change counters"), default=dict)
    # Whether the snapshot holds every figure the pages and reports show (see
    # reporting.snapshots.current_snapshots), kept by the database on every write: asking the
    # documents themselves on each dashboard request would unpack the savings (megabytes at
    # national scale) only to find one key.
    complete = models.GeneratedField(
        expression=ExpressionWrapper(
            ~Q(figures_as_of={}) & Q(savings__has_key="rollout") & ~Q(pilot_figures={}),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )

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


class SnapshotMunicipality(models.Model):
    """One municipality's share of a snapshot, written with it by the snapshot task, so that a
    jobcoach's request (and a page of participants) reads its own rows only, not the document.

    Every value is a slice of the snapshot's JSON, unchanged: its row of ``figures`` and of
    ``savings`` ("municipalities"), its row of the costs, its funnel, guidance and completeness
    counts, and its participants of both lists (sorted by ref).
    """

    snapshot = models.ForeignKey(
        MetricsSnapshot, on_delete=models.CASCADE, related_name="municipality_parts"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("code"), max_length=16)
    figures = models.JSONField(_("figures"))
    savings = models.JSONField(_("benefit savings"))
    costs = models.JSONField(_("costs"), default=dict)
    figures_as_of = models.JSONField(_("funnel, guidance and completeness"), default=dict)
    participants = models.JSONField(_("participants"), default=list)
    savings_participants = models.JSONField(_("participants' savings"), default=list)
    # The dashboard of this municipality alone, rendered per "language:suppress_small".
    dashboard_html = models.JSONField(_("dashboard"), default=dict)

    class Meta:
        ordering = ["snapshot", "code"]
        verbose_name = _("municipality's share of a snapshot")
        verbose_name_plural = _("municipalities' shares of snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "code"], name="snapshot_part_one_per_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.code}"


class SnapshotParticipantChunk(models.Model):
    """A stretch of the whole pilot's participants' list (``figures`` or ``savings``), in the
    list's own order (by ref), so that a page of it reads one or two of these, not the list.
    Holds people of every municipality: read for the programme admin and pilot-wide clients
    only (like the snapshot itself)."""

    snapshot = models.ForeignKey(
        MetricsSnapshot, on_delete=models.CASCADE, related_name="participant_chunks"
    )
    savings = models.BooleanField(default=False)  # a stretch of savings["participants"]
    start = models.PositiveIntegerField()  # the index in the list of its first participant
    participants = models.JSONField(default=list)

    class Meta:
        ordering = ["snapshot", "savings", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "savings", "start"], name="snapshot_chunk_one_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{'savings' if self.savings else 'figures'}:{self.start}"


class TableChange(models.Model):
    """Changes to the tables behind the figures: a trigger adds a row (``changes`` = 1) for
    every statement that inserts, updates, deletes or truncates rows of one of them, in the
    writer's transaction, so a change counts when, and only when, it commits. Rows are only
    added (no writer waits for another); the snapshot task folds them into one row per table
    (``reporting.changes``), which keeps each table's sum of ``changes``: the counter that the
    snapshot's fingerprint is made of."""

    id = models.BigAutoField(primary_key=True)
    table = models.CharField(max_length=63)
    changes = models.BigIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["table"], name="table_change_table")]

    def __str__(self) -> str:
        return f"{self.table}: {self.changes}"


# Like the snapshot itself: the programme admin reads rows (in the admin); requests read them
# through reporting's API and dashboard, the snapshot task writes them.
def _admin_only(a):
    return ALL if a.is_programme_admin else None


register("reporting.SnapshotMunicipality", read=_admin_only, write=lambda a: None)
register("reporting.SnapshotParticipantChunk", read=_admin_only, write=lambda a: None)
register("reporting.TableChange", read=lambda a: None, write=lambda a: None)
