"""Jobseekers, their benefit periods, their internships and what happens during them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import Entrepreneur
from kernel.dates import today
from kernel.job_model import BackgroundJob
from kernel.models import PilotSettings
from kernel.validators import not_in_future, validate_not_before_1900
from municipalities.models import (
    Municipality,
    MunicipalityFromParent,
    UniqueAcrossMunicipalities,
)
from municipalities.validators import validate_ref

from .enums import (
    READINESS_MAX,
    READINESS_MIN,
    BenefitCheckMonths,
    BenefitCheckOutcome,
    BenefitEndReason,
    BenefitType,
    ChangeSource,
    ConsentPurpose,
    ConsentSource,
    EvaluationHelped,
    EvaluationMissing,
    EvaluationOffer,
    PlacementEndReason,
    PlacementStatus,
    ResearchConsent,
    WouldHostAgain,
)
from .validators import (
    validate_benefit_check,
    validate_benefit_period,
    validate_birth_date,
    validate_choice_list,
    validate_host_evaluation,
    validate_placement_state,
    validate_planned_duration,
    validate_progress_review,
)


def _raise_all(*checks: tuple) -> None:
    """Run every ``(check, kwargs)`` and raise their field errors together, so that a form or
    an import line reports every problem of the row at once."""
    errors: dict[str, list[ValidationError]] = {}
    for check, kwargs in checks:
        try:
            check(**kwargs)
        except ValidationError as exc:
            for field, field_errors in exc.update_error_dict({}).items():
                errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def _facts_not_in_future(**fields) -> None:
    errors = not_in_future(fields, today=today())
    if errors:
        raise ValidationError(errors)


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


class Jobseeker(UniqueAcrossMunicipalities, models.Model):
    """A person on benefits selected for the pilot. There is deliberately no BSN field."""

    # Looked up through jobseeker_mun_name, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="jobseekers",
        verbose_name=_("municipality"),
        db_index=False,
    )
    ref = models.CharField(_("reference"), max_length=64, unique=True, validators=[validate_ref])
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=150)
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, validators=[validate_not_before_1900]
    )
    client_number = models.CharField(_("client number"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (kernel.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["ref"]
        verbose_name = _("jobseeker")
        verbose_name_plural = _("jobseekers")
        indexes = [
            models.Index(fields=["municipality", "family_name"], name="jobseeker_mun_name"),
            models.Index(fields=["municipality", "ref"], name="jobseeker_mun_ref"),
            # The pilot-wide list's order (issue 17): the page's keys from the index alone,
            # the row-level security check (municipality) included.
            models.Index(fields=["ref"], include=["id", "municipality"], name="jobseeker_ref_list"),
        ]

    def __str__(self) -> str:
        # The reference, not the name: __str__ ends up in logs and error pages.
        return self.ref

    @property
    def full_name(self) -> str:
        # An erased person (privacy.Erasure) has no name left: their new reference stands in.
        return f"{self.given_name} {self.family_name}".strip() or self.ref

    @property
    def research_consent(self) -> str:
        """yes, no or unknown (``ResearchConsent``), derived from the consent records as of
        today. Lists annotate it (``consents.with_research_consent``) instead of asking per row.
        Read-only: consent is given and withdrawn through ``placements.consents``."""
        annotated = self.__dict__.get("research_consent_status")
        if annotated is not None:
            return annotated
        records = list(
            self.consents.filter(purpose=ConsentPurpose.RESEARCH).values_list(
                "withdrawn_on", flat=True
            )
        )
        if not records:
            return ResearchConsent.UNKNOWN
        return ResearchConsent.YES if None in records else ResearchConsent.NO

    def get_research_consent_display(self) -> str:
        return str(ResearchConsent(self.research_consent).label)

    def clean(self) -> None:
        # Keyed by field, as every rule's error is: forms and the import show it at the field.
        try:
            validate_birth_date(self.birth_date, today=today())
        except ValidationError as exc:
            raise ValidationError({"birth_date": exc.error_list}) from None


class ConsentRecord(RulesBeforeConstraints, MunicipalityFromParent, models.Model):
    """One consent of a jobseeker for one purpose: given on a day, on a version of the
    information letter, by someone (or by a way in: the import, the API, the demo), and
    possibly withdrawn later.

    History is kept: a new consent is a new row, a withdrawal closes the open row, and no row is
    ever deleted by the application (only with the person, on erasure). At most one row per
    person and purpose is open. Written by ``placements.consents`` only.
    """

    municipality_parent = "jobseeker"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    jobseeker = models.ForeignKey(
        Jobseeker, on_delete=models.CASCADE, related_name="consents", verbose_name=_("jobseeker")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"), validators=[validate_not_before_1900])
    information_version = models.CharField(
        _("version of the information"),
        max_length=64,
        help_text=_("The version of the information letter the jobseeker was given."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    source = models.CharField(_("recorded through"), max_length=16, choices=ConsentSource.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, validators=[validate_not_before_1900]
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_source = models.CharField(
        _("withdrawn through"), max_length=16, choices=ConsentSource.choices, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawal recorded at"), null=True, blank=True)
    # Raised on every save; a withdrawal based on an older version is refused (kernel.versioning).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["jobseeker_id", "purpose", "-given_on", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["jobseeker", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_open_per_purpose",
                violation_error_message=_("Consent for this purpose has already been recorded."),
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=ConsentPurpose.values), name="consent_purpose_known"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_not_before_given",
            ),
            models.CheckConstraint(
                condition=(
                    Q(withdrawn_on__isnull=True, withdrawal_source="", withdrawn_at__isnull=True)
                    | Q(withdrawn_on__isnull=False, withdrawn_at__isnull=False)
                    & ~Q(withdrawal_source="")
                ),
                name="consent_withdrawal_complete",
            ),
            models.CheckConstraint(condition=~Q(information_version=""), name="consent_version"),
        ]
        indexes = [
            models.Index(fields=["municipality", "purpose"], name="consent_mun_purpose"),
        ]

    # Checked by the consent service, with a message that says since when it holds.
    constraints_checked_by_service = frozenset({"consent_one_open_per_purpose"})

    def __str__(self) -> str:
        return f"{self.jobseeker_id} {self.purpose} {self.given_on}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_on is None

    def holds_on(self, day) -> bool:
        """Given on or before ``day`` and not withdrawn on or before it."""
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)

    def clean(self) -> None:
        checks: list[tuple] = [
            (
                _facts_not_in_future,
                {"given_on": self.given_on, "withdrawn_on": self.withdrawn_on},
            )
        ]
        if self.given_on and self.withdrawn_on and self.withdrawn_on < self.given_on:
            checks.append((_withdrawn_before_given, {}))
        _raise_all(*checks)


def _withdrawn_before_given() -> None:
    raise ValidationError(
        {
            "withdrawn_on": ValidationError(
                _("A consent cannot be withdrawn before the day it was given."),
                code="withdrawn_before_given",
            )
        }
    )


class BenefitPeriod(RulesBeforeConstraints, MunicipalityFromParent, models.Model):
    municipality_parent = "jobseeker"
    # Looked up through benefit_mun_jobseeker, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
    )
    # Looked up through benefit_period_key, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    jobseeker = models.ForeignKey(
        Jobseeker,
        on_delete=models.CASCADE,
        related_name="benefit_periods",
        verbose_name=_("jobseeker"),
        db_index=False,
    )
    benefit_type = models.CharField(_("benefit type"), max_length=16, choices=BenefitType.choices)
    start_date = models.DateField(_("start date"), validators=[validate_not_before_1900])
    end_date = models.DateField(
        _("end date"), null=True, blank=True, validators=[validate_not_before_1900]
    )
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
    # Raised on every save; an edit based on an older version is refused (kernel.versioning).
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
            # The admin list's order (issue 17).
            models.Index(
                fields=["jobseeker", "start_date", "benefit_type"],
                include=["id", "municipality"],
                name="benefit_list_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jobseeker_id} {self.benefit_type} {self.start_date}"

    def clean(self) -> None:
        _raise_all(
            (_facts_not_in_future, {"start_date": self.start_date, "end_date": self.end_date}),
            (
                validate_benefit_period,
                {
                    "start_date": self.start_date,
                    "end_date": self.end_date,
                    "end_reason": self.end_reason,
                },
            ),
        )


class Placement(
    UniqueAcrossMunicipalities, RulesBeforeConstraints, MunicipalityFromParent, models.Model
):
    """A jobseeker's internship at an entrepreneur (stage)."""

    municipality_parent = "jobseeker"

    # Looked up through placement_mun_status, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
    )
    ref = models.CharField(_("reference"), max_length=64, unique=True, validators=[validate_ref])
    jobseeker = models.ForeignKey(
        Jobseeker, on_delete=models.PROTECT, related_name="placements", verbose_name=_("jobseeker")
    )
    # Looked up through placement_ent_status, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    entrepreneur = models.ForeignKey(
        Entrepreneur,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("entrepreneur"),
        db_index=False,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    planned_start = models.DateField(_("planned start"), validators=[validate_not_before_1900])
    planned_end = models.DateField(_("planned end"), validators=[validate_not_before_1900])
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    actual_start = models.DateField(
        _("actual start"), null=True, blank=True, validators=[validate_not_before_1900]
    )
    actual_end = models.DateField(
        _("actual end"), null=True, blank=True, validators=[validate_not_before_1900]
    )
    end_reason = models.CharField(
        _("end reason"), max_length=24, choices=PlacementEndReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (kernel.versioning).
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
            # The lists' orders (issue 17): newest planned start first on the pages, by
            # reference in the API and the admin; the page's keys from the index alone.
            models.Index(
                fields=["-planned_start", "ref"],
                include=["id", "municipality"],
                name="placement_list_order",
            ),
            models.Index(fields=["ref"], include=["id", "municipality"], name="placement_ref_list"),
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
        _raise_all(
            (
                validate_planned_duration,
                {"planned_start": self.planned_start, "planned_end": self.planned_end, **months},
            ),
            (
                validate_placement_state,
                {
                    "status": self.status,
                    "actual_start": self.actual_start,
                    "actual_end": self.actual_end,
                    "end_reason": self.end_reason,
                    **months,
                },
            ),
            # Planned dates may lie ahead; the actual ones are facts.
            (
                _facts_not_in_future,
                {"actual_start": self.actual_start, "actual_end": self.actual_end},
            ),
        )


class PlacementStateChange(MunicipalityFromParent, models.Model):
    """Every status change of a placement: who, when, from, to."""

    municipality_parent = "placement"

    # Looked up through statechange_mun_at, which starts with it: no index of its own
    # (each one slows every insert; issue 17).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
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
    changed_by_client = models.ForeignKey(
        "municipalities.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by API client"),
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
    held_on = models.DateField(_("date"), validators=[validate_not_before_1900])
    notes = models.TextField(_("notes"))
    next_review_on = models.DateField(
        _("next review"), null=True, blank=True, validators=[validate_not_before_1900]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save; an edit based on an older version is refused (kernel.versioning).
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

    def clean(self) -> None:
        checks: list[tuple] = [(_facts_not_in_future, {"held_on": self.held_on})]
        if self.placement_id:  # without one, full_clean already says that it is required
            checks.append(
                (
                    validate_progress_review,
                    {
                        "held_on": self.held_on,
                        "next_review_on": self.next_review_on,
                        "actual_start": self.placement.actual_start,
                        "actual_end": self.placement.actual_end,
                    },
                )
            )
        _raise_all(*checks)


class BenefitCheck(RulesBeforeConstraints, MunicipalityFromParent, models.Model):
    """The jobcoach's check, 3, 6 and 12 months after an internship ended, of whether the
    person still lives on benefits. Once recorded it leaves the to-do list."""

    municipality_parent = "placement"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="benefit_checks",
        verbose_name=_("placement"),
    )
    months = models.PositiveSmallIntegerField(
        _("months after the internship"), choices=BenefitCheckMonths.choices
    )
    checked_on = models.DateField(_("checked on"), validators=[validate_not_before_1900])
    outcome = models.CharField(_("outcome"), max_length=24, choices=BenefitCheckOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "months"]
        verbose_name = _("benefit check")
        verbose_name_plural = _("benefit checks")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "months"],
                name="benefit_check_once_per_moment",
                violation_error_message=_("This check has already been recorded."),
            ),
            models.CheckConstraint(
                condition=Q(months__in=[3, 6, 12]), name="benefit_check_months_3_6_12"
            ),
            models.CheckConstraint(
                condition=Q(outcome="could_not_check", reason__gt="")
                | (~Q(outcome="could_not_check") & Q(reason="")),
                name="benefit_check_reason_iff_not_checked",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "checked_on"], name="benefit_check_mun_date"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} +{self.months}m"

    def clean(self) -> None:
        checks: list[tuple] = [(_facts_not_in_future, {"checked_on": self.checked_on})]
        if self.placement_id:  # without one, full_clean already says that it is required
            checks.append(
                (
                    validate_benefit_check,
                    {
                        "placement_status": self.placement.status,
                        "internship_end": self.placement.actual_end,
                        "checked_on": self.checked_on,
                        "outcome": self.outcome,
                        "reason": self.reason,
                    },
                )
            )
        _raise_all(*checks)


