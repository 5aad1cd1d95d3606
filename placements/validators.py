"""The placement and benefit rules of domain.md, each in one pure function.

Every function raises a ValidationError keyed by field name (which is also the CSV column name),
with a stable code. Model.clean() calls them, so the admin, the forms, the API and the import all
get the same rules.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kernel.dates import add_months

from .enums import (
    ENDED_STATUSES,
    NEEDS_END_REASON,
    NEXT_STATUSES,
    BenefitCheckOutcome,
    PlacementStatus,
)


def validate_planned_duration(
    *, planned_start: date | None, planned_end: date | None, min_months: int, max_months: int
) -> None:
    if planned_start is None or planned_end is None:
        return
    if planned_end < add_months(planned_start, min_months):
        raise ValidationError(
            {
                "planned_end": ValidationError(
                    _("The planned end must be at least %(months)s months after the start."),
                    code="planned_too_short",
                    params={"months": min_months},
                )
            }
        )
    if planned_end > add_months(planned_start, max_months):
        raise ValidationError(
            {
                "planned_end": ValidationError(
                    _("The planned end may be at most %(months)s months after the start."),
                    code="planned_too_long",
                    params={"months": max_months},
                )
            }
        )


def validate_placement_state(
    *,
    status: str,
    actual_start: date | None,
    actual_end: date | None,
    end_reason: str,
    min_months: int,
    max_months: int,
) -> None:
    """Which actual dates and end reason each status needs, and how long an internship runs."""
    errors: dict[str, ValidationError] = {}
    if status in {PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.CANCELLED}:
        if actual_start is not None:
            errors["actual_start"] = ValidationError(
                _("A placement that has not started has no actual start."),
                code="unexpected_actual_start",
            )
        if actual_end is not None:
            errors["actual_end"] = ValidationError(
                _("A placement that has not started has no actual end."),
                code="unexpected_actual_end",
            )
    else:
        if actual_start is None:
            errors["actual_start"] = ValidationError(
                _("An active, completed or terminated placement needs its actual start."),
                code="actual_start_required",
            )
        if status == PlacementStatus.ACTIVE and actual_end is not None:
            errors["actual_end"] = ValidationError(
                _("An active placement has no actual end yet."), code="unexpected_actual_end"
            )
        if status in ENDED_STATUSES and actual_end is None:
            errors["actual_end"] = ValidationError(
                _("A completed or terminated placement needs its actual end."),
                code="actual_end_required",
            )
    if actual_start and actual_end and "actual_end" not in errors:
        if actual_end < actual_start:
            errors["actual_end"] = ValidationError(
                _("The actual end cannot be before the actual start."), code="end_before_start"
            )
        elif actual_end > add_months(actual_start, max_months):
            errors["actual_end"] = ValidationError(
                _("An internship lasts at most %(months)s months."),
                code="internship_too_long",
                params={"months": max_months},
            )
        elif status == PlacementStatus.COMPLETED and actual_end < add_months(
            actual_start, min_months
        ):
            errors["actual_end"] = ValidationError(
                _(
                    "A completed internship ran at least %(months)s months; one that ended "
                    "earlier is terminated."
                ),
                code="completed_too_short",
                params={"months": min_months},
            )
    if status in NEEDS_END_REASON and not end_reason:
        errors["end_reason"] = ValidationError(
            _("A terminated or cancelled placement needs an end reason."),
            code="end_reason_required",
        )
    if status not in NEEDS_END_REASON and end_reason:
        errors["end_reason"] = ValidationError(
            _("Only a terminated or cancelled placement has an end reason."),
            code="unexpected_end_reason",
        )
    if errors:
        raise ValidationError(errors)


def is_reachable(from_status: str, to_status: str) -> bool:
    """Whether ``to_status`` lies on or ahead of ``from_status`` in the lifecycle."""
    seen, todo = set(), [from_status]
    while todo:
        current = todo.pop()
        if current == to_status:
            return True
        seen.add(current)
        todo.extend(s for s in NEXT_STATUSES.get(current, ()) if s not in seen)
    return False


def validate_status_change(from_status: str | None, to_status: str, *, single_step: bool) -> None:
    if from_status is None or from_status == to_status:
        return
    allowed = (
        to_status in NEXT_STATUSES.get(from_status, ())
        if single_step
        else is_reachable(from_status, to_status)
    )
    if not allowed:
        raise ValidationError(
            {
                "status": ValidationError(
                    _("A placement cannot go from %(from)s to %(to)s."),
                    code="invalid_transition",
                    params={
                        "from": PlacementStatus(from_status).label,
                        "to": PlacementStatus(to_status).label,
                    },
                )
            }
        )


def validate_benefit_period(
    *, start_date: date | None, end_date: date | None, end_reason: str
) -> None:
    errors: dict[str, ValidationError] = {}
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = ValidationError(
            _("The end date cannot be before the start date."), code="end_before_start"
        )
    if end_date and not end_reason:
        errors["end_reason"] = ValidationError(
            _("A benefit that ended needs an end reason."), code="end_reason_required"
        )
    if not end_date and end_reason:
        errors["end_reason"] = ValidationError(
            _("Only a benefit that ended has an end reason."), code="unexpected_end_reason"
        )
    if errors:
        raise ValidationError(errors)


def validate_birth_date(value: date | None, *, today: date) -> None:
    if value is not None and value >= today:
        raise ValidationError(_("The birth date must be in the past."), code="birth_date_not_past")


def validate_progress_review(
    *,
    held_on: date | None,
    next_review_on: date | None,
    actual_start: date | None,
    actual_end: date | None,
) -> None:
    """A review lies inside its internship (from the actual start to the actual end; a running
    internship's upper bound is today, which the "no fact in the future" rule already holds)
    and the next review comes after it."""
    errors: dict[str, ValidationError] = {}
    if held_on is not None:
        if actual_start is None:
            errors["held_on"] = ValidationError(
                _("A progress review is held during the internship; this one has not started."),
                code="review_not_started",
            )
        elif held_on < actual_start:
            errors["held_on"] = ValidationError(
                _("The review cannot be before the internship started (%(start)s)."),
                code="review_before_internship",
                params={"start": date_format(actual_start)},
            )
        elif actual_end is not None and held_on > actual_end:
            errors["held_on"] = ValidationError(
                _("The review cannot be after the internship ended (%(end)s)."),
                code="review_after_internship",
                params={"end": date_format(actual_end)},
            )
        if next_review_on is not None and next_review_on <= held_on:
            errors["next_review_on"] = ValidationError(
                _("The next review must be after this review."), code="next_review_not_after"
            )
    if errors:
        raise ValidationError(errors)


def validate_benefit_check(
    *,
    placement_status: str,
    internship_end: date | None,
    checked_on: date | None,
    outcome: str,
    reason: str,
) -> None:
    """A benefit check follows an internship that ended, is not dated before that end, and has
    a reason exactly when it could not be done."""
    errors: dict[str, ValidationError] = {}
    if placement_status not in ENDED_STATUSES:
        errors["placement"] = ValidationError(
            _("A benefit check follows an internship that has been completed or terminated."),
            code="check_placement_not_ended",
        )
    elif checked_on is not None and internship_end is not None and checked_on < internship_end:
        errors["checked_on"] = ValidationError(
            _("The check cannot be before the internship ended (%(end)s)."),
            code="check_before_internship_end",
            params={"end": date_format(internship_end)},
        )
    if outcome == BenefitCheckOutcome.COULD_NOT_CHECK and not reason.strip():
        errors["reason"] = ValidationError(
            _("Say why the benefit status could not be checked."), code="check_reason_required"
        )
    if outcome != BenefitCheckOutcome.COULD_NOT_CHECK and reason.strip():
        errors["reason"] = ValidationError(
            _("Only a check that could not be done has a reason."), code="unexpected_check_reason"
        )
    if errors:
        raise ValidationError(errors)


def validate_choice_list(value, *, allowed: Iterable[str]) -> None:
    """A list of distinct codes from ``allowed`` (the multiple choices of an evaluation)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Choose from the list."), code="invalid_choices")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValidationError(
            _("Unknown choice: %(choices)s."),
            code="invalid_choices",
            params={"choices": ", ".join(unknown)},
        )


def validate_host_evaluation(
    *, status: str, actual_start: date | None, evaluated_on: date | None
) -> None:
    """An evaluation is of an internship that ended (completed or terminated), held on a day
    from the internship's start on: the exit talk often falls in its last week. (Not after
    today: the facts' rule of ``kernel.validators``.)"""
    if status not in ENDED_STATUSES:
        raise ValidationError(
            {
                "placement": ValidationError(
                    _("An evaluation can only be recorded once the internship has ended."),
                    code="placement_not_ended",
                )
            }
        )
    if evaluated_on is not None and actual_start is not None and evaluated_on < actual_start:
        raise ValidationError(
            {
                "evaluated_on": ValidationError(
                    _("The evaluation cannot be before the internship started."),
                    code="evaluation_before_start",
                )
            }
        )
