"""The rows of a research export, read across every municipality on purpose.

Like ``reporting.selectors``, these reads do not go through ``municipalities.access``: a
research export covers the whole pilot. What protects the people in it is decided here, once:

- only participants (outflow-metrics.md) with research consent "yes" and their internships,
  benefit periods, progress reviews and entrepreneurs are read;
- only the columns listed in ``variables.py`` are selected: no name, birth date (only the
  year), client number, contact detail, KvK number, trade name, reference or note is ever read;
- internal ids leave only as pseudonyms;
- only facts dated on or before the export date A are exported.

Every function yields batches of at most ``scope.batch_size`` tuples, in the column order of
its table in ``variables.py`` and already coded (integers for coded variables). They stream:
memory does not grow with the number of rows. Each batch also says how far through its table
the read is, from the position of its last key: counting the rows first would cost more than a
third of the time it takes to read them.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from typing import NamedTuple

from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Sum

from coaching.models import Entrepreneur, GuidanceSession
from municipalities.models import Municipality
from pilot.models import PilotSettings
from placements.enums import WORK_END_REASONS, PlacementStatus, ResearchConsent
from placements.models import BenefitPeriod, Jobseeker, Placement, ProgressReview
from reporting.metrics import MetricsRows, OutflowStatus, metrics_from_rows

from . import variables as v
from .pseudonyms import Pseudonymiser
from .writers.safe import safe_cell

DEFAULT_BATCH_SIZE = 2000
ONE_DAY = timedelta(days=1)
_ACTIVE = str(PlacementStatus.ACTIVE)
_CANCELLED = str(PlacementStatus.CANCELLED)
_TO_WORK = frozenset(str(reason) for reason in WORK_END_REASONS)
_YES, _NO = v.YES_NO.code("yes"), v.YES_NO.code("no")


class Batch(NamedTuple):
    rows: list[tuple]
    done: float  # share of the table read so far (0-1), estimated from the last key read


@dataclass(frozen=True, slots=True)
class ResearchScope:
    """What an export covers: the export date A and, for measurements, some municipalities."""

    as_of: date
    municipality_ids: tuple[int, ...] | None = None  # None: every municipality
    batch_size: int = DEFAULT_BATCH_SIZE


# --- Who is in the export --------------------------------------------------------------------


def _started_placements(scope: ResearchScope) -> QuerySet[Placement]:
    """Internships of consented jobseekers that started on or before A (never cancelled ones)."""
    placements = (
        Placement.objects.filter(
            jobseeker__research_consent=ResearchConsent.YES, actual_start__lte=scope.as_of
        )
        .exclude(status=PlacementStatus.CANCELLED)
        .order_by()
    )
    if scope.municipality_ids is not None:
        # A placement's municipality is its jobseeker's (MunicipalityFromParent).
        placements = placements.filter(municipality_id__in=scope.municipality_ids)
    return placements


def _consented_participants(scope: ResearchScope) -> QuerySet[Jobseeker]:
    """Participants as of A (outflow-metrics.md) whose research consent is "yes"."""
    started = Placement.objects.filter(
        jobseeker=OuterRef("pk"), actual_start__lte=scope.as_of
    ).exclude(status=PlacementStatus.CANCELLED)
    jobseekers = Jobseeker.objects.filter(research_consent=ResearchConsent.YES).filter(
        Exists(started)
    )
    if scope.municipality_ids is not None:
        jobseekers = jobseekers.filter(municipality_id__in=scope.municipality_ids)
    return jobseekers.order_by()


def _entrepreneurs(scope: ResearchScope) -> QuerySet[Entrepreneur]:
    return Entrepreneur.objects.filter(
        id__in=_started_placements(scope).values("entrepreneur_id")
    ).order_by()


def _max_id(model) -> int:
    # An index-only lookup; the keys are read in ascending order, so key / max key is the share
    # of the table passed (the rows of other municipalities or without consent are spread over
    # the same range).
    return model.objects.aggregate(last=Max("id"))["last"] or 1


# --- Participants ----------------------------------------------------------------------------


def all_municipalities_research_participants(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    """The participants table, one batch of jobseekers at a time.

    The outflow figures come from ``metrics_from_rows`` over the batch's own rows. The rules
    look at each participant's own internships and benefit periods only, so a batch gives
    exactly the figures the whole pilot's computation (``pilot_metrics``) gives.

    Three queries in all, each streamed in jobseeker order: the participants, their
    internships and their benefit periods. Each batch of participants takes the internships
    and periods up to its last jobseeker from the other two streams (a merge), rather than
    querying them per batch: one pass over each table costs about half of 2 x 16 range reads.
    """
    as_of = scope.as_of
    pilot = PilotSettings.load()
    municipalities = list(
        Municipality.objects.order_by().values_list("id", "code", "name", "planned_places")
    )
    codes = _municipality_codes()
    last_key = _max_id(Jobseeker)
    participants = _consented_participants(scope)
    jobseekers = (
        participants.order_by("id")
        .values_list("id", "ref", "municipality_id", "birth_date")
        .iterator(chunk_size=scope.batch_size)
    )
    of_participants = participants.values("id")
    placement_rows = _Merge(
        Placement.objects.filter(jobseeker_id__in=of_participants)
        .order_by("jobseeker_id")
        .values_list("jobseeker_id", "status", "actual_start", "actual_end", "id", "end_reason")
        .iterator(chunk_size=scope.batch_size)
    )
    period_rows = _Merge(
        BenefitPeriod.objects.filter(jobseeker_id__in=of_participants)
        .order_by("jobseeker_id")
        .values_list("jobseeker_id", "start_date", "end_date", "end_reason", "benefit_type")
        .iterator(chunk_size=scope.batch_size)
    )
    participant_pseudonym = pseudonyms.maker("participant")
    benefit_code = v.BENEFIT_TYPE.coder()
    status_code = v.PLACEMENT_STATUS.coder()
    end_reason_code = v.PLACEMENT_END_REASON.coder()
    outflow_code = v.OUTFLOW_STATUS.coder()
    outflow_reason_code = v.BENEFIT_END_REASON.coder()
    active, outflow_status = status_code(_ACTIVE), str(OutflowStatus.OUTFLOW)
    yes_no = {None: None, True: _YES, False: _NO}
    no_rows: list[tuple] = []
    for batch in _batched(jobseekers, scope.batch_size):
        last_id = batch[-1][0]
        placements = placement_rows.up_to(last_id)
        periods = period_rows.up_to(last_id)
        result = metrics_from_rows(
            rows=MetricsRows(
                municipalities=municipalities,
                jobseekers=[(id_, ref, municipality_id) for id_, ref, municipality_id, _b in batch],
                placements=[row[:4] for row in placements],
                benefit_periods=periods,
            ),
            as_of=as_of,
            target_ratio=pilot.target_ratio,
            follow_up_months=pilot.follow_up_months,
        )
        outflow_by_ref = {participant.ref: participant for participant in result.participants}
        # Started internships only (as in the rules), as (start, id, status, end, end reason).
        started_of: dict[int, list[tuple]] = defaultdict(list)
        for jobseeker_id, status, start, end, id_, reason in placements:
            if start is not None and start <= as_of and status != _CANCELLED:
                started_of[jobseeker_id].append((start, id_, status, end, reason))
        periods_of: dict[int, list[tuple]] = defaultdict(list)
        for jobseeker_id, start, end, _reason, benefit_type in periods:
            periods_of[jobseeker_id].append((start, end, benefit_type))

        rows = []
        for jobseeker_id, ref, municipality_id, birth_date in batch:
            outflow = outflow_by_ref[ref]
            started = started_of[jobseeker_id]
            if len(started) > 1:
                started.sort()  # by actual start, then id: the last one started last
            _start, _id, last_status, last_end, last_reason = started[-1]
            last_ended = last_end is not None and last_end <= as_of
            benefit_type, months = benefit_at_start(
                periods=periods_of.get(jobseeker_id, no_rows),
                internship_start=outflow.internship_start,
                as_of=as_of,
            )
            is_outflow = outflow.status == outflow_status
            reason = outflow.outflow_reason
            rows.append(
                (
                    participant_pseudonym(jobseeker_id),
                    codes[municipality_id],
                    birth_date.year if birth_date else None,
                    benefit_code(benefit_type),
                    months,
                    outflow.internship_start,
                    outflow.internship_end,
                    len(started),
                    status_code(last_status) if last_ended else active,
                    end_reason_code(last_reason) if last_ended else None,
                    outflow_code(outflow.status),
                    outflow.outflow_date,
                    outflow_reason_code(reason),
                    (_YES if reason in _TO_WORK else _NO) if is_outflow else None,
                    yes_no[outflow.sustained],
                    outflow.window_end,
                )
            )
        yield Batch(rows, min(1.0, last_id / last_key))


class _Merge:
    """Rows sorted by their first column (a jobseeker id), handed out in consecutive runs."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def up_to(self, last_id: int) -> list[tuple]:
        """The rows whose first column is at most ``last_id`` that were not handed out yet."""
        taken = []
        row, rows = self._next, self._rows
        while row is not None and row[0] <= last_id:
            taken.append(row)
            row = next(rows, None)
        self._next = row
        return taken


