"""The data-completeness pages: what is missing or overdue in the records, per municipality,
with a link to the page where each gap is fixed. For jobcoaches (their own municipalities) and
the programme admin (every municipality side by side). A municipality's page always lists
today's live records, since the point is to fix them now; the programme admin's overview may
show the counts today's snapshot stored (reporting.completeness_overview says when)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
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
        rows = [
            (
                m,
                [(label, counts[m.pk][kind]) for kind, label in GAP_KINDS.items()],
                sum(counts[m.pk].values()),
            )
            for m in municipalities
        ]
        context.update(
            today=today,
            counted=counted,
            kinds=list(GAP_KINDS.items()),
            rows=rows,
            rows_html=_rows_html(rows),
            totals=[
                (label, sum(counts[m.pk][kind] for m in municipalities))
                for kind, label in GAP_KINDS.items()
            ],
        )
        return context


def _rows_html(rows) -> SafeString:
    """The table's body: plain string building rather than the template engine, which took
    some 60 ms for the 342 rows of 9 cells of a national pilot (issue 17). Everything that is
    not a number is escaped here: each label once, each name once."""
    cell_class = (
        "utrecht-table__cell utrecht-table__cell--numeric-column utrecht-table__cell--numeric-data"
    )
    labels = [label for label, _count in rows[0][1]] if rows else []
    opening = [f'<td class="{cell_class}" data-label="{escape(label)}">' for label in labels]
    total_opening = f'<td class="{cell_class}" data-label="{escape(_("Total"))}">'
    heading = escape(_("Municipality"))
    # Every link is the same but for the id: reversed once.
    link = reverse("reporting:completeness_detail", args=[0]).removesuffix("0/")
    lines = []
    for municipality, counts, total in rows:
        cells = "".join(
            f"{opened}{int(count)}</td>"
            for opened, (_label, count) in zip(opening, counts, strict=True)
        )
        lines.append(
            f'<tr class="utrecht-table__row"><th scope="row" class="utrecht-table__header-cell"'
            f' data-label="{heading}"><a class="utrecht-link utrecht-link--html-a"'
            f' href="{link}{int(municipality.pk)}/">{escape(municipality.name)}</a></th>'
            f"{cells}{total_opening}{int(total)}</td></tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped or a number


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
