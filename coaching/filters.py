"""Search on the entrepreneur list."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kernel.forms import StyledFormMixin
from municipalities.access import visible
from placements.enums import ENDED_STATUSES, PlacementStatus
from placements.models import Placement

from .models import Entrepreneur

UPCOMING = (PlacementStatus.PROPOSED, PlacementStatus.AGREED)


class EntrepreneurSearchForm(StyledFormMixin, forms.Form):
    pass


class EntrepreneurFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Trade name or reference"),
    )

    internship = django_filters.ChoiceFilter(
        label=_("Internship"),
        method="by_internship",
        empty_label=_("all"),
        choices=[
            ("running", _("running now")),
            ("upcoming", _("proposed or agreed")),
            ("ended", _("ended, none planned")),
            ("none", _("never had an intern")),
        ],
    )

    class Meta:
        model = Entrepreneur
        fields: list[str] = []
        form = EntrepreneurSearchForm

    def by_internship(self, queryset, name, value):
        """By the entrepreneur's internships that the person may see (the list's intern column
        is read from the same placements)."""
        user = getattr(self.request, "user", None)
        placements = (visible(user, Placement) if user else Placement.objects.none()).filter(
            entrepreneur_id=OuterRef("pk")
        )
        running = Exists(placements.filter(status=PlacementStatus.ACTIVE))
        upcoming = Exists(placements.filter(status__in=UPCOMING))
        ended = Exists(placements.filter(status__in=ENDED_STATUSES))
        if value == "running":
            return queryset.filter(running)
        if value == "upcoming":
            return queryset.filter(upcoming)
        if value == "ended":
            return queryset.filter(ended).exclude(running).exclude(upcoming)
        if value == "none":
            return queryset.exclude(running).exclude(upcoming).exclude(ended)
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(trade_name__icontains=value) | Q(ref__icontains=value))
