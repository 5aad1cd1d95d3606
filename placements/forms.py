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

from municipalities.access import editable, visible, writable_municipality_ids
from municipalities.models import Municipality
from pilot.forms import NOTES_MAX_LENGTH, DateInput, StyledFormMixin

from .enums import (
    BenefitEndReason,
    BenefitType,
    ChangeSource,
    PlacementEndReason,
    PlacementStatus,
)
from .models import BenefitPeriod, Jobseeker, Placement, ProgressReview
from .selectors import entrepreneurs_with_free_place, next_placement_ref
from .services import (
    benefit_period_save,
    jobseeker_save,
    placement_save,
    placement_transition,
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


class JobseekerForm(StyledFormMixin, forms.ModelForm):
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
            "research_consent",
        ]
        widgets = {"birth_date": DateInput, "research_consent": forms.RadioSelect}
        help_texts = {
            "ref": gettext_lazy(
                "Your municipality's reference for this person, for example HRL-011: letters, "
                "digits, - and _. It cannot be changed later."
            ),
            "client_number": gettext_lazy("The client number in the benefits system, if known."),
            "research_consent": gettext_lazy(
                "Has the jobseeker agreed that the researchers (Regioplan) may use their "
                "pseudonymised data?"
            ),
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


class StepForm(StyledFormMixin, forms.Form):
    """One step of a placement's lifecycle: moves it to ``to_status``, setting the placement
    fields that the step's form asks for (the form's field names are the placement's)."""

    to_status: str = ""

    def __init__(self, *args, placement: Placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement = placement

    def perform(self, *, actor) -> None:
        placement_transition(
            placement=self.placement,
            to_status=self.to_status,
            actor=actor,
            source=ChangeSource.WEB,
            **self.cleaned_data,
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
            review=ProgressReview(placement=self.placement, author=actor, **self.cleaned_data)
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
