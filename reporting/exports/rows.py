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

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum

from coaching.models import Entrepreneur, GuidanceSession
from municipalities.models import Municipality
from pilot.models import PilotSettings
from placements.enums import WORK_END_REASONS, PlacementStatus, ResearchConsent
from placements.models import BenefitPeriod, Jobseeker, Placement, ProgressReview
from reporting.metrics import MetricsRows, OutflowStatus, metrics_from_rows

from . import variables as v
from .pseudonyms import Pseudonymiser

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
    """
    as_of = scope.as_of
    pilot = PilotSettings.load()
    municipalities = list(
        Municipality.objects.order_by().values_list("id", "code", "name", "planned_places")
    )
    codes = {row[0]: row[1] for row in municipalities}
    last_key = _max_id(Jobseeker)
    jobseekers = (
        _consented_participants(scope)
        .order_by("id")
        .values_list("id", "ref", "municipality_id", "birth_date")
        .iterator(chunk_size=scope.batch_size)
    )
    for batch in _batched(jobseekers, scope.batch_size):
        first_id, last_id = batch[0][0], batch[-1][0]
        # The batch is a run of ids: its rows are read as one index range (an IN list of
        # thousands of ids costs more to prepare than to run). The range also holds jobseekers
        # outside the batch; the consent condition leaves out those who did not consent, and
        # the rules below see only the batch's own jobseekers.
        in_range = {
            "jobseeker_id__gte": first_id,
            "jobseeker_id__lte": last_id,
            "jobseeker__research_consent": ResearchConsent.YES,
        }
        placements = list(
            Placement.objects.filter(**in_range)
            .order_by()
            .values_list("jobseeker_id", "status", "actual_start", "actual_end", "id", "end_reason")
        )
        periods = list(
            BenefitPeriod.objects.filter(**in_range)
            .order_by()
            .values_list("jobseeker_id", "start_date", "end_date", "end_reason", "benefit_type")
        )
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
        placements_of: dict[int, list[tuple]] = defaultdict(list)
        for row in placements:
            placements_of[row[0]].append(row)
        periods_of: dict[int, list[tuple]] = defaultdict(list)
        for row in periods:
            periods_of[row[0]].append(row)

        rows = []
        for jobseeker_id, ref, municipality_id, birth_date in batch:
            outflow = outflow_by_ref[ref]
            started = sorted(
                (
                    p
                    for p in placements_of[jobseeker_id]
                    if p[2] is not None and p[2] <= as_of and p[1] != _CANCELLED
                ),
                key=lambda p: (p[2], p[4]),
            )
            last = started[-1]
            last_ended = last[3] is not None and last[3] <= as_of
            benefit_type, months = benefit_at_start(
                periods=[(p[1], p[2], p[4]) for p in periods_of[jobseeker_id]],
                internship_start=outflow.internship_start,
                as_of=as_of,
            )
            is_outflow = outflow.status == OutflowStatus.OUTFLOW
            rows.append(
                (
                    pseudonyms.participant(jobseeker_id),
                    codes[municipality_id],
                    birth_date.year if birth_date else None,
                    v.BENEFIT_TYPE.code(benefit_type),
                    months,
                    outflow.internship_start,
                    outflow.internship_end,
                    len(started),
                    v.PLACEMENT_STATUS.code(last[1] if last_ended else _ACTIVE),
                    v.PLACEMENT_END_REASON.code(last[5] if last_ended else None),
                    v.OUTFLOW_STATUS.code(outflow.status),
                    outflow.outflow_date,
                    v.BENEFIT_END_REASON.code(outflow.outflow_reason),
                    (_YES if outflow.outflow_reason in _TO_WORK else _NO) if is_outflow else None,
                    _yes_no(outflow.sustained),
                    outflow.window_end,
                )
            )
        yield Batch(rows, min(1.0, last_id / last_key))


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
    if end.day < min(start.day, monthrange(end.year, end.month)[1]):
        months -= 1
    return months


def _yes_no(value: bool | None) -> int | None:
    if value is None:
        return None
    return _YES if value else _NO


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
    status_code, reason_code = v.PLACEMENT_STATUS.code, v.PLACEMENT_END_REASON.code
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
                    pseudonyms.placement(id_),
                    pseudonyms.participant(jobseeker_id),
                    pseudonyms.entrepreneur(entrepreneur_id),
                    status_code(status if ended else _ACTIVE),
                    p_start,
                    p_end,
                    hours,
                    start,
                    end if ended else None,
                    reason_code(reason if ended else None),
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
    type_code, reason_code = v.BENEFIT_TYPE.code, v.BENEFIT_END_REASON.code
    last_key = _max_id(Jobseeker)
    for batch in _batched(rows, scope.batch_size):
        out = []
        for jobseeker_id, benefit_type, start, end, reason, amount in batch:
            # An end after A has not happened yet as of A: the period is running.
            counted = end is not None and end <= as_of
            out.append(
                (
                    pseudonyms.participant(jobseeker_id),
                    type_code(benefit_type),
                    start,
                    end if counted else None,
                    reason_code(reason if counted else None),
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
    last_key = _max_id(ProgressReview)
    for batch in _batched(rows, scope.batch_size):
        out = [
            (
                pseudonyms.placement(placement_id),
                pseudonyms.participant(jobseeker_id),
                held_on,
                next_review_on,
            )
            for placement_id, jobseeker_id, held_on, next_review_on, _id in batch
        ]
        yield Batch(out, min(1.0, batch[-1][-1] / last_key))


def all_municipalities_research_entrepreneurs(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    held = Q(guidance_sessions__held_on__lte=scope.as_of)
    codes = dict(Municipality.objects.order_by().values_list("id", "code"))
    rows = (
        _entrepreneurs(scope)
        .annotate(
            sessions=Count("guidance_sessions", filter=held),
            minutes=Sum("guidance_sessions__minutes", filter=held),
        )
        .order_by("id")
        .values_list("id", "municipality_id", "prior_support", "sessions", "minutes")
        .iterator(chunk_size=scope.batch_size)
    )
    prior_code = v.PRIOR_SUPPORT.code
    last_key = _max_id(Entrepreneur)
    for batch in _batched(rows, scope.batch_size):
        out = [
            (
                pseudonyms.entrepreneur(id_),
                codes[municipality_id],
                prior_code(prior_support),
                sessions,
                minutes or 0,
            )
            for id_, municipality_id, prior_support, sessions, minutes in batch
        ]
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
    mode_code = v.SESSION_MODE.code
    topics = v.TOPICS
    last_key = _max_id(GuidanceSession)
    for batch in _batched(rows, scope.batch_size):
        out = []
        for entrepreneur_id, held_on, minutes, mode, chosen, _id in batch:
            chosen = set(chosen or ())
            out.append(
                (
                    pseudonyms.entrepreneur(entrepreneur_id),
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
