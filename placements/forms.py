"""The jobcoach's forms. They collect input; the services in ``services.py`` decide.

Each form that changes something has a ``save(actor=...)`` that calls one service. The service's
ValidationError is keyed by field name; ``add_service_errors`` puts each message next to its
field (or above the form when the form has no such field), so a rule is written once and shown
where the user can act on it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.forms import NOTES_MAX_LENGTH, CorrectionReasonField, DateInput, StyledFormMixin
from kernel.stale_edits import VersionedFormMixin
from municipalities.access import editable, visible, writable_municipality_ids
from municipalities.history import ChangedBy
from municipalities.models import Municipality

from .consents import consent_give, consent_withdraw, current_information_version
from .enums import (
    ENDED_STATUSES,
    NEEDS_END_REASON,
    NOT_STARTED_STATUSES,
    READINESS_MAX,
    READINESS_MIN,
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
    WouldHostAgain,
)
from .models import (
    BenefitCheck,
    BenefitPeriod,
    ConsentRecord,
    HostEvaluation,
    Jobseeker,
    Placement,
    ProgressReview,
)
from .selectors import entrepreneurs_with_free_place, next_placement_ref
from .services import (
    benefit_check_save,
    benefit_period_save,
    host_evaluation_save,
    jobseeker_save,
    placement_save,
    placement_transition,
    placement_undo_step,
    progress_review_save,
)


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's errors on ``form``: at the named field, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _end_reason_choices(choices):
    return [("", gettext_lazy("Choose a reason")), *choices]


# --- jobseekers -------------------------------------------------------------------------------


class JobseekerForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """Create and edit a jobseeker. The municipality and reference are set once, at creation:
    child rows and imports refer to them."""

    class Meta:
        model = Jobseeker
        fields = [
            "municipality",
            "ref",
            "given_name",
            "family_name",
            "birth_date",
            "client_number",
            "email",
            "phone",
        ]
        widgets = {"birth_date": DateInput}
        help_texts = {
            "ref": gettext_lazy(
                "Your municipality's reference for this person, for example HRL-011: letters, "
                "digits, - and _. It cannot be changed later."
            ),
            "client_number": gettext_lazy("The client number in the benefits system, if known."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["municipality"]
            del self.fields["ref"]
            return
        writable = writable_municipality_ids(user)
        municipalities = visible(user, Municipality).order_by("name")
        if writable is not None:
            municipalities = municipalities.filter(id__in=writable)
        field = self.fields["municipality"]
        field.queryset = municipalities
        if writable is not None and len(writable) == 1:
            # Only one choice: preselect it rather than ask.
            field.empty_label = None
            field.initial = next(iter(writable))
        else:
            field.empty_label = _("Choose a municipality")

    def save(self, commit=True):
        return jobseeker_save(jobseeker=self.instance)


# --- consent ----------------------------------------------------------------------------------


def _purpose_choices():
    return [
        (
            purpose.value,
            _("%(purpose)s – information letter %(version)s")
            % {"purpose": purpose.label, "version": current_information_version(purpose)},
        )
        for purpose in ConsentPurpose
    ]


class ConsentGiveForm(StyledFormMixin, forms.Form):
    """Record a consent the jobseeker gave, with the current version of the information."""

    purpose = forms.ChoiceField(
        label=gettext_lazy("Consent for"), choices=_purpose_choices, widget=forms.RadioSelect
    )
    given_on = forms.DateField(label=gettext_lazy("Date the consent was given"), widget=DateInput)

    def __init__(self, *args, jobseeker: Jobseeker, purpose: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.jobseeker = jobseeker
        self.fields["given_on"].initial = timezone.localdate()
        if purpose in ConsentPurpose.values:
            self.fields["purpose"].initial = purpose

    def save(self, *, actor) -> ConsentRecord:
        return consent_give(
            jobseeker=self.jobseeker,
            purpose=self.cleaned_data["purpose"],
            given_on=self.cleaned_data["given_on"],
            source=ConsentSource.WEB,
            actor=actor,
        )


class ConsentWithdrawForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """Record that the jobseeker withdrew a consent. It carries the consent's version: of two
    withdrawals sent at once, the second is refused."""

    withdrawn_on = forms.DateField(
        label=gettext_lazy("Date the consent was withdrawn"), widget=DateInput
    )

    def __init__(self, *args, record: ConsentRecord, **kwargs):
        kwargs.setdefault("version", record.version)
        super().__init__(*args, **kwargs)
        self.record = record
        self.fields["withdrawn_on"].initial = timezone.localdate()

    def save(self, *, actor) -> ConsentRecord:
        self.record.version = self.cleaned_data["version"]
        return consent_withdraw(
            record=self.record,
            withdrawn_on=self.cleaned_data["withdrawn_on"],
            source=ConsentSource.WEB,
            actor=actor,
        )


# --- placements -------------------------------------------------------------------------------


def _jobseeker_label(jobseeker: Jobseeker) -> str:
    return f"{jobseeker.ref} – {jobseeker.full_name}"


class ProposeForm(StyledFormMixin, forms.Form):
    jobseeker = forms.ModelChoiceField(
        label=gettext_lazy("Jobseeker"),
        queryset=None,
        empty_label=gettext_lazy("Choose a jobseeker"),
    )
    entrepreneur = forms.ModelChoiceField(
        label=gettext_lazy("Entrepreneur"),
        queryset=None,
        empty_label=gettext_lazy("Choose an entrepreneur"),
        help_text=gettext_lazy(
            "Only entrepreneurs of the jobseeker's municipality with a free place are listed."
        ),
    )
    planned_start = forms.DateField(label=gettext_lazy("Planned start"), widget=DateInput)
    planned_end = forms.DateField(label=gettext_lazy("Planned end"), widget=DateInput)
    hours_per_week = forms.IntegerField(
        label=gettext_lazy("Hours per week"), min_value=1, max_value=168, required=False
    )

    def __init__(self, *args, user, jobseeker: Jobseeker | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jobseeker"].queryset = editable(user, Jobseeker).order_by("ref")
        self.fields["jobseeker"].label_from_instance = _jobseeker_label
        entrepreneurs = entrepreneurs_with_free_place(
            user=user, municipality_id=jobseeker.municipality_id if jobseeker else None
        )
        self.fields["entrepreneur"].queryset = entrepreneurs
        writable = writable_municipality_ids(user)
        if writable is None or len(writable) > 1:
            # Several municipalities: say which one each entrepreneur is in.
            self.fields["entrepreneur"].label_from_instance = lambda e: (
                f"{e.trade_name} ({e.ref}) – {e.municipality.name}"
            )
        if jobseeker is not None:
            self.fields["jobseeker"].initial = jobseeker.pk

    def clean(self):
        data = super().clean()
        jobseeker, entrepreneur = data.get("jobseeker"), data.get("entrepreneur")
        if jobseeker and entrepreneur and jobseeker.municipality_id != entrepreneur.municipality_id:
            self.add_error(
                "entrepreneur",
                ValidationError(
                    _("Choose an entrepreneur in the jobseeker's municipality."),
                    code="other_municipality",
                ),
            )
        return data

    def save(self, *, actor) -> Placement:
        data = self.cleaned_data
        jobseeker = data["jobseeker"]
        with transaction.atomic():
            # Lock the jobseeker, so that two proposals at once cannot take the same reference.
            list(Jobseeker.objects.select_for_update().filter(pk=jobseeker.pk))
            placement = Placement(
                ref=next_placement_ref(jobseeker),
                jobseeker=jobseeker,
                entrepreneur=data["entrepreneur"],
                status=PlacementStatus.PROPOSED,
                planned_start=data["planned_start"],
                planned_end=data["planned_end"],
                hours_per_week=data["hours_per_week"],
            )
            return placement_save(placement=placement, actor=actor, source=ChangeSource.WEB)


class StepForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """One step of a placement's lifecycle: moves it to ``to_status``, setting the placement
    fields that the step's form asks for (the form's field names are the placement's).

    It carries the placement's version: of two steps sent at once, the second is refused."""

    to_status: str = ""

    def __init__(self, *args, placement: Placement, **kwargs):
        kwargs.setdefault("version", placement.version)
        super().__init__(*args, **kwargs)
        self.placement = placement

    def step_values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"version", "reason"}}

    def perform(self, *, actor) -> None:
        self.placement.version = self.cleaned_data["version"]
        placement_transition(
            placement=self.placement,
            to_status=self.to_status,
            actor=actor,
            source=ChangeSource.WEB,
            **self.step_values(),
        )


