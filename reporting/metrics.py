"""The outflow figures of outflow-metrics.md, computed from plain rows.

This module never touches the database: ``metrics_from_rows`` takes the rows that
``reporting.selectors`` reads (or that a test writes by hand) and the report date A, and returns
the figures per participant, per municipality and in total. The same rows and the same A always
give the same result, so the dashboard, the API, the PDF reports and ``pilot_metrics`` agree.

It is written for national scale (about 34,000 participants and 100,000 benefit periods): every
row is visited once to group it by jobseeker, after which each participant only looks at their
own few rows.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.dates import add_months
from placements.enums import COUNTED_END_REASONS, WORK_END_REASONS, PlacementStatus

from .savings import (
    MunicipalitySavings,
    ParticipantSavings,
    SavingsResult,
    participant_savings,
    savings_figures,
)

# outflow-metrics.md fixes the sustained window at six months; it is not a pilot setting.
SUSTAINED_MONTHS = 6
ONE_DAY = timedelta(days=1)
# benefit-savings.md: the pilot budget unless the settings change it.
DEFAULT_BUDGET = Decimal("100000")


class OutflowStatus(models.TextChoices):
    OUTFLOW = "outflow", _("outflow")
    OPEN = "open", _("open")
    NO_OUTFLOW = "no_outflow", _("no outflow")


# --- Input: the columns the rules need, one tuple per database row -----------------------------
#
# The computation reads rows by position, so any tuple in these column orders will do: the
# selector hands over the tuples ``values_list`` yields as they come (wrapping 150,000 of them
# in these classes would cost more than reading them), and tests write the named forms.


class MunicipalityRow(NamedTuple):
    id: int
    code: str
    name: str
    planned_places: int


class JobseekerRow(NamedTuple):
    id: int
    ref: str
    municipality_id: int


class PlacementRow(NamedTuple):
    jobseeker_id: int
    status: str
    actual_start: date | None
    actual_end: date | None


class BenefitPeriodRow(NamedTuple):
    jobseeker_id: int
    start_date: date
    end_date: date | None
    end_reason: str
    benefit_type: str
    # benefit-savings.md: the savings read the amount of the periods that end on the outflow day.
    monthly_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class MetricsRows:
    municipalities: Sequence[tuple]  # MunicipalityRow columns
    jobseekers: Sequence[tuple]  # JobseekerRow columns
    placements: Sequence[tuple]  # PlacementRow columns
    benefit_periods: Sequence[tuple]  # BenefitPeriodRow columns


# --- Output ----------------------------------------------------------------------------------


# NamedTuples rather than frozen dataclasses: as immutable, and several times cheaper to create,
# which counts at tens of thousands of participants.
class Outflow(NamedTuple):
    """The figures of one participant, as ``participant_outflow`` returns them."""

    status: str
    internship_start: date
    internship_end: date | None
    window_end: date | None
    outflow_date: date | None
    outflow_reason: str | None
    sustained: bool | None


# A participant's figures with who they are: ref and municipality code, then Outflow's fields.
ParticipantOutflow = NamedTuple(  # noqa: UP014 - the fields are Outflow's, not written twice
    "ParticipantOutflow",
    [("ref", str), ("municipality_code", str), *Outflow.__annotations__.items()],
)


@dataclass(frozen=True, slots=True)
class Figures:
    planned_places: int
    target_outflow: Decimal
    participants: int
    outflow: int
    outflow_to_work: int
    sustained_outflow: int
    open: int
    no_outflow: int


@dataclass(frozen=True, slots=True)
class MunicipalityFigures:
    code: str
    name: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class MetricsResult:
    as_of: date
    target_ratio: Decimal
    totals: Figures
    municipalities: list[MunicipalityFigures]  # sorted by code
    participants: list[ParticipantOutflow]  # sorted by ref
    # benefit-savings.md, from the same rows in the same pass; None only when not asked for.
    savings: SavingsResult | None


# --- The rules -------------------------------------------------------------------------------

# Plain strings: membership tests on them are the innermost loop.
_COUNTED = frozenset(str(reason) for reason in COUNTED_END_REASONS)
_TO_WORK = frozenset(str(reason) for reason in WORK_END_REASONS)
_CANCELLED = str(PlacementStatus.CANCELLED)
_OUTFLOW, _OPEN, _NO_OUTFLOW = (str(s) for s in OutflowStatus)

# A benefit period as it stands on A: (start, end or None while running on A, end reason, type,
# monthly amount or None).
PeriodAsOf = tuple[date, date | None, str, str, Decimal | None]


def metrics_from_rows(
    *,
    rows: MetricsRows,
    as_of: date,
    target_ratio: Decimal,
    follow_up_months: int = 12,
    budget: Decimal = DEFAULT_BUDGET,
    with_savings: bool = True,
) -> MetricsResult:
    """The outflow figures and the benefit savings as of ``as_of`` (the report date A) for the
    given rows. ``with_savings=False`` leaves the savings out: the national-scale benchmark
    measures what they add to the outflow pass that way."""
    with cyclic_gc_paused():
        return _metrics(rows, as_of, target_ratio, follow_up_months, budget, with_savings)


def _metrics(
    rows: MetricsRows,
    as_of: date,
    target_ratio: Decimal,
    follow_up_months: int,
    budget: Decimal,
    with_savings: bool,
) -> MetricsResult:
    # Only facts dated on or before A exist. A cancelled placement never makes a participant,
    # whatever dates it carries.
    started: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for jobseeker_id, status, actual_start, actual_end in rows.placements:
        if actual_start is not None and actual_start <= as_of and status != _CANCELLED:
            started[jobseeker_id].append((actual_start, actual_end))

    periods: dict[int, list[PeriodAsOf]] = defaultdict(list)
    for (
        jobseeker_id,
        start_date,
        end_date,
        end_reason,
        benefit_type,
        amount,
    ) in rows.benefit_periods:
        if start_date <= as_of and jobseeker_id in started:
            periods[jobseeker_id].append(
                period_as_of(start_date, end_date, end_reason, benefit_type, as_of, amount)
            )

    codes = {row[0]: row[1] for row in rows.municipalities}
    # Per municipality: participants, outflow, to work, sustained, open, no_outflow.
    counts: dict[int, list[int]] = {row[0]: [0, 0, 0, 0, 0, 0] for row in rows.municipalities}
    # Per municipality: outflow, without amount, days off benefits, savings in cents.
    saved: dict[int, list[int]] = {row[0]: [0, 0, 0, 0] for row in rows.municipalities}
    participants: list[ParticipantOutflow] = []
    savings: list[ParticipantSavings] = []
    no_periods: list[PeriodAsOf] = []
    for jobseeker_id, ref, municipality_id in rows.jobseekers:
        placements = started.get(jobseeker_id)
        if not placements or municipality_id not in counts:
            continue
        own_periods = periods.get(jobseeker_id, no_periods)
        participant = ParticipantOutflow(
            ref,
            codes[municipality_id],
            *participant_outflow(placements, own_periods, as_of, follow_up_months),
        )
        participants.append(participant)
        counter = counts[municipality_id]
        counter[0] += 1
        if participant.status == _OUTFLOW:
            counter[1] += 1
            if participant.outflow_reason in _TO_WORK:
                counter[2] += 1
            if participant.sustained is True:
                counter[3] += 1
            if not with_savings:
                continue
            saving = participant_savings(
                ref, participant.municipality_code, own_periods, participant.outflow_date, as_of
            )
            savings.append(saving)
            tally = saved[municipality_id]
            tally[0] += 1
            tally[2] += saving.days_off_benefits
            if saving.savings_cents is None:
                tally[1] += 1
            else:
                tally[3] += saving.savings_cents
        elif participant.status == _OPEN:
            counter[4] += 1
        else:
            counter[5] += 1

    participants.sort(key=attrgetter("ref"))
    municipalities = [
        MunicipalityFigures(
            code=code, name=name, figures=_figures(planned, target_ratio, counts[id_])
        )
        for id_, code, name, planned in sorted(rows.municipalities, key=itemgetter(1))
    ]
    total_counts = [sum(column) for column in zip(*counts.values(), strict=True)] or [0] * 6
    totals = _figures(sum(row[3] for row in rows.municipalities), target_ratio, total_counts)
    savings.sort(key=attrgetter("ref"))
    saved_totals = [sum(column) for column in zip(*saved.values(), strict=True)] or [0] * 4
    return MetricsResult(
        as_of=as_of,
        target_ratio=target_ratio,
        totals=totals,
        municipalities=municipalities,
        participants=participants,
        savings=None
        if not with_savings
        else SavingsResult(
            as_of=as_of,
            budget=budget,
            totals=savings_figures(saved_totals),
            municipalities=[
                MunicipalitySavings(code=code, name=name, figures=savings_figures(saved[id_]))
                for id_, code, name, _planned in sorted(rows.municipalities, key=itemgetter(1))
            ],
            participants=savings,
        ),
    )


def period_as_of(
    start_date: date,
    end_date: date | None,
    end_reason: str,
    benefit_type: str,
    as_of: date,
    monthly_amount: Decimal | None = None,
) -> PeriodAsOf:
    """A benefit period that started on or before A as it stands on A: an end after A has not
    happened yet, so the period is running (no end, no end reason)."""
    if end_date is None or end_date > as_of:
        return (start_date, None, "", benefit_type, monthly_amount)
    return (start_date, end_date, end_reason, benefit_type, monthly_amount)


def participant_outflow(
    placements: list[tuple[date, date | None]],
    periods: list[PeriodAsOf],
    as_of: date,
    follow_up_months: int,
) -> Outflow:
    """One participant's figures: ``placements`` are (start, end) of their internships started
    as of A (not cancelled), ``periods`` their benefit periods that exist as of A, as
    ``period_as_of`` gives them. Positional and loop-shaped: it runs per participant, here and
    in the research export."""
    internship_start, internship_end = placements[0]
    running = internship_end is None or internship_end > as_of
    for start, end in placements[1:]:
        if start < internship_start:
            internship_start = start
        if end is None or end > as_of:
            running = True
        elif internship_end is None or end > internship_end:
            internship_end = end
    # E is known only once every started placement has ended as of A.
    if running:
        internship_end = window_end = None
    else:
        window_end = add_months(internship_end, follow_up_months)

    # The earliest outflow event in [S, W]. Two events on one day cannot both be "the" outflow;
    # the period with the earlier start (then benefit type) wins, so the result is stable.
    outflow: PeriodAsOf | None = None
    for period in periods:
        start, end, reason, benefit_type, _amount = period
        if end is None or reason not in _COUNTED or end < internship_start:
            continue
        if window_end is not None and end > window_end:
            continue
        if outflow is not None and (end, start, benefit_type) >= (
            outflow[1],
            outflow[0],
            outflow[3],
        ):
            continue
        # Not on benefits on e + 1: no period covers that day. A period still running on A
        # covers every day from its start on.
        next_day = end + ONE_DAY
        for other_start, other_end, _reason, _type, _amount in periods:
            if other_start <= next_day and (other_end is None or other_end >= next_day):
                break
        else:
            outflow = period

    if outflow is None:
        status = _OPEN if window_end is None or as_of < window_end else _NO_OUTFLOW
        return Outflow(status, internship_start, internship_end, window_end, None, None, None)

    outflow_date = outflow[1]
    sustained_until = add_months(outflow_date, SUSTAINED_MONTHS)
    # ``periods`` holds only periods that exist as of A, so "and on or before A" is given.
    sustained: bool | None = None
    for other_start, _end, _reason, _type, _amount in periods:
        if outflow_date < other_start <= sustained_until:
            sustained = False
            break
    else:
        if as_of >= sustained_until:
            sustained = True
    return Outflow(
        _OUTFLOW, internship_start, internship_end, window_end, outflow_date, outflow[2], sustained
    )


def _figures(planned_places: int, target_ratio: Decimal, counter: Sequence[int]) -> Figures:
    participants, outflow, to_work, sustained, open_, no_outflow = counter
    return Figures(
        planned_places=planned_places,
        target_outflow=planned_places * target_ratio,
        participants=participants,
        outflow=outflow,
        outflow_to_work=to_work,
        sustained_outflow=sustained,
        open=open_,
        no_outflow=no_outflow,
    )


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    # The computation creates some 200,000 small tuples, lists and dicts and no reference
    # cycles. The cyclic collector would walk them over and over (at national scale it more
    # than doubled the time); reference counting alone frees all of it. Only the call that
    # paused the collector switches it back on.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- The public JSON (data-exchange.md) ------------------------------------------------------


def metrics_as_json_dict(result: MetricsResult) -> dict[str, Any]:
    """The metrics JSON of data-exchange.md, keys in the documented order."""
    return {
        "as_of": result.as_of.isoformat(),
        "target_ratio": float(result.target_ratio),
        "totals": _figures_json(result.totals),
        "municipalities": [
            {"code": m.code, "name": m.name, **_figures_json(m.figures)}
            for m in result.municipalities
        ],
        "participants": [
            {
                "ref": p.ref,
                "municipality_code": p.municipality_code,
                "status": p.status,
                "internship_start": _iso(p.internship_start),
                "internship_end": _iso(p.internship_end),
                "window_end": _iso(p.window_end),
                "outflow_date": _iso(p.outflow_date),
                "outflow_reason": p.outflow_reason,
                "sustained": p.sustained,
            }
            for p in result.participants
        ],
    }


def _figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "planned_places": figures.planned_places,
        "target_outflow": float(figures.target_outflow),
        "participants": figures.participants,
        "outflow": figures.outflow,
        "outflow_to_work": figures.outflow_to_work,
        "sustained_outflow": figures.sustained_outflow,
        "open": figures.open,
        "no_outflow": figures.no_outflow,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
