"""Reads for the research report. Names start with ``all_municipalities_``: they read across
every tenant on purpose and return counts only (no names, no refs leave this module)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from municipalities.db_scope import pilot_wide
from placements.enums import COUNTED_END_REASONS
from placements.models import BenefitPeriod


@pilot_wide("the research report's outflow per benefit type, counts only")
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
