"""The rows of a research export, table by table, as Python tuples.

Every row source yields batches of at most ``scope.batch_size`` tuples in the column order of
its table in ``variables.py``, already coded (integers for coded variables) and with
pseudonyms in place of ids. They stream: memory does not grow with the number of rows. Each
batch also says how far through its table the read is, from the position of its last key:
counting the rows first would cost more than a third of the time it takes to read them.

Who is in the export is decided in ``scope.py``; the long tables are single queries in
``long_tables.py``. This module computes the participants table, whose outflow figures come
from the rules of ``reporting.metrics``.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from kernel.models import PilotSettings
from placements.enums import WORK_END_REASONS, PlacementStatus
from placements.models import Jobseeker
from reporting.metrics import OutflowStatus, PeriodAsOf, participant_outflow, period_as_of
from reporting.savings import participant_savings

from . import long_tables
from . import variables as v
from .pseudonyms import Pseudonymiser
from .scope import (
    DEFAULT_BATCH_SIZE,
    Batch,
    ResearchScope,
    all_municipalities_consented_benefit_periods,
    all_municipalities_consented_participants,
    all_municipalities_started_placements,
    max_id,
    municipality_codes,
)

ONE_DAY = timedelta(days=1)
_ACTIVE = str(PlacementStatus.ACTIVE)
_TO_WORK = frozenset(str(reason) for reason in WORK_END_REASONS)
_YES, _NO = v.YES_NO.code("yes"), v.YES_NO.code("no")

__all__ = ["DEFAULT_BATCH_SIZE", "ROW_SOURCES", "Batch", "ResearchScope"]


# --- Participants ----------------------------------------------------------------------------


def all_municipalities_research_participants(
    *, scope: ResearchScope, pseudonyms: Pseudonymiser
) -> Iterator[Batch]:
    """The participants table, one participant after another, in batches.

    Three queries, each streamed in jobseeker order: the participants, their started
    internships and their benefit periods that exist as of A. They are walked side by side, so
    each participant gets their own rows without any look-up, and their figures come from
    ``participant_outflow``, the rule ``pilot_metrics`` applies to every participant: the
    figures here are exactly the ones of the whole pilot's computation.
    """
    as_of = scope.as_of
    follow_up_months = PilotSettings.load().follow_up_months
    codes = municipality_codes()
    last_key = max_id(Jobseeker)
    chunk = scope.batch_size
    jobseekers = (
        all_municipalities_consented_participants(scope)
        .order_by("id")
        .values_list("id", "municipality_id", "birth_date")
        .iterator(chunk_size=chunk)
    )
    internships = _Runs(
        all_municipalities_started_placements(scope)
        .order_by("jobseeker_id", "actual_start", "id")  # the last one started last
        .values_list("jobseeker_id", "actual_start", "actual_end", "status", "end_reason")
        .iterator(chunk_size=chunk)
    )
    benefit_periods = _Runs(
        all_municipalities_consented_benefit_periods(scope)
        .order_by("jobseeker_id")
        .values_list(
            "jobseeker_id", "start_date", "end_date", "end_reason", "benefit_type", "monthly_amount"
        )
        .iterator(chunk_size=chunk)
    )
    participant_pseudonym = pseudonyms.maker("participant")
    benefit_code = v.BENEFIT_TYPE.coder()
    status_code = v.PLACEMENT_STATUS.coder()
    end_reason_code = v.PLACEMENT_END_REASON.coder()
    outflow_code = v.OUTFLOW_STATUS.coder()
    outflow_reason_code = v.BENEFIT_END_REASON.coder()
    active, outflow_status = status_code(_ACTIVE), str(OutflowStatus.OUTFLOW)
    yes_no = {None: None, True: _YES, False: _NO}

    rows: list[tuple] = []
    for jobseeker_id, municipality_id, birth_date in jobseekers:
        own = internships.take(jobseeker_id)
        if not own:
            continue  # the internship was cancelled between the two reads: not a participant
        periods = [
            period_as_of(start, end, reason, benefit_type, as_of, amount)
            for _id, start, end, reason, benefit_type, amount in benefit_periods.take(jobseeker_id)
        ]
        outflow = participant_outflow(
            [(start, end) for _id, start, end, _status, _reason in own],
            periods,
            as_of,
            follow_up_months,
        )
        _id, _start, last_end, last_status, last_reason = own[-1]
        last_ended = last_end is not None and last_end <= as_of
        benefit_type, months = benefit_at_start(periods, outflow.internship_start)
        reason = outflow.outflow_reason
        # The savings of benefit-savings.md, from the same periods as the outflow figures.
        saving = (
            participant_savings("", "", periods, outflow.outflow_date, as_of)
            if outflow.status == outflow_status
            else None
        )
        rows.append(
            (
                participant_pseudonym(jobseeker_id),
                codes[municipality_id],
                birth_date.year if birth_date else None,
                benefit_code(benefit_type),
                months,
                outflow.internship_start,
                outflow.internship_end,
                len(own),
                status_code(last_status) if last_ended else active,
                end_reason_code(last_reason) if last_ended else None,
                outflow_code(outflow.status),
                outflow.outflow_date,
                outflow_reason_code(reason),
                (_YES if reason in _TO_WORK else _NO) if outflow.status == outflow_status else None,
                yes_no[outflow.sustained],
                outflow.window_end,
                saving.days_off_benefits if saving else None,
                _euros(saving.monthly_amount_cents) if saving else None,
                _euros(saving.savings_cents) if saving else None,
            )
        )
        if len(rows) == chunk:
            yield Batch(rows, min(1.0, jobseeker_id / last_key))
            rows = []
    if rows:
        yield Batch(rows, min(1.0, jobseeker_id / last_key))


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents).scaleb(-2)


class _Runs:
    """Rows sorted by their first column (a jobseeker id), handed out one jobseeker at a time."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, key: int) -> list[tuple]:
        """The rows whose first column is ``key``; asked for in ascending order of keys."""
        row, rows = self._next, self._rows
        # Rows of someone who is not in the first stream: only when data changed between reads.
        while row is not None and row[0] < key:
            row = next(rows, None)
        run = []
        while row is not None and row[0] == key:
            run.append(row)
            row = next(rows, None)
        self._next = row
        return run


