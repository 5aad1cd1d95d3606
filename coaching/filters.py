"""Search on the entrepreneur list."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilot.forms import StyledFormMixin

from .models import Entrepreneur


class EntrepreneurSearchForm(StyledFormMixin, forms.Form):
    pass


class EntrepreneurFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Trade name or reference"),
    )

    class Meta:
        model = Entrepreneur
        fields: list[str] = []
        form = EntrepreneurSearchForm

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(trade_name__icontains=value) | Q(ref__icontains=value))
