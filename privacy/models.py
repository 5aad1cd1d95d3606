"""The AVG's records: the processing log (verwerkingenlog), a person's requests (restriction
of processing, erasure) and the runs of the retention job (written by
municipalities/processing_log.py, erasure.py and retention.py).

The processing log, in the spirit of the VNG standard Verwerkingenlogging: who (a user, an API
client or a system actor such as a management command), what (the action), why (the processing
activity), through which route or command, when and with what result, and about whom. The people
are linked by foreign key (``ProcessingSubject``), never copied: the log holds no names, contact
details or references, so an erasure that anonymises the person's row leaves nothing behind in
the log. Append-only: a database trigger refuses UPDATE and DELETE on both tables.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.job_model import BackgroundJob
from municipalities.access import ALL, register
from municipalities.processing_enums import Action, Activity, Result


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
    erased. It runs under the same lease as reports and exports (kernel/jobs.py)."""

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


class ProcessingEntry(models.Model):
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # A person signed in, or else a system actor's label (a management command's name, the
    # worker's task). The write API's clients will get a reference of their own next to these.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("system actor"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    activity = models.CharField(_("processing activity"), max_length=32, choices=Activity.choices)
    # The route's name (placements:jobseeker_detail) or the command's: never a URL with its
    # parameters.
    route = models.CharField(_("route or command"), max_length=100, blank=True)
    result = models.CharField(
        _("result"), max_length=16, choices=Result.choices, default=Result.SUCCESS
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("processing log entry")
        verbose_name_plural = _("processing log")
        indexes = [models.Index(fields=["activity", "at"], name="processing_activity_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.route}"

    @property
    def actor_display(self) -> str:
        if self.actor_id is not None:
            return self.actor.get_full_name()
        return self.actor_label or "–"


class ProcessingSubject(models.Model):
    """One person whose data an entry processed (a list of 25 names: 25 of these)."""

    entry = models.ForeignKey(
        ProcessingEntry, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("entry")
    )
    jobseeker = models.ForeignKey(
        "placements.Jobseeker",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jobseeker"),
    )

    class Meta:
        verbose_name = _("processed person")
        verbose_name_plural = _("processed people")
        constraints = [
            models.UniqueConstraint(fields=["entry", "jobseeker"], name="processing_subject_once")
        ]
        indexes = [models.Index(fields=["jobseeker", "entry"], name="processing_subject_person")]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.jobseeker_id}"


def _read_log(a):
    # The privacy officer reads the whole log (pilot-wide); the programme admin in the admin.
    return ALL if a.is_privacy_officer or a.is_programme_admin else None


# Append-only: nobody changes a row, written by municipalities.processing_log only.
register("privacy.ProcessingEntry", read=_read_log, write=lambda a: None)
register("privacy.ProcessingSubject", read=_read_log, write=lambda a: None)
