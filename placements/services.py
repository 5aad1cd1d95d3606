"""Writes to jobseekers, benefit periods, placements, progress reviews and benefit checks.

Every write goes through a service here: it validates the row (``full_clean()``, so the model's
rules apply), checks the rules that need other rows inside the transaction, saves, and records
the state change where the lifecycle moved. Forms, the admin, the import and the API call these;
none of them repeats a rule.

Every write of an existing row is based on the version the caller read (``kernel.versioning``:
a stale edit raises ``StaleEdit``), and every change of an already recorded fact is a correction:
it needs a reason and leaves a ``Correction`` with the old and new values
(``municipalities.history``), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.models import Entrepreneur
from kernel.figures import figures_changed
from kernel.models import PilotSettings
from kernel.versioning import StaleEdit, lock_current, save_next_version
from municipalities.db_scope import pilot_wide
from municipalities.enums import CorrectionAction, RecordKind
from municipalities.history import (
    ChangedBy,
    correction_errors,
    correction_record,
    fact_changes,
    require_reason,
)
from municipalities.processing_enums import Action
from municipalities.processing_log import record_write

from .enums import UNDO_CLEARS, UNDO_TO, ChangeSource, PlacementStatus
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

# The recorded facts of each record that the history keeps old and new values of. Names,
# contact details and free text stay out (see municipalities.models.Correction).
BENEFIT_FACTS = ("benefit_type", "start_date", "end_date", "end_reason", "monthly_amount")
PLACEMENT_FACTS = (
    "entrepreneur",
    "planned_start",
    "planned_end",
    "hours_per_week",
    "actual_start",
    "actual_end",
    "end_reason",
)
REVIEW_FACTS = ("placement", "held_on", "next_review_on")
REVIEW_TEXT = ("notes",)
EVALUATION_FACTS = (
    "evaluated_on",
    "would_host_again",
    "work_readiness",
    "offer",
    "helped",
    "missing",
)
EVALUATION_TEXT = ("remark",)


def _overlapping(start_field: str, end_field: str, start: date, end: date | None) -> Q:
    """Rows whose inclusive [start, end] range meets [start, end]; an empty end is open."""
    q = Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})
    if end is not None:
        q &= Q(**{f"{start_field}__lte": end})
    return q


def _merge(errors: dict[str, list], exc: ValidationError) -> None:
    for field, field_errors in exc.update_error_dict({}).items():
        errors.setdefault(field, []).extend(field_errors)


# Checks that an app above this one adds to every jobseeker save, registered in its
# AppConfig.ready(): privacy refuses changes to an erased person's record and the reuse of an
# erased reference. Each is called inside the save's transaction, with the row locked, as
# ``check(jobseeker, ref_changed=...)``, and raises ValidationError to refuse.
JOBSEEKER_SAVE_CHECKS: list[Callable[..., None]] = []


def register_jobseeker_save_check(check: Callable[..., None]) -> None:
    if check not in JOBSEEKER_SAVE_CHECKS:
        JOBSEEKER_SAVE_CHECKS.append(check)


# The same rule for many references at once (the import's set way asks for a file's new ones,
# a batch at a time, and then hands the run to the row-by-row way for its message):
# ``check(refs)`` answers True when any of them may not be used.
REFS_REFUSED_CHECKS: list[Callable[[list[str]], bool]] = []


def register_refs_refused_check(check: Callable[[list[str]], bool]) -> None:
    if check not in REFS_REFUSED_CHECKS:
        REFS_REFUSED_CHECKS.append(check)


def jobseeker_save(*, jobseeker: Jobseeker) -> Jobseeker:
    """Validate and save a jobseeker, refusing an edit based on an older version.

    Identity and contact details are not facts of the figures: their changes are not kept in
    the correction history (which would copy them), only the version moves.
    """
    action = Action.UPDATE if jobseeker.pk else Action.CREATE
    with transaction.atomic():
        before = lock_current(jobseeker)
        ref_changed = before is None or before.ref != jobseeker.ref
        for check in JOBSEEKER_SAVE_CHECKS:
            check(jobseeker, ref_changed=ref_changed)
        jobseeker.full_clean()
        save_next_version(jobseeker)
        record_write(action, [jobseeker])
        figures_changed()
    return jobseeker


def benefit_period_save(*, period: BenefitPeriod, change: ChangedBy | None = None) -> BenefitPeriod:
    """Validate and save a benefit period; periods of one type of one person never overlap.

    Changing or clearing a recorded value (an end date, say, or undoing an end) is a
    correction: ``change`` must give its reason, and the history keeps old and new values.
    """
    with transaction.atomic():
        before = lock_current(period)
        action = Action.UPDATE if before is not None else Action.CREATE
        changes = fact_changes(before, period, fields=BENEFIT_FACTS) if before is not None else {}
        errors: dict[str, list] = {}
        corrects = correction_errors(changes, change, errors)
        for field, field_errors in _benefit_period_errors(period).items():
            errors.setdefault(field, []).extend(field_errors)
        if errors:
            raise ValidationError(errors)
        save_next_version(period)
        record_write(action, [period])
        if corrects:
            correction_record(
                record=period,
                record_kind=RecordKind.BENEFIT_PERIOD,
                subject_kind=RecordKind.JOBSEEKER,
                subject_id=period.jobseeker_id,
                action=CorrectionAction.CORRECTED,
                changes=changes,
                change=change,
            )
        figures_changed()
    return period


def benefit_period_withdraw(*, period: BenefitPeriod, change: ChangedBy) -> None:
    """Withdraw a benefit period recorded by mistake: it is deleted, and the history keeps
    what it said, who withdrew it, when and why."""
    with transaction.atomic():
        before = lock_current(period)
        correction_record(
            record=before,
            record_kind=RecordKind.BENEFIT_PERIOD,
            subject_kind=RecordKind.JOBSEEKER,
            subject_id=before.jobseeker_id,
            action=CorrectionAction.WITHDRAWN,
            changes=fact_changes(before, None, fields=BENEFIT_FACTS),
            change=change,
        )
        record_write(Action.DELETE, [before])
        before.delete()
        figures_changed()


def _benefit_period_errors(period: BenefitPeriod) -> dict[str, list]:
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
    return errors


Period = tuple[date, date]

# The placement rules that count other placements (one internship at a time per jobseeker,
# the interns an entrepreneur hosts at a time) hold across municipalities; so does the lock
# that keeps two saves from both passing them. They read (and lock) the other rows in a
# pilot-wide database scope; what leaves is the clash's reference in the error message.
CROSS_MUNICIPALITY_RULES = "placement rules count an entrepreneur's interns of every municipality"


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
    # the planned-or-actual choice stays in ``_held``. Across municipalities: an entrepreneur
    # may host interns of several (the import allows it), and the rule counts them all.
    with pilot_wide(CROSS_MUNICIPALITY_RULES):
        others = [
            (other, held) for other in candidates if _meets(period, held := _held(other, today))
        ]
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
    reason: str = "",
    client=None,
) -> Placement:
    """Validate and save a placement, and record its state change when the status moved.

    ``single_step`` allows one lifecycle step at a time (the web forms); the import and the
    admin pass False, as the steps in between may have happened outside the system, but no way
    in can move a placement backwards (``placement_undo_step`` does that, with a reason).

    When the status stays and an already recorded value changes (a date, the hours, the end
    reason), the save is a correction: ``reason`` is required and the history keeps it.
    """
    return _placement_write(
        placement=placement,
        change=ChangedBy(actor=actor, source=source, reason=reason, client=client),
        single_step=single_step,
        at=at,
    )


def _lock_people(placement: Placement) -> None:
    # Lock the people involved (always in this order, then the placement itself) so that two
    # concurrent saves cannot both pass the "one at a time" checks, nor deadlock.
    with pilot_wide(CROSS_MUNICIPALITY_RULES):
        list(Jobseeker.objects.select_for_update().filter(pk=placement.jobseeker_id))
        list(Entrepreneur.objects.select_for_update().filter(pk=placement.entrepreneur_id))


def _placement_write(
    *,
    placement: Placement,
    change: ChangedBy,
    single_step: bool,
    at=None,
    undo_from: str | None = None,
) -> Placement:
    rules = PilotSettings.load()
    with transaction.atomic():
        _lock_people(placement)
        before = lock_current(placement)
        previous = before.status if before is not None else None
        errors: dict[str, list] = {}
        if undo_from is None:
            try:
                validate_status_change(previous, placement.status, single_step=single_step)
            except ValidationError as exc:
                _merge(errors, exc)
        elif previous != undo_from:
            raise StaleEdit(current=before)
        changes = (
            fact_changes(before, placement, fields=("status", *PLACEMENT_FACTS))
            if before is not None
            else {}
        )
        # A step forward is recorded as a state change; a changed value under the same status,
        # or a step undone, is a correction.
        corrects = undo_from is not None or (
            previous == placement.status and correction_errors(changes, change, errors)
        )
        if undo_from is not None:
            try:
                require_reason(change)
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
        save_next_version(placement)
        record_write(Action.UPDATE if before is not None else Action.CREATE, [placement])
        if previous != placement.status:
            PlacementStateChange.objects.create(
                municipality_id=placement.municipality_id,
                placement=placement,
                from_status=previous or "",
                to_status=placement.status,
                changed_by=change.user,
                changed_by_client=change.client,
                changed_at=at or timezone.now(),
                source=change.source,
            )
        if corrects:
            correction_record(
                record=placement,
                record_kind=RecordKind.PLACEMENT,
                subject_kind=RecordKind.PLACEMENT,
                subject_id=placement.pk,
                action=CorrectionAction.STEP_UNDONE if undo_from else CorrectionAction.CORRECTED,
                changes=changes,
                change=change,
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


def undo_target(placement: Placement) -> str | None:
    """The status a step taken by mistake goes back to, or None when there is no step to undo."""
    if placement.status == PlacementStatus.CANCELLED:
        # Cancelled from proposed or agreed: the state change says which.
        last = (
            PlacementStateChange.objects.filter(
                placement_id=placement.pk, to_status=PlacementStatus.CANCELLED
            )
            .order_by("-changed_at", "-id")
            .values_list("from_status", flat=True)
            .first()
        )
        return last or PlacementStatus.PROPOSED
    return UNDO_TO.get(placement.status)


def placement_undo_step(*, placement: Placement, change: ChangedBy) -> Placement:
    """Take back the last lifecycle step, taken by mistake: the placement returns to the status
    before it, the values that step recorded are cleared, a state change records the step back
    and the history keeps the cleared values, who, when and why (a reason is required)."""
    undo_from = placement.status
    back_to = undo_target(placement)
    if back_to is None:
        raise ValidationError(
            _("Placement %(ref)s has no step to undo.") % {"ref": placement.ref},
            code="nothing_to_undo",
        )
    placement.status = back_to
    for name in UNDO_CLEARS[undo_from]:
        setattr(placement, name, "" if name == "end_reason" else None)
    return _placement_write(
        placement=placement, change=change, single_step=False, undo_from=undo_from
    )


def progress_review_save(
    *, review: ProgressReview, change: ChangedBy | None = None
) -> ProgressReview:
    """Validate and save a progress review. Changing one already saved is a correction (with
    a reason; the history notes that the notes changed, not their text)."""
    with transaction.atomic():
        before = lock_current(review)
        changes = (
            fact_changes(before, review, fields=REVIEW_FACTS, text_fields=REVIEW_TEXT)
            if before is not None
            else {}
        )
        errors: dict[str, list] = {}
        corrects = correction_errors(changes, change, errors)
        try:
            review.full_clean()
        except ValidationError as exc:
            _merge(errors, exc)
        if errors:
            raise ValidationError(errors)
        save_next_version(review)
        record_write(Action.UPDATE if before is not None else Action.CREATE, [review])
        if corrects:
            correction_record(
                record=review,
                record_kind=RecordKind.PROGRESS_REVIEW,
                subject_kind=RecordKind.PLACEMENT,
                subject_id=review.placement_id,
                action=CorrectionAction.CORRECTED,
                changes=changes,
                change=change,
            )
        figures_changed()
    return review


def progress_review_withdraw(*, review: ProgressReview, change: ChangedBy) -> None:
    """Withdraw a progress review recorded by mistake, keeping the trace in the history."""
    with transaction.atomic():
        before = lock_current(review)
        correction_record(
            record=before,
            record_kind=RecordKind.PROGRESS_REVIEW,
            subject_kind=RecordKind.PLACEMENT,
            subject_id=before.placement_id,
            action=CorrectionAction.WITHDRAWN,
            changes=fact_changes(before, None, fields=REVIEW_FACTS, text_fields=REVIEW_TEXT),
            change=change,
        )
        record_write(Action.DELETE, [before])
        before.delete()
        figures_changed()


def benefit_check_save(*, check: BenefitCheck) -> BenefitCheck:
    """Validate and save a benefit check (once per placement and moment: the unique constraint
    is validated by ``full_clean()`` and guarded by the database)."""
    check.full_clean()
    action = Action.UPDATE if check.pk else Action.CREATE
    try:
        with transaction.atomic():
            check.save()
            record_write(action, [check])
    except IntegrityError:
        # Two people recorded the same check at once: the second one learns it is done.
        raise ValidationError(
            _("This check has already been recorded."), code="check_already_recorded"
        ) from None
    return check


def host_evaluation_save(
    *, evaluation: HostEvaluation, actor, change: ChangedBy | None = None
) -> HostEvaluation:
    """Validate and save the host's evaluation of an ended internship (one per placement).

    ``actor`` is kept as the one who recorded it when it is new; a later edit keeps the
    original recorder. Changing a saved evaluation is based on the version the form showed
    and is a correction: ``change`` gives the reason, and the history keeps the old and new
    codes (of the remark only that it changed).
    """
    if evaluation.recorded_by_id is None and evaluation.pk is None:
        evaluation.recorded_by = actor
    with transaction.atomic():
        before = lock_current(evaluation)
        changes = (
            fact_changes(before, evaluation, fields=EVALUATION_FACTS, text_fields=EVALUATION_TEXT)
            if before is not None
            else {}
        )
        errors: dict[str, list] = {}
        corrects = correction_errors(changes, change, errors)
        try:
            evaluation.full_clean()
        except ValidationError as exc:
            _merge(errors, exc)
        if errors:
            raise ValidationError(errors)
        save_next_version(evaluation)
        record_write(Action.UPDATE if before is not None else Action.CREATE, [evaluation])
        if corrects:
            correction_record(
                record=evaluation,
                record_kind=RecordKind.HOST_EVALUATION,
                subject_kind=RecordKind.PLACEMENT,
                subject_id=evaluation.placement_id,
                action=CorrectionAction.CORRECTED,
                changes=changes,
                change=change,
            )
        # A missing evaluation is one of the completeness counts stored with the figures.
        figures_changed()
    return evaluation
