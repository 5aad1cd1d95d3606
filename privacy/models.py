"""The processing log (verwerkingenlog): one entry per processing of people's data.

In the spirit of the VNG standard Verwerkingenlogging: who (a user, or a system actor such as a
management command), what (the action), why (the processing activity), through which route or
command, when and with what result, and about whom. The people are linked by foreign key
(``ProcessingSubject``), never copied: the log holds no names, contact details or references,
so an erasure that anonymises the person's row leaves nothing behind in the log.

Append-only: a database trigger refuses UPDATE and DELETE on both tables (migration 0001).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.access import ALL, register

from .enums import Action, Activity, Result


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


# Append-only: nobody changes a row, written by privacy.log only.
register("privacy.ProcessingEntry", read=_read_log, write=lambda a: None)
register("privacy.ProcessingSubject", read=_read_log, write=lambda a: None)
