"""The pilot's own settings: one row that the programme admin edits, not constants in code."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The settings row of PilotSettings.held, for the block that holds it.
_HELD: ContextVar = ContextVar("pilot_settings_held", default=None)


class PilotSettings(models.Model):
    # A singleton: the check constraint keeps the table at one row with id 1.
    name = models.CharField(
        _("name"), max_length=200, default="Social Return door 'Kleine' Ondernemers"
    )
    target_ratio = models.DecimalField(
        _("target ratio"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of planned places that should leave benefits (0.5 = 50 of 100)."),
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up after the internship (months)"), default=12
    )
    internship_min_months = models.PositiveSmallIntegerField(
        _("shortest internship (months)"), default=3
    )
    internship_max_months = models.PositiveSmallIntegerField(
        _("longest internship (months)"), default=6
    )
    interns_per_entrepreneur = models.PositiveSmallIntegerField(
        _("interns per entrepreneur at a time"), default=1, validators=[MinValueValidator(1)]
    )
    budget_eur = models.DecimalField(
        _("funder budget (EUR)"), max_digits=12, decimal_places=2, default=Decimal("100000")
    )
    # The cost of coaching, besides the budget (issue 14): what an hour of an IMK coach and of a
    # jobcoach costs, and the jobcoach hours one participant takes. The defaults are planning
    # figures for the pilot (an hour of professional support at about EUR 75 and EUR 70, a
    # jobcoach's intake, matching and follow-up at about 24 hours per participant); the programme
    # admin sets the pilot's own. IMK hours are not a setting: they are the guidance sessions'
    # recorded minutes.
    imk_hourly_rate_eur = models.DecimalField(
        _("IMK coach hourly rate (EUR)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("75"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The cost of one hour of IMK guidance; the hours are the sessions' minutes."),
    )
    jobcoach_hourly_rate_eur = models.DecimalField(
        _("jobcoach hourly rate (EUR)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    jobcoach_hours_per_participant = models.DecimalField(
        _("jobcoach hours per participant"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("24"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "The jobcoach's time for one participant, from intake to the end of follow-up."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pilot settings")
        verbose_name_plural = _("pilot settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="pilotsettings_singleton"),
            models.CheckConstraint(
                condition=models.Q(internship_min_months__lte=models.F("internship_max_months")),
                name="pilotsettings_internship_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "PilotSettings":
        """The settings row, created with the pilot's defaults on first use (or the row
        ``held`` reads once for a run of many rows)."""
        held = _HELD.get()
        if held is not None:
            return held
        obj, created = cls.objects.get_or_create(pk=1)
        if created:
            obj.refresh_from_db()  # decimals as the database holds them (0.500, not 0.5)
        return obj

    @classmethod
    @contextmanager
    def held(cls) -> Iterator["PilotSettings"]:
        """Within the block ``load()`` returns one row read once: for the import, which checks
        thousands of rows with the same settings (a model's ``clean()`` loads them per row)."""
        # Read, not created: the block may be rolled back (a dry run) and leave nothing behind.
        token = _HELD.set(cls.objects.filter(pk=1).first() or cls(pk=1))
        try:
            yield _HELD.get()
        finally:
            _HELD.reset(token)
