"""Search and filters of the jobseeker and placement lists.

The querysets they narrow are already scoped by the page (``ScopedQuerysetMixin``); the filters
only ever make them smaller.
"""

from functools import reduce
from operator import and_, or_

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coaching.models import Entrepreneur
from kernel.forms import StyledFormMixin
from kernel.search import key_in

from .enums import PlacementStatus, ResearchConsent
from .models import Jobseeker, Placement
from .selectors import municipalities_for_filter, sees_several_municipalities

NO_PLACEMENT = "none"


class FilterForm(StyledFormMixin, forms.Form):
    pass


class SearchInput(forms.TextInput):
    input_type = "search"


class MunicipalitySearchInput(SearchInput):
    """A municipality typed as a name or code, with suggestions while typing: htmx fills the
    field's datalist from the server (only municipalities the user may see), so the page does
    not carry a select of 342 options. Without JavaScript the typed text filters all the same."""

    template_name = "placements/widgets/municipality_search.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        options_id = f"{widget_attrs.get('id', name)}_options"
        widget_attrs.update(
            {
                "list": options_id,
                "autocomplete": "off",
                "hx-get": reverse("municipalities:municipality_suggest"),
                "hx-trigger": "input changed delay:250ms, focus once",
                "hx-target": f"#{options_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        return context


def municipality_filter():
    return django_filters.CharFilter(
        label=_("Municipality"),
        method="filter_municipality",
        widget=MunicipalitySearchInput,
        help_text=_("Type a name or code; leave empty for all municipalities"),
    )


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
        if not sees_several_municipalities(request.user):
            del self.filters["municipality"]

    def filter_municipality(self, queryset, name, value):
        # Only municipalities the user may see (access.visible), so a typed name can never
        # widen the list; the rows are scoped by the page already.
        chosen = municipalities_for_filter(user=self.request.user, text=value)
        return queryset.filter(municipality_id__in=chosen.values("pk"))


class JobseekerFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=SearchInput,
        help_text=_("Reference, name or client number"),
    )
    municipality = municipality_filter()
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
    municipality = municipality_filter()

    class Meta:
        model = Placement
        fields: list[str] = []
        form = FilterForm

    def filter_search(self, queryset, name, value):
        # Every word: the placement's reference, or its jobseeker's or entrepreneur's. The
        # people and hosts are subqueries rather than joins, so that each table's trigram
        # indexes (placements 0013, coaching 0007) answer its part instead of a join reading
        # every row of all three; as ``key_in`` (an array of keys), not ``IN``, which under
        # the OR read every placement (kernel.search). They only narrow rows the page has
        # scoped already.
        for word in value.split():
            people = _search(Jobseeker.objects.all(), word, ("ref", "given_name", "family_name"))
            hosts = _search(Entrepreneur.objects.all(), word, ("ref", "trade_name"))
            queryset = queryset.filter(
                Q(ref__icontains=word)
                | Q(key_in("jobseeker_id", people))
                | Q(key_in("entrepreneur_id", hosts))
            )
        return queryset
