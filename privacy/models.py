"""A person's requests under the AVG: restriction of processing and erasure, and the runs of
the retention job that erases what is kept too long (privacy/erasure.py, privacy/retention.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models.jobs import BackgroundJob


class Restriction(models.Model):
    """A restriction of processing (art. 18): while it exists, only the privacy officer and the
    programme admin open the person and their records (municipalities/access.py). The figures
    still count them. Lifting it deletes the row; both are in the audit log.

    ``reason`` says why (a request, a dispute of accuracy) without personal details; it is
    removed with the rest when the person is erased.
    """

    jobseeker = models.OneToOneField(
        "placements.Jobseeker",
        on_delete=models.CASCADE,
        related_name="restriction",
        verbose_name=_("jobseeker"),
    )
    # Copied from the jobseeker: every tenant-owned table carries its municipality.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    restricted_at = models.DateTimeField(_("restricted at"), default=timezone.now)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("restricted by"),
    )
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["-restricted_at"]
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="restriction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.jobseeker_id} {self.restricted_at:%Y-%m-%d}"


class ErasureTrigger(models.TextChoices):
    REQUEST = "request", _("the person's request")
    RETENTION = "retention", _("retention period passed")


class Erasure(models.Model):
    """That a person's data was erased (art. 17): when, by whom, why; never who it was.

    The jobseeker row stays, under a new random reference and without name, birth date (only
    its year is kept), client number, contact details or free text, so that every figure is
    unchanged. Its existence marks the row as erased: it cannot be erased again.
    """

    jobseeker = models.OneToOneField(
        "placements.Jobseeker",
        on_delete=models.CASCADE,
        related_name="erasure",
        verbose_name=_("jobseeker"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    trigger = models.CharField(_("because of"), max_length=16, choices=ErasureTrigger.choices)
    reason = models.CharField(_("reason"), max_length=500)
    # Rows changed per table, e.g. {"placements": 2, "progress_reviews": 3}: counts only.
    counts = models.JSONField(_("rows changed"), default=dict, blank=True)
    # A keyed one-way digest of the old reference (privacy.erasure.ref_digest), so that a
    # municipality's file or API call with that reference is refused instead of bringing the
    # person back; the reference itself cannot be read from it.
    ref_digest = models.CharField(_("digest of the old reference"), max_length=64, db_index=True)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="erasure_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.jobseeker_id} {self.erased_at:%Y-%m-%d}"


class RetentionRun(BackgroundJob):
    """One run of the retention job (nightly, or asked for again): how far it is and what it
    erased. It runs under the same lease as reports and exports (reporting/jobs.py)."""

    # {"due": 3, "erased": 3, "failed": 0}: counts only.
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="retention_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
