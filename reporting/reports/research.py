"""Reads for the research report. Names start with ``all_municipalities_``: they read across
every tenant on purpose and return counts only (no names, no refs leave this module)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from django.db import connection

from municipalities.db_scope import pilot_wide
from placements.enums import COUNTED_END_REASONS
from placements.models import BenefitPeriod, Jobseeker


@pilot_wide("the research report's outflow per benefit type, counts only")
def all_municipalities_outflow_benefit_types(
    *, participants: Sequence[dict], as_of: date, municipality_ids=None
) -> Counter:
    """Outflow per benefit type: the type of the period whose end was the outflow event.

    The snapshot names the outflow date and reason; the period is the one that ended that day
    with that reason. Several can (rarely) qualify; the rules pick the earliest start, then the
    benefit type, and so does this.

    One aggregate query: the outflow events go to PostgreSQL as two arrays (ref, date) and
    only the counts per type come back. Reading every counted period into Python instead was
    100,000 rows at national scale, most of the research report's content time and memory.
    """
    wanted = sorted(
        {(p["ref"], p["outflow_date"]) for p in participants if p["status"] == "outflow"}
    )
    if not wanted:
        return Counter()
    period = BenefitPeriod._meta
    jobseeker = Jobseeker._meta
    column = {name: period.get_field(name).column for name in ("jobseeker", "municipality")}
    in_municipalities = ""
    parameters = [
        [ref for ref, _day in wanted],
        [day for _ref, day in wanted],
        as_of,
        sorted(str(reason) for reason in COUNTED_END_REASONS),
    ]
    if municipality_ids is not None:
        in_municipalities = f"AND bp.{column['municipality']} = ANY(%s)"
        parameters.append(sorted(municipality_ids))
    # DISTINCT ON keeps the first period per event in the ORDER BY: the earliest start, then
    # the benefit type.
    sql = f"""
        SELECT chosen.benefit_type, count(*)
        FROM (
            SELECT DISTINCT ON (w.ref, w.day) bp.benefit_type
            FROM unnest(%s::text[], %s::date[]) AS w(ref, day)
            JOIN {jobseeker.db_table} js ON js.ref = w.ref
            JOIN {period.db_table} bp ON bp.{column["jobseeker"]} = js.id AND bp.end_date = w.day
            WHERE bp.end_date <= %s AND bp.end_reason = ANY(%s) {in_municipalities}
            ORDER BY w.ref, w.day, bp.start_date, bp.benefit_type
        ) AS chosen
        GROUP BY chosen.benefit_type
    """  # noqa: S608 - table and column names from the models' own metadata
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return Counter(dict(cursor.fetchall()))
