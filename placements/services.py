"""Writes to jobseekers, benefit periods, placements, progress reviews and benefit checks.

Every write goes through a service here: it validates the row (``full_clean()``, so the model's
rules apply), checks the rules that need other rows inside the transaction, saves, and records
the state change where the lifecycle moved. Forms, the admin, the import and the API call these;
none of them repeats a rule.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.models import Entrepreneur
from pilot.figures import figures_changed
from pilot.models import PilotSettings

from .enums import ChangeSource, PlacementStatus
from .models import (
    BenefitCheck,
    BenefitPeriod,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from .validators import validate_status_change


def _overlapping(start_field: str, end_field: str, start: date, end: date | None) -> Q:
    """Rows whose inclusive [start, end] range meets [start, end]; an empty end is open."""
    q = Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})
    if end is not None:
        q &= Q(**{f"{start_field}__lte": end})
    return q


def _merge(errors: dict[str, list], exc: ValidationError) -> None:
    for field, field_errors in exc.update_error_dict({}).items():
        errors.setdefault(field, []).extend(field_errors)


def jobseeker_save(*, jobseeker: Jobseeker) -> Jobseeker:
    """Validate and save a jobseeker."""
    jobseeker.full_clean()
    jobseeker.save()
    figures_changed()
    return jobseeker


def benefit_period_save(*, period: BenefitPeriod) -> BenefitPeriod:
    """Validate and save a benefit period; periods of one type of one person never overlap."""
    errors: dict[str, list] = {}
    try:
        period.full_clean()
    except ValidationError as exc:
        _merge(errors, exc)
    if not errors:
        clash = (
            BenefitPeriod.objects.filter(
                jobseeker_id=period.jobseeker_id, benefit_type=period.benefit_type
            )
            .exclude(pk=period.pk)
            .filter(_overlapping("start_date", "end_date", period.start_date, period.end_date))
            .order_by("start_date")
            .first()
        )
        if clash is not None:
            errors["start_date"] = [
                ValidationError(
                    _("Overlaps the %(type)s period that started on %(start)s.")
                    % {"type": clash.get_benefit_type_display(), "start": clash.start_date},
                    code="benefit_overlap",
                )
            ]
    if errors:
        raise ValidationError(errors)
    period.save()
    figures_changed()
    return period


Period = tuple[date, date]


def _held(placement: Placement, today: date) -> Period | None:
    """When a placement holds its jobseeker and a place at its entrepreneur (inclusive).

    Proposed and agreed: the planned dates, so that a proposal holds its place from the first
    step until it is cancelled. Started: the actual dates; one still running holds until its
    planned end, or until ``today`` once that has passed (it has not ended yet). Cancelled:
    never.
    """
    if placement.status == PlacementStatus.CANCELLED:
        return None
    if placement.actual_start is None:
        return placement.planned_start, placement.planned_end
    return placement.actual_start, placement.actual_end or max(placement.planned_end, today)


def _meets(a: Period, b: Period) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _busiest_day(period: Period, others: list[tuple[Placement, Period]]) -> list[Placement]:
    """The placements of ``others`` that hold a place on the busiest day of ``period``.

    Counting every placement that meets the period would overstate a limit above one (two
    interns one after the other never share a day); the busiest day is one on which some
    placement starts, or the period's own first day.
    """
    days = {period[0], *(held[0] for _p, held in others if held[0] > period[0])}
    busiest: list[Placement] = []
    for day in sorted(days):
        holding = [p for p, held in others if _meets((day, day), held)]
        if len(holding) > len(busiest):
            busiest = holding
    return busiest


def _placement_clashes(placement: Placement, rules: PilotSettings, today: date) -> dict[str, list]:
    """The rules that need other rows: one internship at a time per jobseeker, and no more
    interns at an entrepreneur at a time than the pilot allows, with the periods of ``_held``.

    A proposed or agreed placement is checked against every other one that holds a place, so
    a clash is refused at the first step. A started one is checked against started ones only:
    plans give way to facts, and a day that really happened (an internship that ran longer)
    is not refused because of another placement's plan; that plan is refused when it is next
    agreed or started instead.
    """
    errors: dict[str, list] = {}
    if placement.planned_start is None or placement.planned_end is None:
        return errors  # full_clean reports the missing dates
    period = _held(placement, today)
    if period is None:
        return errors
    candidates = (
        Placement.objects.filter(
            Q(jobseeker_id=placement.jobseeker_id) | Q(entrepreneur_id=placement.entrepreneur_id)
        )
        .exclude(pk=placement.pk)
        .exclude(status=PlacementStatus.CANCELLED)
        .order_by("planned_start", "ref")
    )
    if placement.actual_start is not None:
        candidates = candidates.filter(actual_start__isnull=False)
    # Both people are locked by the caller and their other placements are few: one query, and
    # the planned-or-actual choice stays in ``_held``.
    others = [(other, held) for other in candidates if _meets(period, held := _held(other, today))]
    date_field = "actual_start" if placement.actual_start else "planned_start"
    same_person = [
        other for other, _held_period in others if other.jobseeker_id == placement.jobseeker_id
    ]
    if same_person:
        other = same_person[0]
        message = (
            _("The jobseeker already has placement %(ref)s running in this period.")
            if other.actual_start
            else _("The jobseeker already has placement %(ref)s (%(status)s) in this period.")
        )
        errors[date_field] = [
            ValidationError(
                message % {"ref": other.ref, "status": other.get_status_display()},
                code="jobseeker_busy",
            )
        ]
    hosted = _busiest_day(
        period, [(o, held) for o, held in others if o.entrepreneur_id == placement.entrepreneur_id]
    )
    if len(hosted) >= rules.interns_per_entrepreneur:
        errors.setdefault("entrepreneur", []).append(
            ValidationError(
                _("The entrepreneur already hosts %(count)s intern(s) in this period (%(refs)s).")
                % {"count": len(hosted), "refs": ", ".join(sorted(p.ref for p in hosted))},
                code="entrepreneur_full",
            )
        )
    return errors


def placement_save(
    *,
    placement: Placement,
    actor=None,
    source: str,
    single_step: bool = True,
    at=None,
) -> Placement:
    """Validate and save a placement, and record its state change when the status moved.

    ``single_step`` allows one lifecycle step at a time (the web forms); the import and the
    admin pass False, as the steps in between may have happened outside the system, but no way
    in can move a placement backwards.
    """
    rules = PilotSettings.load()
    with transaction.atomic():
        # Lock the people involved so that two concurrent saves cannot both pass the
        # "one at a time" checks.
        list(Jobseeker.objects.select_for_update().filter(pk=placement.jobseeker_id))
        list(Entrepreneur.objects.select_for_update().filter(pk=placement.entrepreneur_id))
        previous = (
            Placement.objects.filter(pk=placement.pk).values_list("status", flat=True).first()
            if placement.pk
            else None
        )
        errors: dict[str, list] = {}
        try:
            validate_status_change(previous, placement.status, single_step=single_step)
        except ValidationError as exc:
            _merge(errors, exc)
        try:
            placement.full_clean()
        except ValidationError as exc:
            _merge(errors, exc)
        if not errors.keys() & {"jobseeker", "entrepreneur", "actual_start", "actual_end"}:
            # A replayed step (the demo) is judged on the day it happened.
            today = timezone.localdate(at) if at else timezone.localdate()
            for field, clash in _placement_clashes(placement, rules, today).items():
                errors.setdefault(field, []).extend(clash)
        if errors:
            raise ValidationError(errors)
        placement.save()
        if previous != placement.status:
            PlacementStateChange.objects.create(
                municipality_id=placement.municipality_id,
                placement=placement,
                from_status=previous or "",
                to_status=placement.status,
                changed_by=actor,
                changed_at=at or timezone.now(),
                source=source,
            )
        figures_changed()
    return placement


def placement_transition(
    *, placement: Placement, to_status: str, actor, source: str = ChangeSource.WEB, **fields
) -> Placement:
    """Move a placement one step in its lifecycle, setting the fields that step needs
    (actual_start to start, actual_end to end, end_reason to terminate or cancel)."""
    placement.status = to_status
    for name, value in fields.items():
        setattr(placement, name, value)
    return placement_save(placement=placement, actor=actor, source=source, single_step=True)


def progress_review_save(*, review: ProgressReview) -> ProgressReview:
    """Validate and save a progress review."""
    review.full_clean()
    review.save()
    # Overdue reviews are among the completeness counts stored with the figures.
    figures_changed()
    return review


def benefit_check_save(*, check: BenefitCheck) -> BenefitCheck:
    """Validate and save a benefit check (once per placement and moment: the unique constraint
    is validated by ``full_clean()`` and guarded by the database)."""
    check.full_clean()
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        # Two people recorded the same check at once: the second one learns it is done.
        raise ValidationError(
            _("This check has already been recorded."), code="check_already_recorded"
        ) from None
    return check


def host_evaluation_save(*, evaluation: HostEvaluation, actor) -> HostEvaluation:
    """Validate and save the host's evaluation of an ended internship (one per placement).

    ``actor`` is kept as the one who recorded it when it is new; a later edit keeps the
    original recorder.
    """
    if evaluation.recorded_by_id is None and evaluation.pk is None:
        evaluation.recorded_by = actor
    evaluation.full_clean()
    evaluation.save()
    # A missing evaluation is one of the completeness counts stored with the figures.
    figures_changed()
    return evaluation