class AgreeForm(StepForm):
    to_status = PlacementStatus.AGREED
    planned_start = forms.DateField(label=gettext_lazy("Planned start"), widget=DateInput)
    planned_end = forms.DateField(label=gettext_lazy("Planned end"), widget=DateInput)
    hours_per_week = forms.IntegerField(
        label=gettext_lazy("Hours per week"), min_value=1, max_value=168
    )

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, placement=placement, **kwargs)
        for name in ("planned_start", "planned_end", "hours_per_week"):
            self.fields[name].initial = getattr(placement, name)


class StartForm(StepForm):
    to_status = PlacementStatus.ACTIVE
    actual_start = forms.DateField(
        label=gettext_lazy("First day of the internship"), widget=DateInput
    )

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, placement=placement, **kwargs)
        self.fields["actual_start"].initial = timezone.localdate()


class CompleteForm(StepForm):
    to_status = PlacementStatus.COMPLETED
    actual_end = forms.DateField(label=gettext_lazy("Last day of the internship"), widget=DateInput)

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, placement=placement, **kwargs)
        self.fields["actual_end"].initial = timezone.localdate()


class TerminateForm(StepForm):
    to_status = PlacementStatus.TERMINATED
    actual_end = forms.DateField(label=gettext_lazy("Last day of the internship"), widget=DateInput)
    end_reason = forms.ChoiceField(
        label=gettext_lazy("Why did it end early?"),
        choices=_end_reason_choices(PlacementEndReason.choices),
    )

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, placement=placement, **kwargs)
        self.fields["actual_end"].initial = timezone.localdate()


