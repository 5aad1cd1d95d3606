"""The figures a snapshot stores besides the outflow metrics: the placement funnel, the IMK
guidance and the data-completeness counts, each as of the snapshot's date A and per
municipality code, so that the dashboard and every report read them from the snapshot and a
report rendered again from the same snapshot shows the same figures.

Names start with ``all_municipalities_``: they read across every tenant on purpose and keep
counts only (no names, no references).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from coaching.models import Entrepreneur, GuidanceSession
from municipalities.db_scope import pilot_wide
from municipalities.models import Municipality
from placements.enums import ENDED_STATUSES, PlacementStatus
from placements.models import Placement, PlacementStateChange

from .completeness import all_municipalities_completeness_counts

# How far along the lifecycle each status is: a cancelled placement got no further than agreed.
_STAGE = {
    PlacementStatus.PROPOSED: 0,
    PlacementStatus.AGREED: 1,
    PlacementStatus.CANCELLED: 1,
    PlacementStatus.ACTIVE: 2,
    PlacementStatus.COMPLETED: 3,
    PlacementStatus.TERMINATED: 3,
}


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@pilot_wide("the snapshot's placement funnel of every municipality")
def all_municipalities_funnel_as_of(*, as_of: date) -> dict[str, dict[str, int]]:
    """Per municipality code, the number of placements in each status as of ``as_of``.

    A placement's status as of A is the one its recorded history (PlacementStateChange) gave it
    on or before the end of day A, whatever happened to it since. Where the actual dates say it
    had got further by A than the history recorded by then (an import of past internships
    records its one step on the day of the import; a step is often recorded a day late), the
    dates win: an internship that started on or before A was at least running, one that ended
    on or before A had its final status. A placement with neither a recorded step nor a start
    on or before A did not exist yet and is not counted.
    """
    history: dict[int, str] = {}
    steps = (
        PlacementStateChange.objects.filter(changed_at__lt=_end_of_day(as_of))
        .order_by("placement_id", "changed_at", "id")
        .values_list("placement_id", "to_status")
    )
    for placement_id, status in steps.iterator(chunk_size=5000):
        history[placement_id] = status  # the latest one wins
    codes = dict(Municipality.objects.values_list("id", "code"))
    funnel = {code: dict.fromkeys(PlacementStatus.values, 0) for code in codes.values()}
    placements = Placement.objects.order_by().values_list(
        "id", "municipality_id", "status", "actual_start", "actual_end"
    )
    for placement_id, municipality_id, status, actual_start, actual_end in placements.iterator(
        chunk_size=5000
    ):
        dated = None
        if actual_end is not None and actual_end <= as_of and status in ENDED_STATUSES:
            dated = status
        elif actual_start is not None and actual_start <= as_of:
            dated = PlacementStatus.ACTIVE
        recorded = history.get(placement_id)
        if dated is not None and (recorded is None or _STAGE[dated] > _STAGE[recorded]):
            recorded = dated
        if recorded is not None:
            funnel[codes[municipality_id]][recorded] += 1
    return funnel


@pilot_wide("the snapshot's guidance figures of every municipality")
def all_municipalities_guidance_as_of(*, as_of: date) -> dict[str, dict]:
    """Per municipality code: its name, its number of entrepreneurs and, for each entrepreneur
    with a guidance session on or before ``as_of``, that entrepreneur's [sessions, minutes]
    (without saying which entrepreneur): enough to draw the guidance chart for any set of
    municipalities."""
    names = dict(Municipality.objects.values_list("code", "name"))
    guidance = {
        code: {"name": name, "entrepreneurs": 0, "sessions": []} for code, name in names.items()
    }
    for code, n in (
        Entrepreneur.objects.order_by().values_list("municipality__code").annotate(n=Count("id"))
    ):
        guidance[code]["entrepreneurs"] = n
    per_entrepreneur = (
        GuidanceSession.objects.order_by()
        .filter(held_on__lte=as_of)
        .values_list("municipality__code", "entrepreneur_id")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
        .order_by("municipality__code", "n", "minutes")
    )
    for code, _entrepreneur, n, minutes in per_entrepreneur:
        guidance[code]["sessions"].append([n, minutes])
    return guidance


@pilot_wide("the snapshot's funnel, guidance and completeness of every municipality")
def all_municipalities_figures_as_of(*, as_of: date) -> dict:
    """Everything a snapshot stores next to the outflow metrics (see the module docstring)."""
    return {
        "funnel": all_municipalities_funnel_as_of(as_of=as_of),
        "guidance": all_municipalities_guidance_as_of(as_of=as_of),
        "completeness": all_municipalities_completeness_counts(as_of=as_of),
    }
