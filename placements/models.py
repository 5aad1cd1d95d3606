"""Jobseekers, their benefit periods, their internships and what happens during them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import Entrepreneur
from municipalities.models import Municipality, MunicipalityFromParent
from municipalities.validators import validate_ref
from pilot.models import PilotSettings

from .enums import (
    BenefitEndReason,
    BenefitType,
    ChangeSource,
    PlacementEndReason,
    PlacementStatus,
    ResearchConsent,
)
from .validators import (
    validate_benefit_period,
    validate_birth_date,
    validate_placement_state,
    validate_planned_duration,
)


class RulesBeforeConstraints:
    """For models whose check constraints each repeat a rule of ``validators.py``.

    ``full_clean()`` skips those constraints: the validators already report the same rules with
    a clear message at the right field, and Django would otherwise spend one query per check
    constraint per row. The database still enforces every constraint on save.
    """

    constraints_checked_by_service: frozenset[str] = frozenset()

    def get_constraints(self):
        return [
            (
                model,
                [
                    c
                    for c in constraints
                    if not isinstance(c, models.CheckConstraint)
                    and c.name not in self.constraints_checked_by_service
                ],
            )
            for model, constraints in super().get_constraints()
        ]


class Jobseeker(models.Model):
    """A person on benefits selected for the pilot. There is deliberately no BSN field."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="jobseekers",
        verbose_name=_("municipality"),
    )
    ref = models.CharField(_("reference"), max_length=64, unique=True, validators=[validate_ref])
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=150)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    client_number = models.CharField(_("client number"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    research_consent = models.CharField(
        _("research consent"),
        max_length=8,
        choices=ResearchConsent.choices,
        default=ResearchConsent.UNKNOWN,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (pilot.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["ref"]
        verbose_name = _("jobseeker")
        verbose_name_plural = _("jobseekers")
        indexes = [
            models.Index(fields=["municipality", "family_name"], name="jobseeker_mun_name"),
            models.Index(fields=["municipality", "ref"], name="jobseeker_mun_ref"),
        ]

    def __str__(self) -> str:
        # The reference, not the name: __str__ ends up in logs and error pages.
        return self.ref

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def clean(self) -> None:
        # Keyed by field, as every rule's error is: forms and the import show it at the field.
        try:
            validate_birth_date(self.birth_date, today=timezone.localdate())
        except ValidationError as exc:
            raise ValidationError({"birth_date": exc.error_list}) from None


class BenefitPeriod(RulesBeforeConstraints, MunicipalityFromParent, models.Model):
    municipality_parent = "jobseeker"
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    jobseeker = models.ForeignKey(
        Jobseeker,
        on_delete=models.CASCADE,
        related_name="benefit_periods",
        verbose_name=_("jobseeker"),
    )
    benefit_type = models.CharField(_("benefit type"), max_length=16, choices=BenefitType.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=BenefitEndReason.choices, blank=True
    )
    monthly_amount = models.DecimalField(
        _("monthly amount (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (pilot.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["jobseeker_id", "start_date", "benefit_type"]
        verbose_name = _("benefit period")
        verbose_name_plural = _("benefit periods")
        constraints = [
            models.UniqueConstraint(
                fields=["jobseeker", "benefit_type", "start_date"], name="benefit_period_key"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="benefit_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_reason=""))
                | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="benefit_end_reason_iff_end",
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__isnull=True) | Q(monthly_amount__gte=0),
                name="benefit_amount_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "jobseeker"], name="benefit_mun_jobseeker"),
        ]

    def __str__(self) -> str:
        return f"{self.jobseeker_id} {self.benefit_type} {self.start_date}"

    def clean(self) -> None:
        validate_benefit_period(
            start_date=self.start_date, end_date=self.end_date, end_reason=self.end_reason
        )


class Placement(RulesBeforeConstraints, MunicipalityFromParent, models.Model):
    """A jobseeker's internship at an entrepreneur (stage)."""

    municipality_parent = "jobseeker"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    ref = models.CharField(_("reference"), max_length=64, unique=True, validators=[validate_ref])
    jobseeker = models.ForeignKey(
        Jobseeker, on_delete=models.PROTECT, related_name="placements", verbose_name=_("jobseeker")
    )
    entrepreneur = models.ForeignKey(
        Entrepreneur,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("entrepreneur"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=24, choices=PlacementEndReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (pilot.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["ref"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=F("planned_start")), name="placement_planned_order"
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=F("actual_start")),
                name="placement_actual_order",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status__in=["proposed", "agreed", "cancelled"],
                        actual_start__isnull=True,
                        actual_end__isnull=True,
                    )
                    | Q(status="active", actual_start__isnull=False, actual_end__isnull=True)
                    | Q(
                        status__in=["completed", "terminated"],
                        actual_start__isnull=False,
                        actual_end__isnull=False,
                    )
                ),
                name="placement_dates_match_status",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=["terminated", "cancelled"]) & ~Q(end_reason=""))
                | (~Q(status__in=["terminated", "cancelled"]) & Q(end_reason="")),
                name="placement_end_reason_match_status",
            ),
            # One running placement per jobseeker, guarded by the database too.
            models.UniqueConstraint(
                fields=["jobseeker"],
                condition=Q(status="active"),
                name="placement_one_active_per_jobseeker",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="placement_mun_status"),
            models.Index(fields=["municipality", "planned_end"], name="placement_mun_planned_end"),
            models.Index(fields=["entrepreneur", "status"], name="placement_ent_status"),
        ]

    def __str__(self) -> str:
        return self.ref

    # Checked by the placement service with a message naming the clashing placement.
    constraints_checked_by_service = frozenset({"placement_one_active_per_jobseeker"})

    def clean(self) -> None:
        rules = PilotSettings.load()
        months = {
            "min_months": rules.internship_min_months,
            "max_months": rules.internship_max_months,
        }
        # Both checks run so that every problem is reported at once.
        errors: dict[str, list[ValidationError]] = {}
        for check, kwargs in (
            (
                validate_planned_duration,
                {"planned_start": self.planned_start, "planned_end": self.planned_end},
            ),
            (
                validate_placement_state,
                {
                    "status": self.status,
                    "actual_start": self.actual_start,
                    "actual_end": self.actual_end,
                    "end_reason": self.end_reason,
                },
            ),
        ):
            try:
                check(**kwargs, **months)
            except ValidationError as exc:
                for field, field_errors in exc.error_dict.items():
                    errors.setdefault(field, []).extend(field_errors)
        if errors:
            raise ValidationError(errors)


class PlacementStateChange(MunicipalityFromParent, models.Model):
    """Every status change of a placement: who, when, from, to."""

    municipality_parent = "placement"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="state_changes",
        verbose_name=_("placement"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=PlacementStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=PlacementStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=8, choices=ChangeSource.choices)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("placement state change")
        verbose_name_plural = _("placement state changes")
        indexes = [
            models.Index(fields=["municipality", "changed_at"], name="statechange_mun_at"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.from_status or '-'} -> {self.to_status}"


class ProgressReview(MunicipalityFromParent, models.Model):
    """A jobcoach's check-in on a running placement (voortgangsgesprek)."""

    municipality_parent = "placement"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="progress_reviews",
        verbose_name=_("placement"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("jobcoach"),
    )
    held_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (pilot.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("progress review")
        verbose_name_plural = _("progress reviews")
        indexes = [
            models.Index(fields=["municipality", "held_on"], name="review_mun_date"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.held_on}"