def _validate_helped(value) -> None:
    validate_choice_list(value, allowed=EvaluationHelped.values)


def _validate_missing(value) -> None:
    validate_choice_list(value, allowed=EvaluationMissing.values)


class HostEvaluation(MunicipalityFromParent, models.Model):
    """The entrepreneur's evaluation of an internship that ended, recorded by their IMK coach
    or the jobcoach: one per placement.

    It lives with the placement (not in ``coaching``) because it is about one internship and
    needs its status and dates; ``coaching`` models cannot refer to placements without making
    the two apps' models import each other.
    """

    municipality_parent = "placement"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    placement = models.OneToOneField(
        Placement,
        on_delete=models.CASCADE,
        related_name="host_evaluation",
        verbose_name=_("placement"),
    )
    evaluated_on = models.DateField(
        _("date of the evaluation"), validators=[validate_not_before_1900]
    )
    would_host_again = models.CharField(
        _("would host an intern again"), max_length=8, choices=WouldHostAgain.choices
    )
    work_readiness = models.PositiveSmallIntegerField(
        _("intern's readiness for work"),
        validators=[MinValueValidator(READINESS_MIN), MaxValueValidator(READINESS_MAX)],
        help_text=_("1 = far from ready for work, 5 = ready for a regular job."),
    )
    offer = models.CharField(
        _("job or contract offered"), max_length=16, choices=EvaluationOffer.choices
    )
    helped = models.JSONField(
        _("what helped"), default=list, blank=True, validators=[_validate_helped]
    )
    missing = models.JSONField(
        _("what was missing"), default=list, blank=True, validators=[_validate_missing]
    )
    # Free text stays in the application: it is never exported.
    remark = models.TextField(_("remark"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = _("host evaluation")
        verbose_name_plural = _("host evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(work_readiness__gte=READINESS_MIN)
                & Q(work_readiness__lte=READINESS_MAX),
                name="evaluation_readiness_range",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "evaluated_on"], name="evaluation_mun_date"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.evaluated_on}"

    def helped_labels(self) -> list[str]:
        return [str(EvaluationHelped(code).label) for code in self.helped]

    def missing_labels(self) -> list[str]:
        return [str(EvaluationMissing(code).label) for code in self.missing]

    def clean(self) -> None:
        checks: list[tuple] = [(_facts_not_in_future, {"evaluated_on": self.evaluated_on})]
        if self.placement_id:  # without one, full_clean already says that it is required
            checks.append(
                (
                    validate_host_evaluation,
                    {
                        "status": self.placement.status,
                        "actual_start": self.placement.actual_start,
                        "evaluated_on": self.evaluated_on,
                    },
                )
            )
        _raise_all(*checks)


class ImportPhase(models.TextChoices):
    """An import from the browser is two jobs on the worker: the check (a dry run) of the
    uploaded files, then, once the person confirms, the import itself."""

    CHECK = "check", _("check")
    IMPORT = "import", _("import")


class ImportStatus(models.TextChoices):
    """Queued, running, then: checked (waiting for confirmation) or problems found after the
    check; imported or failed after the import. An unconfirmed check expires."""

    CHECKED = "checked", _("checked, waiting for confirmation")
    PROBLEMS = "problems", _("problems found")
    EXPIRED = "expired", _("not confirmed in time")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


# ``error`` of a confirmed import whose own check found problems (the data changed since the
# dry run); the problems are in ``problems``.
IMPORT_PROBLEMS = "problems"


class ImportRun(BackgroundJob):
    """One upload of CSV files (data-exchange.md) from the browser, kept forever: who, when,
    which files, what the dry run found, and what the confirmed import did.

    The files themselves stay in a private folder (settings.IMPORT_UPLOAD_ROOT, never under a
    media URL) until the import is done or the upload expires. A problem is kept as file, line,
    column and message; a message may quote the cell it is about (a date, an amount, a ref), so
    the messages are cleared with the files when the upload expires, and file, line and column
    stay. No name is ever in a message (no rule quotes a name).
    """

    phase = models.CharField(
        _("phase"), max_length=8, choices=ImportPhase.choices, default=ImportPhase.CHECK
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # Whose rows the import may hold: every municipality (programme admin) or these.
    all_municipalities = models.BooleanField(_("all municipalities"), default=False)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities")
    )
    # [{"name": "jobseekers.csv", "size": 1234}, ...]: only names of data-exchange.md.
    files = models.JSONField(_("files"), default=list, blank=True)
    ignored_files = models.PositiveIntegerField(_("files left out"), default=0)
    # Per file {"created": n, "updated": n, "unchanged": n}: of the dry run, then of the import.
    check_counts = models.JSONField(_("counts of the dry run"), default=dict, blank=True)
    counts = models.JSONField(_("counts of the import"), default=dict, blank=True)
    # [[file, line, column, message], ...] in the order of the files and lines.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("number of problems"), default=0)
    # The private folder of the uploaded files (a random name), "" once they are deleted.
    upload_dir = models.CharField(_("upload folder"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The language of the page it was uploaded from: the worker writes its problems in it.
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="import_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"

    @property
    def is_active(self) -> bool:
        """Queued or running: the page polls its progress."""
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def reason(self) -> str:
        if self.error == IMPORT_PROBLEMS:
            return str(
                _(
                    "The import found problems, so nothing was imported. The data may have "
                    "changed since the check. Fix the files and upload them again."
                )
            )
        return super().reason

    def shown_counts(self) -> dict:
        """The import's counts once it ran, else those of the dry run."""
        return self.counts if self.status == ImportStatus.DONE else self.check_counts

    def problem_rows(self) -> list[dict]:
        return [
            {"file": file, "line": line, "column": column, "message": message}
            for file, line, column, message in self.problems
        ]
