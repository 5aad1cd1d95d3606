"""Reads for the research report. Names start with ``all_municipalities_``: they read across
every tenant on purpose and return counts only (no names, no refs leave this module)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery

from placements.enums import COUNTED_END_REASONS, BenefitEndReason, PlacementStatus
from placements.models import BenefitPeriod, Jobseeker, Placement, ProgressReview


def all_municipalities_outflow_benefit_types(
    *, participants: Sequence[dict], as_of: date, municipality_ids=None
) -> Counter:
    """Outflow per benefit type: the type of the period whose end was the outflow event.

    The snapshot names the outflow date and reason; the period is the one that ended that day
    with that reason. Several can (rarely) qualify; the rules pick the earliest start, then the
    benefit type, and so does this.
    """
    wanted = {(p["ref"], p["outflow_date"]) for p in participants if p["status"] == "outflow"}
    if not wanted:
        return Counter()
    periods = BenefitPeriod.objects.order_by().filter(
        end_date__lte=as_of, end_reason__in=[str(r) for r in COUNTED_END_REASONS]
    )
    if municipality_ids is not None:
        periods = periods.filter(municipality_id__in=list(municipality_ids))
    chosen: dict[tuple[str, str], tuple[date, str]] = {}
    for ref, end_date, start_date, benefit_type in periods.values_list(
        "jobseeker__ref", "end_date", "start_date", "benefit_type"
    ):
        key = (ref, end_date.isoformat())
        if key in wanted and (key not in chosen or (start_date, benefit_type) < chosen[key]):
            chosen[key] = (start_date, benefit_type)
    return Counter(benefit_type for _start, benefit_type in chosen.values())


def all_municipalities_data_completeness(
    *, as_of: date, municipality_ids=None
) -> dict[int, dict[str, int]]:
    """Per municipality id: gaps in the data that weaken the figures.

    - ``no_benefit_period``: jobseekers with a started placement but no benefit period at all;
    - ``unknown_end_reason``: benefit periods ended on or before A with end reason "other"
      (the reason was not recorded, so nobody can tell whether it was outflow);
    - ``overdue_reviews``: active placements whose latest review set a next review before A;
    - ``past_planned_end``: placements still active although their planned end is before A.
    """

    def scoped(queryset):
        if municipality_ids is not None:
            queryset = queryset.filter(municipality_id__in=list(municipality_ids))
        return queryset.order_by()

    result: dict[int, dict[str, int]] = {}

    def put(key: str, rows) -> None:
        for municipality_id, count in rows:
            result.setdefault(municipality_id, {}).setdefault(key, 0)
            result[municipality_id][key] += count

    started = Placement.objects.filter(actual_start__lte=as_of).exclude(
        status=PlacementStatus.CANCELLED
    )
    put(
        "no_benefit_period",
        scoped(Jobseeker.objects)
        .filter(id__in=started.values("jobseeker_id"), benefit_periods__isnull=True)
        .values_list("municipality_id")
        .annotate(n=Count("id")),
    )
    put(
        "unknown_end_reason",
        scoped(BenefitPeriod.objects)
        .filter(end_date__lte=as_of, end_reason=BenefitEndReason.OTHER)
        .values_list("municipality_id")
        .annotate(n=Count("id")),
    )
    latest_next = (
        ProgressReview.objects.filter(placement=OuterRef("pk"))
        .order_by("-held_on", "-id")
        .values("next_review_on")[:1]
    )
    put(
        "overdue_reviews",
        scoped(Placement.objects)
        .filter(status=PlacementStatus.ACTIVE)
        .annotate(next_review=Subquery(latest_next))
        .filter(Q(next_review__lt=as_of))
        .values_list("municipality_id")
        .annotate(n=Count("id")),
    )
    put(
        "past_planned_end",
        scoped(Placement.objects)
        .filter(status=PlacementStatus.ACTIVE, planned_end__lt=as_of)
        .values_list("municipality_id")
        .annotate(n=Count("id")),
    )
    return result