def _municipality_codes() -> dict[int, str]:
    # Neutralised here, once per municipality, so that the writers need not look at every
    # row's code (variables.MUNICIPALITY_CODE is formula_safe). A CBS code never needs it.
    return {
        id_: safe_cell(code)
        for id_, code in Municipality.objects.order_by().values_list("id", "code")
    }


def benefit_at_start(
    *, periods: Iterable[tuple[date, date | None, str]], internship_start: date, as_of: date
) -> tuple[str | None, int | None]:
    """(benefit type, whole months on benefits) on ``internship_start``; see the codebook.

    ``periods`` are (start_date, end_date, benefit_type). As in outflow-metrics.md, only
    periods that started on or before A exist, and an end after A does not count yet.
    """
    existing = [
        (start, end if end is not None and end <= as_of else None, benefit_type)
        for start, end, benefit_type in periods
        if start <= as_of
    ]
    running = sorted(
        (start, benefit_type)
        for start, end, benefit_type in existing
        if start <= internship_start and (end is None or end >= internship_start)
    )
    if not running:
        return None, None
    # Walk back through periods that touch the spell: one ending the day before it starts (or
    # later) leaves no day off benefits, so the spell started with that period.
    spell_start = running[0][0]
    extended = True
    while extended:
        extended = False
        for start, end, _type in existing:
            if start < spell_start and (end is None or end >= spell_start - ONE_DAY):
                spell_start = start
                extended = True
    return running[0][1], whole_months(spell_start, internship_start)