class CancelForm(StepForm):
    to_status = PlacementStatus.CANCELLED
    end_reason = forms.ChoiceField(
        label=gettext_lazy("Why is it cancelled?"),
        choices=_end_reason_choices(PlacementEndReason.choices),
    )


class ReviewForm(StepForm):
    held_on = forms.DateField(label=gettext_lazy("Date of the review"), widget=DateInput)
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_review_on = forms.DateField(
        label=gettext_lazy("Next review"),
        widget=DateInput,
        required=False,
        help_text=gettext_lazy("Leave empty to be reminded four weeks after this review."),
    )

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, placement=placement, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()

    def perform(self, *, actor) -> None:
        progress_review_save(
            review=ProgressReview(placement=self.placement, author=actor, **self.step_values())
        )


# --- benefits ---------------------------------------------------------------------------------


def _period_label(period: BenefitPeriod) -> str:
    return _("%(type)s since %(start)s") % {
        "type": period.get_benefit_type_display(),
        "start": date_format(period.start_date),
    }


class BenefitEndForm(StyledFormMixin, forms.Form):
    period = forms.ModelChoiceField(
        label=gettext_lazy("Benefit that ended"),
        queryset=None,
        empty_label=gettext_lazy("Choose a benefit"),
        # Only running benefits can be chosen: one ended meanwhile is refused, not ended twice.
        error_messages={
            "invalid_choice": gettext_lazy(
                "This benefit is not running any more: someone may have recorded its end "
                "meanwhile. Check the jobseeker's page."
            )
        },
    )
    end_date = forms.DateField(label=gettext_lazy("Last day of the benefit"), widget=DateInput)
    end_reason = forms.ChoiceField(
        label=gettext_lazy("Why did it end?"),
        choices=_end_reason_choices(BenefitEndReason.choices),
        help_text=gettext_lazy(
            "Work, self-employment, education and other income count as leaving benefits."
        ),
    )

    def __init__(self, *args, user, jobseeker: Jobseeker, **kwargs):
        super().__init__(*args, **kwargs)
        running = (
            editable(user, BenefitPeriod)
            .filter(jobseeker_id=jobseeker.pk, end_date__isnull=True)
            .order_by("start_date")
        )
        field = self.fields["period"]
        field.queryset = running
        field.label_from_instance = _period_label
        self.running = list(running)
        if len(self.running) == 1:
            field.empty_label = None
            field.initial = self.running[0].pk

    def save(self, *, actor=None) -> BenefitPeriod:
        period = self.cleaned_data["period"]
        period.end_date = self.cleaned_data["end_date"]
        period.end_reason = self.cleaned_data["end_reason"]
        return benefit_period_save(period=period)


