"""The filters of the privacy officer's processing log: person, actor, activity, period."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.forms import DateInput, StyledFormMixin
from municipalities.models import User
from municipalities.processing_enums import Action, Activity, Result

from .models import ProcessingEntry


class LogFilterForm(StyledFormMixin, forms.Form):
    pass


class ProcessingLogFilter(django_filters.FilterSet):
    # The person by key (set by the "open a person" form, which takes the reference by POST):
    # a reference never goes into a URL.
    person = django_filters.NumberFilter(
        field_name="subjects__jobseeker_id", widget=forms.HiddenInput, label=_("Person")
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Actor"), queryset=User.objects.none(), empty_label=_("Anyone")
    )
    system_actor = django_filters.ChoiceFilter(
        label=_("System actor"), field_name="actor_label", choices=[], empty_label=_("Any")
    )
    activity = django_filters.ChoiceFilter(
        label=_("Processing activity"), choices=Activity.choices, empty_label=_("Any")
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=Action.choices, empty_label=_("Any")
    )
    result = django_filters.ChoiceFilter(
        label=_("Result"), choices=Result.choices, empty_label=_("Any")
    )
    since = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput
    )
    until = django_filters.DateFilter(
        label=_("Until"), field_name="at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = ProcessingEntry
        fields: list[str] = []
        form = LogFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The people who act in the pilot (staff, not the people processed): every account.
        self.filters["actor"].queryset = User.objects.order_by("full_name", "email")
        labels = (
            ProcessingEntry.objects.exclude(actor_label="")
            .order_by("actor_label")
            .values_list("actor_label", flat=True)
            .distinct()
        )
        self.filters["system_actor"].extra["choices"] = [(label, label) for label in labels]