def whole_months(start: date, end: date) -> int:
    """The largest n with add_months(start, n) <= end (pilot.dates semantics), for end >= start.

    Computed from the calendar rather than by calling add_months: this runs once per
    participant and relativedelta costs microseconds a call. A start on the 31st reaches a
    short month on its last day (31 January + 1 month = 28/29 February).
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    # Only a day of the month before the start's needs the month's length (monthrange is the
    # slow part, and most days are not).
    if end.day < start.day and end.day < monthrange(end.year, end.month)[1]:
        months -= 1
    return months


# --- Long tables -----------------------------------------------------------------------------


def _batched(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def all_municipalities_research_placements(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    as_of = scope.as_of
    rows = (
        _started_placements(scope)
        .order_by("id")
        .values_list(
            "id",
            "jobseeker_id",
            "entrepreneur_id",
            "status",
            "planned_start",
            "planned_end",
            "hours_per_week",
            "actual_start",
            "actual_end",
            "end_reason",
        )
        .iterator(chunk_size=scope.batch_size)
    )
    status_code, reason_code = v.PLACEMENT_STATUS.coder(), v.PLACEMENT_END_REASON.coder()
    active = status_code(_ACTIVE)
    placement_pseudonym = pseudonyms.maker("placement")
    participant_pseudonym = pseudonyms.maker("participant")
    entrepreneur_pseudonym = pseudonyms.maker("entrepreneur")
    last_key = _max_id(Placement)
    for batch in _batched(rows, scope.batch_size):
        out = []
        for (
            id_,
            jobseeker_id,
            entrepreneur_id,
            status,
            p_start,
            p_end,
            hours,
            start,
            end,
            reason,
        ) in batch:
            ended = end is not None and end <= as_of
            out.append(
                (
                    placement_pseudonym(id_),
                    participant_pseudonym(jobseeker_id),
                    entrepreneur_pseudonym(entrepreneur_id),
                    status_code(status) if ended else active,
                    p_start,
                    p_end,
                    hours,
                    start,
                    end if ended else None,
                    reason_code(reason) if ended else None,
                )
            )
        yield Batch(out, min(1.0, batch[-1][0] / last_key))


def _benefit_periods(scope: ResearchScope) -> QuerySet[BenefitPeriod]:
    return BenefitPeriod.objects.filter(
        start_date__lte=scope.as_of,
        jobseeker_id__in=_consented_participants(scope).values("id"),
    ).order_by()


def all_municipalities_research_benefit_periods(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    as_of = scope.as_of
    rows = (
        _benefit_periods(scope)
        .order_by("jobseeker_id", "start_date", "benefit_type")
        .values_list(
            "jobseeker_id", "benefit_type", "start_date", "end_date", "end_reason", "monthly_amount"
        )
        .iterator(chunk_size=scope.batch_size)
    )
    type_code, reason_code = v.BENEFIT_TYPE.coder(), v.BENEFIT_END_REASON.coder()
    participant_pseudonym = pseudonyms.maker("participant")
    last_key = _max_id(Jobseeker)
    # The rows come in jobseeker order: a participant's periods follow each other, so the
    # pseudonym of the previous row is reused (three periods a participant on average).
    previous_id, pseudonym = None, ""
    for batch in _batched(rows, scope.batch_size):
        out = []
        for jobseeker_id, benefit_type, start, end, reason, amount in batch:
            if jobseeker_id != previous_id:
                previous_id, pseudonym = jobseeker_id, participant_pseudonym(jobseeker_id)
            # An end after A has not happened yet as of A: the period is running.
            counted = end is not None and end <= as_of
            out.append(
                (
                    pseudonym,
                    type_code(benefit_type),
                    start,
                    end if counted else None,
                    reason_code(reason) if counted else None,
                    amount,
                )
            )
        yield Batch(out, min(1.0, batch[-1][0] / last_key))


def _progress_reviews(scope: ResearchScope) -> QuerySet[ProgressReview]:
    return ProgressReview.objects.filter(
        held_on__lte=scope.as_of, placement_id__in=_started_placements(scope).values("id")
    ).order_by()


def all_municipalities_research_progress_reviews(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    # Dates only: the notes column is never selected.
    rows = (
        _progress_reviews(scope)
        .order_by("id")
        .values_list("placement_id", "placement__jobseeker_id", "held_on", "next_review_on", "id")
        .iterator(chunk_size=scope.batch_size)
    )
    placement_pseudonym = pseudonyms.maker("placement")
    participant_pseudonym = pseudonyms.maker("participant")
    last_key = _max_id(ProgressReview)
    for batch in _batched(rows, scope.batch_size):
        out = [
            (
                placement_pseudonym(placement_id),
                participant_pseudonym(jobseeker_id),
                held_on,
                next_review_on,
            )
            for placement_id, jobseeker_id, held_on, next_review_on, _id in batch
        ]
        yield Batch(out, min(1.0, batch[-1][-1] / last_key))


def all_municipalities_research_entrepreneurs(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    codes = _municipality_codes()
    rows = (
        _entrepreneurs(scope)
        .order_by("id")
        .values_list("id", "municipality_id", "prior_support")
        .iterator(chunk_size=scope.batch_size)
    )
    # The guidance totals as a second stream in entrepreneur order, merged in: a COUNT and SUM
    # over a LEFT JOIN grouped by entrepreneur cost twice as much as reading both separately.
    totals = _Merge(
        _guidance_sessions(scope)
        .order_by("entrepreneur_id")
        .values("entrepreneur_id")
        .annotate(sessions=Count("id"), minutes=Sum("minutes"))
        .values_list("entrepreneur_id", "sessions", "minutes")
        .iterator(chunk_size=scope.batch_size)
    )
    prior_code = v.PRIOR_SUPPORT.coder()
    entrepreneur_pseudonym = pseudonyms.maker("entrepreneur")
    last_key = _max_id(Entrepreneur)
    none = (0, 0)
    for batch in _batched(rows, scope.batch_size):
        held = {row[0]: row[1:] for row in totals.up_to(batch[-1][0])}
        out = []
        for id_, municipality_id, prior_support in batch:
            sessions, minutes = held.get(id_, none)
            out.append(
                (
                    entrepreneur_pseudonym(id_),
                    codes[municipality_id],
                    prior_code(prior_support),
                    sessions,
                    minutes or 0,
                )
            )
        yield Batch(out, min(1.0, batch[-1][0] / last_key))


def _guidance_sessions(scope: ResearchScope) -> QuerySet[GuidanceSession]:
    return GuidanceSession.objects.filter(
        held_on__lte=scope.as_of,
        entrepreneur_id__in=_started_placements(scope).values("entrepreneur_id"),
    ).order_by()


def all_municipalities_research_guidance_sessions(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    # No notes and no coach: date, duration, mode and topics only.
    rows = (
        _guidance_sessions(scope)
        .order_by("id")
        .values_list("entrepreneur_id", "held_on", "minutes", "mode", "topics", "id")
        .iterator(chunk_size=scope.batch_size)
    )
    mode_code = v.SESSION_MODE.coder()
    entrepreneur_pseudonym = pseudonyms.maker("entrepreneur")
    topics = v.TOPICS
    last_key = _max_id(GuidanceSession)
    for batch in _batched(rows, scope.batch_size):
        out = []
        for entrepreneur_id, held_on, minutes, mode, chosen, _id in batch:
            chosen = set(chosen or ())
            out.append(
                (
                    entrepreneur_pseudonym(entrepreneur_id),
                    held_on,
                    minutes,
                    mode_code(mode),
                    *(_YES if topic in chosen else _NO for topic in topics),
                )
            )
        yield Batch(out, min(1.0, batch[-1][-1] / last_key))


# Table name -> its row source, in the order of variables.TABLES.
ROW_SOURCES = {
    "participants": all_municipalities_research_participants,
    "placements": all_municipalities_research_placements,
    "benefit_periods": all_municipalities_research_benefit_periods,
    "progress_reviews": all_municipalities_research_progress_reviews,
    "entrepreneurs": all_municipalities_research_entrepreneurs,
    "guidance_sessions": all_municipalities_research_guidance_sessions,
}
