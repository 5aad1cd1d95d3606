"""Search and filters of the jobseeker and placement lists.

The querysets they narrow are already scoped by the page (``ScopedQuerysetMixin``); the filters
only ever make them smaller.
"""

from functools import reduce
from operator import and_, or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.forms import StyledFormMixin

from .enums import PlacementStatus, ResearchConsent
from .models import Jobseeker, Placement
from .selectors import municipalities_for_filter, sees_several_municipalities

NO_PLACEMENT = "none"


class FilterForm(StyledFormMixin, forms.Form):
    pass


class SearchInput(forms.TextInput):
    input_type = "search"


def _search(queryset, value: str, fields: tuple[str, ...]):
    """Every word must match one of ``fields``, so "ayla jansen" finds Ayla Jansen."""
    words = value.split()
    if not words:
        return queryset
    per_word = [reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words]
    return queryset.filter(reduce(and_, per_word))


class ScopedFilterSet(django_filters.FilterSet):
    """Offers the municipality filter only to users who can see more than one municipality."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if sees_several_municipalities(request.user):
            self.filters["municipality"].queryset = municipalities_for_filter(user=request.user)
        else:
            del self.filters["municipality"]


class JobseekerFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=SearchInput,
        help_text=_("Reference, name or client number"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=None, empty_label=_("All municipalities")
    )
    # ``research_consent_status`` is annotated by selectors.jobseeker_list_rows.
    research_consent = django_filters.ChoiceFilter(
        label=_("Research consent"),
        field_name="research_consent_status",
        choices=ResearchConsent.choices,
        empty_label=_("Any"),
    )
    state = django_filters.ChoiceFilter(
        label=_("Placement state"),
        choices=[(NO_PLACEMENT, _("no placement yet")), *PlacementStatus.choices],
        empty_label=_("Any"),
        method="filter_state",
        help_text=_("The state of the latest placement"),
    )

    class Meta:
        model = Jobseeker
        fields: list[str] = []
        form = FilterForm

    def filter_search(self, queryset, name, value):
        return _search(queryset, value, ("ref", "given_name", "family_name", "client_number"))

    def filter_state(self, queryset, name, value):
        # ``latest_status`` is annotated by selectors.jobseeker_list_rows.
        if value == NO_PLACEMENT:
            return queryset.filter(latest_status__isnull=True)
        return queryset.filter(latest_status=value)


class PlacementFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=SearchInput,
        help_text=_("Placement reference, jobseeker or entrepreneur"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PlacementStatus.choices, empty_label=_("Any")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=None, empty_label=_("All municipalities")
    )

    class Meta:
        model = Placement
        fields: list[str] = []
        form = FilterForm

    def filter_search(self, queryset, name, value):
        return _search(
            queryset,
            value,
            (
                "ref",
                "jobseeker__ref",
                "jobseeker__given_name",
                "jobseeker__family_name",
                "entrepreneur__ref",
                "entrepreneur__trade_name",
            ),
        )