class BenefitStartForm(StyledFormMixin, forms.Form):
    benefit_type = forms.ChoiceField(
        label=gettext_lazy("Benefit type"),
        choices=[("", gettext_lazy("Choose a type")), *BenefitType.choices],
    )
    start_date = forms.DateField(label=gettext_lazy("First day of the benefit"), widget=DateInput)
    monthly_amount = forms.DecimalField(
        label=gettext_lazy("Monthly amount (EUR)"),
        max_digits=9,
        decimal_places=2,
        min_value=0,
        required=False,
    )

    def __init__(self, *args, jobseeker: Jobseeker, **kwargs):
        super().__init__(*args, **kwargs)
        self.jobseeker = jobseeker

    def save(self, *, actor=None) -> BenefitPeriod:
        return benefit_period_save(
            period=BenefitPeriod(jobseeker=self.jobseeker, **self.cleaned_data)
        )


class BenefitCheckForm(StyledFormMixin, forms.Form):
    """Record one benefit check (3, 6 or 12 months after the internship) of a placement."""

    checked_on = forms.DateField(label=gettext_lazy("Date of the check"), widget=DateInput)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=BenefitCheckOutcome.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("When the benefits ended, you record the end of the benefit next."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why could it not be checked?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("Only when the benefit status could not be checked."),
    )

    def __init__(self, *args, placement: Placement, months: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement = placement
        self.months = months
        self.fields["checked_on"].initial = timezone.localdate()

    def save(self, *, actor) -> BenefitCheck:
        return benefit_check_save(
            check=BenefitCheck(
                placement=self.placement,
                months=self.months,
                recorded_by=actor,
                **self.cleaned_data,
            )
        )


# --- the host's evaluation --------------------------------------------------------------------


def _readiness_choices():
    labels = {
        READINESS_MIN: gettext_lazy("1 – far from ready for work"),
        READINESS_MAX: gettext_lazy("5 – ready for a regular job"),
    }
    return [(n, labels.get(n, str(n))) for n in range(READINESS_MIN, READINESS_MAX + 1)]


class HostEvaluationForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """The entrepreneur's evaluation, asked at the end of the internship: choices only, so that
    it can be filled in during the conversation, and one optional remark. Changing a saved one
    carries the version it was based on and is a correction with a reason."""

    would_host_again = forms.ChoiceField(
        label=gettext_lazy("Would the entrepreneur host an intern again?"),
        choices=WouldHostAgain.choices,
        widget=forms.RadioSelect,
    )
    work_readiness = forms.TypedChoiceField(
        label=gettext_lazy("How ready for work is the intern now?"),
        choices=_readiness_choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    offer = forms.ChoiceField(
        label=gettext_lazy("Was a job or contract offered?"),
        choices=EvaluationOffer.choices,
        widget=forms.RadioSelect,
    )
    helped = forms.MultipleChoiceField(
        label=gettext_lazy("What helped?"),
        choices=EvaluationHelped.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    missing = forms.MultipleChoiceField(
        label=gettext_lazy("What was missing?"),
        choices=EvaluationMissing.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = HostEvaluation
        fields = [
            "evaluated_on",
            "would_host_again",
            "work_readiness",
            "offer",
            "helped",
            "missing",
            "remark",
        ]
        widgets = {"evaluated_on": DateInput(), "remark": forms.Textarea(attrs={"rows": 3})}
        labels = {"evaluated_on": gettext_lazy("Date of the conversation")}
        help_texts = {
            "remark": gettext_lazy(
                "Optional. Stays in this system: it is not part of the research export."
            )
        }

    def __init__(self, *args, placement: Placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement = placement
        self.instance.placement = placement
        if self.instance.pk is None:
            self.initial.setdefault("evaluated_on", timezone.localdate())
        else:
            self.fields["reason"] = CorrectionReasonField()

    def save(self, *, actor) -> HostEvaluation:
        change = ChangedBy(
            actor=actor, source=ChangeSource.WEB, reason=self.cleaned_data.get("reason", "")
        )
        return host_evaluation_save(evaluation=self.instance, actor=actor, change=change)


# --- corrections ------------------------------------------------------------------------------


class CorrectionForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """Correct what was recorded. The service decides whether it is a correction (a recorded
    value changed) and then requires the reason shown here."""

    reason = CorrectionReasonField()

    def change_by(self, actor) -> ChangedBy:
        return ChangedBy(actor=actor, source=ChangeSource.WEB, reason=self.cleaned_data["reason"])


class BenefitCorrectForm(CorrectionForm):
    class Meta:
        model = BenefitPeriod
        fields = ["benefit_type", "start_date", "end_date", "end_reason", "monthly_amount"]
        widgets = {"start_date": DateInput, "end_date": DateInput}
        help_texts = {
            "end_date": gettext_lazy(
                "Empty both the end date and the end reason if the benefit did not end."
            )
        }

    def save(self, *, actor) -> BenefitPeriod:
        return benefit_period_save(period=self.instance, change=self.change_by(actor))


class ReviewCorrectForm(CorrectionForm):
    class Meta:
        model = ProgressReview
        fields = ["held_on", "notes", "next_review_on"]
        widgets = {
            "held_on": DateInput,
            "next_review_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def save(self, *, actor) -> ProgressReview:
        return progress_review_save(review=self.instance, change=self.change_by(actor))


class PlacementCorrectForm(CorrectionForm):
    """The placement's dates and hours; the actual dates and end reason only where its status
    has them. The status itself changes by a step, or by undoing one."""

    class Meta:
        model = Placement
        fields = [
            "planned_start",
            "planned_end",
            "hours_per_week",
            "actual_start",
            "actual_end",
            "end_reason",
        ]
        widgets = dict.fromkeys(
            ("planned_start", "planned_end", "actual_start", "actual_end"), DateInput
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.instance.status
        drop = set()
        if status in NOT_STARTED_STATUSES:
            drop |= {"actual_start", "actual_end"}
        if status not in ENDED_STATUSES:
            drop.add("actual_end")
        if status not in NEEDS_END_REASON:
            drop.add("end_reason")
        for name in drop:
            del self.fields[name]
        if "end_reason" in self.fields:
            self.fields["end_reason"].choices = _end_reason_choices(PlacementEndReason.choices)

    def save(self, *, actor) -> Placement:
        change = self.change_by(actor)
        return placement_save(
            placement=self.instance, actor=actor, source=change.source, reason=change.reason
        )


class UndoStepForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    reason = CorrectionReasonField(
        label=gettext_lazy("Why is this step taken back?"),
        help_text=gettext_lazy(
            "Kept in the history with the values the step had recorded. No personal details, "
            "please."
        ),
    )

    def __init__(self, *args, placement: Placement, **kwargs):
        kwargs.setdefault("version", placement.version)
        super().__init__(*args, **kwargs)
        self.placement = placement

    def perform(self, *, actor) -> None:
        self.placement.version = self.cleaned_data["version"]
        placement_undo_step(
            placement=self.placement,
            change=ChangedBy(
                actor=actor, source=ChangeSource.WEB, reason=self.cleaned_data["reason"]
            ),
        )
