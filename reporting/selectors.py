"""Reads for reporting.

Names that start with ``all_municipalities_`` read across every tenant on purpose (funder and
research figures); they do not go through ``municipalities.access``. A caller that shows the
figures to a user bound to some municipalities passes those ids in ``municipality_ids``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from kernel.models import PilotSettings
from municipalities.db_scope import pilot_wide
from municipalities.models import Municipality
from placements.models import BenefitPeriod, Jobseeker, Placement

from .metrics import MetricsResult, MetricsRows, metrics_from_rows


@pilot_wide("the outflow figures read every municipality's rows (or the ones asked for)")
def all_municipalities_metrics_rows(
    *, municipality_ids: Collection[int] | None = None
) -> MetricsRows:
    """The columns the outflow rules need: one query per table, tuples rather than models.

    ``municipality_ids`` limits every table to those municipalities; None means all of them.
    Dates are not filtered here: which facts exist as of A is the rules' business.
    """
    municipalities = Municipality.objects.order_by()
    jobseekers = Jobseeker.objects.order_by()
    placements = Placement.objects.order_by()
    benefit_periods = BenefitPeriod.objects.order_by()
    if municipality_ids is not None:
        ids = list(municipality_ids)
        municipalities = municipalities.filter(id__in=ids)
        jobseekers = jobseekers.filter(municipality_id__in=ids)
        placements = placements.filter(municipality_id__in=ids)
        benefit_periods = benefit_periods.filter(municipality_id__in=ids)
    # The tuples go over as values_list yields them: the rules read them by position.
    return MetricsRows(
        municipalities=list(municipalities.values_list("id", "code", "name", "planned_places")),
        jobseekers=list(jobseekers.values_list("id", "ref", "municipality_id")),
        placements=list(
            placements.values_list("jobseeker_id", "status", "actual_start", "actual_end")
        ),
        benefit_periods=list(
            benefit_periods.values_list(
                "jobseeker_id",
                "start_date",
                "end_date",
                "end_reason",
                "benefit_type",
                "monthly_amount",
            )
        ),
    )


def compute_metrics(
    *, as_of: date, municipality_ids: Collection[int] | None = None
) -> MetricsResult:
    """The outflow figures and benefit savings as of ``as_of``, for all municipalities or the
    given ones."""
    pilot = PilotSettings.load()
    return metrics_from_rows(
        rows=all_municipalities_metrics_rows(municipality_ids=municipality_ids),
        as_of=as_of,
        target_ratio=pilot.target_ratio,
        follow_up_months=pilot.follow_up_months,
        budget=pilot.budget_eur,
    )
