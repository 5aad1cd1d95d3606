"""Data completeness: the gaps in the records that weaken the figures, and where to fix them.

Seven kinds of gap, each computed as of a day T (today on the page, the as-of date A in a
snapshot) from rows the caller scoped:

- ``no_benefit_period``: participants (a placement started on or before T, not cancelled)
  without any benefit period starting on or before T: their outflow cannot be computed;
- ``benefit_check_overdue``: 3, 6 or 12-month benefit checks whose day has passed; the checks
  are those of the jobcoach's to-do list (``placements.selectors.benefit_checks_due``);
- ``review_overdue``: running internships whose progress review was due before T
  (``placements.selectors.reviews_due``);
- ``past_planned_end``: internships still running after their planned end, without an outcome;
- ``untouched``: open placements (proposed, agreed, running) whose placement record, progress
  reviews and lifecycle steps were all last changed more than 60 days before T;
- ``evaluation_missing``: internships that ended on or before T without a host evaluation held
  on or before T;
- ``unknown_end_reason``: benefit periods ended on or before T with reason "other": nobody can
  tell whether that was outflow.

The completeness page passes rows from ``municipalities.access`` (a jobcoach's own
municipalities); the stored snapshot counts every municipality through
``all_municipalities_completeness_counts``. Only that function's counts leave for the reports:
never a name or a reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateTimeField, Exists, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.access import visible
from municipalities.db_scope import pilot_wide
from municipalities.models import Municipality
from placements.enums import ENDED_STATUSES, BenefitEndReason, PlacementStatus
from placements.models import (
    BenefitPeriod,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from placements.selectors import (
    benefit_checks_due,
    overdue_checks_per_municipality,
    overdue_reviews_per_municipality,
    reviews_due,
)

UNTOUCHED_DAYS = 60
OPEN_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE)

# In the order of the page and the reports, with the heading of each list.
GAP_KINDS: dict[str, str] = {
    "no_benefit_period": gettext_lazy("Participants without a benefit period"),
    "benefit_check_overdue": gettext_lazy("Overdue benefit checks"),
    "review_overdue": gettext_lazy("Overdue progress reviews"),
    "past_planned_end": gettext_lazy("Internships past their planned end without an outcome"),
    "untouched": gettext_lazy("Open placements not touched for 60 days"),
    "evaluation_missing": gettext_lazy("Ended internships without an evaluation"),
    "unknown_end_reason": gettext_lazy("Benefit ends with an unknown reason"),
}


@dataclass(frozen=True)
class Gap:
    """One record to fix: what it is, and the page where it is fixed."""

    kind: str
    municipality_id: int
    ref: str
    detail: str
    url_name: str
    url_pk: int


@dataclass(frozen=True)
class Rows:
    """The rows a completeness computation looks at, already scoped by the caller."""

    jobseekers: QuerySet[Jobseeker]
    placements: QuerySet[Placement]
    benefit_periods: QuerySet[BenefitPeriod]


def _day(day: date) -> str:
    return date_format(day, "j F Y")


def _no_benefit_period_rows(rows: Rows, on: date) -> QuerySet:
    started = Placement.objects.filter(jobseeker_id=OuterRef("pk"), actual_start__lte=on).exclude(
        status=PlacementStatus.CANCELLED
    )
    periods = BenefitPeriod.objects.filter(jobseeker_id=OuterRef("pk"), start_date__lte=on)
    return rows.jobseekers.filter(Exists(started)).exclude(Exists(periods))


def _no_benefit_period(rows: Rows, on: date) -> list[Gap]:
    found = (
        _no_benefit_period_rows(rows, on)
        .order_by("ref")
        .values_list("pk", "ref", "municipality_id")
    )
    return [
        Gap("no_benefit_period", m, ref, "", "placements:jobseeker_detail", pk)
        for pk, ref, m in found
    ]


def _benefit_checks_overdue(rows: Rows, on: date) -> list[Gap]:
    checks = benefit_checks_due(user=None, today=on, jobseekers=rows.jobseekers)
    return [
        Gap(
            "benefit_check_overdue",
            check.jobseeker.municipality_id,
            check.jobseeker.ref,
            _("%(months)s-month check, due %(day)s")
            % {"months": check.months, "day": _day(check.check_on)},
            "placements:jobseeker_detail",
            check.jobseeker.pk,
        )
        for check in checks
        # Overdue as on the jobcoach's to-do list: the reminder window passed without a record.
        if check.overdue
    ]


def _reviews_overdue(rows: Rows, on: date) -> list[Gap]:
    due = reviews_due(user=None, today=on, placements=rows.placements)
    return [
        Gap(
            "review_overdue",
            placement.municipality_id,
            placement.ref,
            _("review due %(day)s") % {"day": _day(placement.review_due_on)},
            "placements:placement_detail",
            placement.pk,
        )
        for placement in due
        if placement.review_due_on < on
    ]


def _past_planned_end_rows(rows: Rows, on: date) -> QuerySet:
    return rows.placements.filter(status=PlacementStatus.ACTIVE, planned_end__lt=on)


def _past_planned_end(rows: Rows, on: date) -> list[Gap]:
    found = (
        _past_planned_end_rows(rows, on)
        .order_by("planned_end", "ref")
        .values_list("pk", "ref", "municipality_id", "planned_end")
    )
    return [
        Gap(
            "past_planned_end",
            m,
            ref,
            _("planned end %(day)s") % {"day": _day(end)},
            "placements:placement_detail",
            pk,
        )
        for pk, ref, m, end in found
    ]


def _untouched_rows(rows: Rows, on: date) -> QuerySet:
    # A review or a lifecycle step is work on the placement even when the row itself did not
    # change; the latest of the three is when someone last looked.
    latest_review = ProgressReview.objects.filter(placement_id=OuterRef("pk")).order_by()
    latest_step = PlacementStateChange.objects.filter(placement_id=OuterRef("pk")).order_by()
    review_at = Subquery(
        latest_review.values("placement_id").annotate(at=Max("updated_at")).values("at")
    )
    step_at = Subquery(
        latest_step.values("placement_id").annotate(at=Max("changed_at")).values("at")
    )
    cutoff = timezone.make_aware(datetime.combine(on - timedelta(days=UNTOUCHED_DAYS), time.min))
    return (
        rows.placements.filter(status__in=OPEN_STATUSES)
        .annotate(
            touched_at=Greatest(
                "updated_at",
                Coalesce(review_at, "updated_at", output_field=DateTimeField()),
                Coalesce(step_at, "updated_at", output_field=DateTimeField()),
            )
        )
        .filter(touched_at__lt=cutoff)
    )


def _untouched(rows: Rows, on: date) -> list[Gap]:
    found = (
        _untouched_rows(rows, on)
        .order_by("touched_at", "ref")
        .values_list("pk", "ref", "municipality_id", "touched_at")
    )
    return [
        Gap(
            "untouched",
            m,
            ref,
            _("last change %(day)s") % {"day": _day(timezone.localdate(at))},
            "placements:placement_detail",
            pk,
        )
        for pk, ref, m, at in found
    ]


def _evaluations_missing_rows(rows: Rows, on: date) -> QuerySet:
    evaluated = HostEvaluation.objects.filter(placement_id=OuterRef("pk"), evaluated_on__lte=on)
    return rows.placements.filter(status__in=ENDED_STATUSES, actual_end__lte=on).exclude(
        Exists(evaluated)
    )


def _evaluations_missing(rows: Rows, on: date) -> list[Gap]:
    found = (
        _evaluations_missing_rows(rows, on)
        .order_by("actual_end", "ref")
        .values_list("pk", "ref", "municipality_id", "actual_end")
    )
    return [
        Gap(
            "evaluation_missing",
            m,
            ref,
            _("ended %(day)s") % {"day": _day(end)},
            "placements:placement_evaluation",
            pk,
        )
        for pk, ref, m, end in found
    ]


def _unknown_end_reason_rows(rows: Rows, on: date) -> QuerySet:
    return rows.benefit_periods.filter(end_date__lte=on, end_reason=BenefitEndReason.OTHER)


def _unknown_end_reasons(rows: Rows, on: date) -> list[Gap]:
    found = (
        _unknown_end_reason_rows(rows, on)
        .order_by("jobseeker__ref", "end_date")
        .values_list("jobseeker_id", "jobseeker__ref", "municipality_id", "end_date")
    )
    return [
        Gap(
            "unknown_end_reason",
            m,
            ref,
            _("benefit ended %(day)s") % {"day": _day(end)},
            "placements:jobseeker_detail",
            pk,
        )
        for pk, ref, m, end in found
    ]


_FINDERS = {
    "no_benefit_period": _no_benefit_period,
    "benefit_check_overdue": _benefit_checks_overdue,
    "review_overdue": _reviews_overdue,
    "past_planned_end": _past_planned_end,
    "untouched": _untouched,
    "evaluation_missing": _evaluations_missing,
    "unknown_end_reason": _unknown_end_reasons,
}


def completeness_gaps(rows: Rows, *, on: date) -> dict[str, list[Gap]]:
    """Every gap in ``rows`` as of ``on``, per kind (in the order of GAP_KINDS)."""
    return {kind: _FINDERS[kind](rows, on) for kind in GAP_KINDS}


def _per_municipality(queryset: QuerySet) -> dict[int, int]:
    counted = queryset.order_by().values("municipality_id").annotate(n=Count("pk"))
    return {row["municipality_id"]: row["n"] for row in counted}


# Per kind: the number of its gaps per municipality id, counted by the database (the same rows
# as the finders above list, without building a Gap for each).
_COUNTERS = {
    "no_benefit_period": lambda rows, on: _per_municipality(_no_benefit_period_rows(rows, on)),
    "benefit_check_overdue": lambda rows, on: overdue_checks_per_municipality(
        rows.jobseekers, today=on
    ),
    "review_overdue": lambda rows, on: overdue_reviews_per_municipality(rows.placements, today=on),
    "past_planned_end": lambda rows, on: _per_municipality(_past_planned_end_rows(rows, on)),
    "untouched": lambda rows, on: _per_municipality(_untouched_rows(rows, on)),
    "evaluation_missing": lambda rows, on: _per_municipality(_evaluations_missing_rows(rows, on)),
    "unknown_end_reason": lambda rows, on: _per_municipality(_unknown_end_reason_rows(rows, on)),
}


def gap_counts(
    rows: Rows, municipality_ids: Iterable[int], *, on: date
) -> dict[int, dict[str, int]]:
    """Per municipality id, the number of gaps of each kind in ``rows`` as of ``on`` (0 where
    there are none): the lengths of ``completeness_gaps(rows, on=on)`` per municipality, in
    seven counting queries, for the overview and the snapshot, which show numbers only."""
    counts = {m: dict.fromkeys(GAP_KINDS, 0) for m in municipality_ids}
    for kind in GAP_KINDS:
        for municipality_id, n in _COUNTERS[kind](rows, on).items():
            if municipality_id in counts:
                counts[municipality_id][kind] = n
    return counts


# --- For a user (the completeness page) ------------------------------------------------------


def visible_rows(user, *, municipality_id: int | None = None) -> Rows:
    """The rows ``user`` may see, optionally of one municipality only."""
    rows = Rows(
        jobseekers=visible(user, Jobseeker),
        placements=visible(user, Placement),
        benefit_periods=visible(user, BenefitPeriod),
    )
    if municipality_id is None:
        return rows
    return Rows(
        jobseekers=rows.jobseekers.filter(municipality_id=municipality_id),
        placements=rows.placements.filter(municipality_id=municipality_id),
        benefit_periods=rows.benefit_periods.filter(municipality_id=municipality_id),
    )


# --- Every municipality (the snapshot) -------------------------------------------------------


@pilot_wide("the snapshot's completeness counts of every municipality")
def all_municipalities_completeness_counts(*, as_of: date) -> dict[str, dict[str, int]]:
    """Per municipality code, the number of gaps of each kind as of ``as_of``: counts only,
    read across every municipality for the stored snapshot."""
    rows = Rows(
        jobseekers=Jobseeker.objects.all(),
        placements=Placement.objects.all(),
        benefit_periods=BenefitPeriod.objects.all(),
    )
    codes = dict(Municipality.objects.values_list("id", "code"))
    counts = gap_counts(rows, codes, on=as_of)
    return {codes[m]: per_kind for m, per_kind in sorted(counts.items(), key=lambda i: codes[i[0]])}
