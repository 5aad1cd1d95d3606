"""Forms of the dashboard and the report list."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality
from pilot.forms import DateInput, StyledFormMixin

from .models import ReportKind

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
        self.fields["municipality"].queryset = municipalities
        if ReportKind.MUNICIPALITY not in kinds:
            del self.fields["municipality"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        municipality = data.get("municipality")
        if kind == ReportKind.MUNICIPALITY and municipality is None:
            self.add_error("municipality", _("Choose the municipality of this report."))
        if kind != ReportKind.MUNICIPALITY:
            data["municipality"] = None
        return data
