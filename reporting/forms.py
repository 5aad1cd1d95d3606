"""Forms of the dashboard and the report list."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.forms import DateInput, StyledFormMixin
from municipalities.access import municipalities_named
from municipalities.models import Municipality
from placements.filters import MunicipalitySearchInput

from .models import ReportKind
from .rollout import DEFAULT_PLACES, MAX_MUNICIPALITIES, MAX_PLACES, MUNICIPALITIES_IN_NL

# Nothing of the pilot happened before this; older dates are typing errors.
EARLIEST = date(2000, 1, 1)


def _not_in_future(value: date) -> None:
    if value > timezone.localdate():
        raise forms.ValidationError(_("Choose today or a date in the past."))
    if value < EARLIEST:
        raise forms.ValidationError(_("Choose a date after 1 January 2000."))


class AsOfForm(StyledFormMixin, forms.Form):
    as_of = forms.DateField(
        label=_("Figures as of"),
        widget=DateInput,
        validators=[_not_in_future],
        help_text=_("Any past date. Figures not yet stored are computed first."),
    )


# More municipalities than this: typed with suggestions instead of a select.
SELECT_AT_MOST = 20


class ReportRequestForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    as_of = forms.DateField(label=_("As of"), widget=DateInput, validators=[_not_in_future])
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Only for a municipality report."),
    )
    rerender = forms.BooleanField(
        label=_("Render again even if this report is stored"), required=False
    )

    def __init__(self, *args, kinds: list[str], municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ReportKind(k).label) for k in kinds]
        self.municipalities = municipalities
        if ReportKind.MUNICIPALITY not in kinds:
            del self.fields["municipality"]
        elif len(municipalities[: SELECT_AT_MOST + 1]) > SELECT_AT_MOST:
            # The programme admin of a national pilot: typed, with suggestions, rather than a
            # select of 342 options on every dashboard (issue 17).
            self.fields["municipality"] = forms.CharField(
                label=_("Municipality"),
                required=False,
                max_length=100,
                widget=MunicipalitySearchInput,
                help_text=_("Only for a municipality report: type its name or code."),
            )
        else:
            self.fields["municipality"].queryset = municipalities

    def clean_municipality(self):
        value = self.cleaned_data.get("municipality")
        if not isinstance(value, str):
            return value  # chosen from the select (or none)
        if not value.strip():
            return None
        found = list(municipalities_named(self.municipalities, value)[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                _("No municipality has this name or code; choose one of the suggestions.")
            )
        return found[0]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        municipality = data.get("municipality")
        if kind == ReportKind.MUNICIPALITY and municipality is None:
            self.add_error("municipality", _("Choose the municipality of this report."))
        if kind != ReportKind.MUNICIPALITY:
            data["municipality"] = None
        return data


class RolloutForm(StyledFormMixin, forms.Form):
    """The rollout calculator's scale (GET): how many municipalities, how many places each."""

    municipalities = forms.IntegerField(
        label=_("Number of municipalities"),
        initial=MUNICIPALITIES_IN_NL,
        min_value=1,
        max_value=MAX_MUNICIPALITIES,
        error_messages={
            "required": _("Fill in a number of municipalities."),
            "invalid": _("Fill in a whole number of municipalities, such as 342."),
            "min_value": _("Choose at least 1 municipality."),
            "max_value": _(
                "Choose at most %(limit_value)s municipalities: all of the Netherlands."
            ),
        },
        help_text=_("From 1 to 342, the number of municipalities in the Netherlands."),
    )
    places = forms.IntegerField(
        label=_("Places per municipality"),
        initial=DEFAULT_PLACES,
        min_value=1,
        max_value=MAX_PLACES,
        error_messages={
            "required": _("Fill in a number of places per municipality."),
            "invalid": _("Fill in a whole number of places, such as 10."),
            "min_value": _("Choose at least 1 place per municipality."),
            "max_value": _("Choose at most %(limit_value)s places per municipality."),
        },
        help_text=_("Internship places per municipality, from 1 to 1,000."),
    )
    as_of = forms.DateField(required=False, widget=forms.HiddenInput, validators=[_not_in_future])