def benefit_at_start(
    periods: Iterable[PeriodAsOf], internship_start: date
) -> tuple[str | None, int | None]:
    """(benefit type, whole months on benefits) on ``internship_start``; see the codebook.

    ``periods`` are the participant's benefit periods as of A, as ``period_as_of`` gives them
    (the rules' view: an end after A has not happened yet).
    """
    running = sorted(
        (start, benefit_type)
        for start, end, _reason, benefit_type, _amount in periods
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
        for start, end, _reason, _type, _amount in periods:
            if start < spell_start and (end is None or end >= spell_start - ONE_DAY):
                spell_start = start
                extended = True
    return running[0][1], whole_months(spell_start, internship_start)


def whole_months(start: date, end: date) -> int:
    """The largest n with add_months(start, n) <= end (kernel.dates semantics), for end >= start.

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


# --- Every table -----------------------------------------------------------------------------


def _long_table_source(name: str):
    table = long_tables.LONG_TABLES[name]

    def source(*, scope: ResearchScope, pseudonyms: Pseudonymiser) -> Iterator[Batch]:
        return long_tables.batches(table, scope=scope, pseudonyms=pseudonyms)

    source.__name__ = f"all_municipalities_research_{name}"
    return source


# Table name -> its row source, in the order of variables.TABLES.
ROW_SOURCES = {
    "participants": all_municipalities_research_participants,
    **{name: _long_table_source(name) for name in long_tables.LONG_TABLES},
}
