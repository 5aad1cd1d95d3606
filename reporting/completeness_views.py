"""The data-completeness pages: what is missing or overdue in the records, per municipality,
with a link to the page where each gap is fixed. For jobcoaches (their own municipalities) and
the programme admin (every municipality side by side). A municipality's page always lists
today's live records, since the point is to fix them now; the programme admin's overview may
show the counts today's snapshot stored (reporting.completeness_overview says when)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView

from municipalities.enums import Role
from municipalities.models import Municipality
from municipalities.views_base import ScopedQuerysetMixin
from placements.models import Placement

from .completeness import GAP_KINDS, completeness_gaps, visible_rows
from .completeness_overview import overview_counts

COMPLETENESS_ROLES = frozenset({Role.JOBCOACH, Role.PROGRAMME_ADMIN})


class CompletenessOverviewView(ScopedQuerysetMixin, ListView):
    """Every visible municipality in one table, one column per kind of gap."""

    model = Municipality
    roles = COMPLETENESS_ROLES
    template_name = "reporting/completeness.html"
    context_object_name = "municipalities"

    def scope_queryset(self, queryset):
        return queryset.order_by("name")

    def get(self, request, *args, **kwargs):
        municipalities = list(self.get_queryset().values_list("pk", flat=True)[:2])
        if len(municipalities) == 1:
            # A jobcoach of one municipality has nothing to compare: straight to the lists.
            return redirect("reporting:completeness_detail", pk=municipalities[0])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        municipalities = list(context["municipalities"])
        # Numbers only: counted by the database, not listed (a pilot-wide overview would build
        # a line for each of some hundred thousand gaps to count them).
        counted = overview_counts(
            self.request.user,
            [m.pk for m in municipalities],
            on=today,
            live=self.request.GET.get("count") == "now",
        )
        counts = counted.counts
        context.update(
            today=today,
            counted=counted,
            kinds=list(GAP_KINDS.items()),
            rows=[
                (
                    m,
                    [(label, counts[m.pk][kind]) for kind, label in GAP_KINDS.items()],
                    sum(counts[m.pk].values()),
                )
                for m in municipalities
            ],
            totals=[
                (label, sum(counts[m.pk][kind] for m in municipalities))
                for kind, label in GAP_KINDS.items()
            ],
        )
        return context


class CompletenessDetailView(ScopedQuerysetMixin, DetailView):
    """One municipality's gaps, listed per kind, each linking to the record to fix (404 for a
    municipality the user may not see)."""

    model = Municipality
    roles = COMPLETENESS_ROLES
    template_name = "reporting/completeness_detail.html"
    context_object_name = "municipality"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        gaps = completeness_gaps(
            visible_rows(self.request.user, municipality_id=self.object.pk), on=today
        )
        context.update(
            today=today,
            sections=[(kind, label, gaps[kind]) for kind, label in GAP_KINDS.items()],
            total=sum(len(found) for found in gaps.values()),
            several=self.get_queryset().count() > 1,
        )
        return context

    def people_shown(self, context):
        # Each gap names a person's or a placement's reference: the people behind them.
        gaps = [gap for _kind, _label, found in context["sections"] for gap in found]
        people = [gap.url_pk for gap in gaps if gap.url_name == "placements:jobseeker_detail"]
        placements = [gap.url_pk for gap in gaps if gap.url_name != "placements:jobseeker_detail"]
        return people + list(
            Placement.objects.filter(pk__in=placements).values_list("jobseeker_id", flat=True)
        )
