"""The benefit savings of benefit-savings.md, computed per participant in the outflow pass.

``reporting.metrics`` calls ``participant_savings`` for every participant whose status is
``outflow`` while it walks the participants, with the same benefit periods as of A it gave
``participant_outflow``: the savings never read a row of their own, so they cannot disagree with
the outflow figures. Amounts are kept in whole cents (ints) until they are printed, so no float
rounding creeps in and the national-scale pass stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

ONE_DAY = timedelta(days=1)
FOUR_DECIMALS = Decimal("0.0001")


class ParticipantSavings(NamedTuple):
    """One outflow participant's savings; amounts in cents, None where the amount is unknown."""

    ref: str
    municipality_code: str
    outflow_date: date
    monthly_amount_cents: int | None
    days_off_benefits: int
    savings_cents: int | None
    # The (first, last) days off benefits after the outflow, up to A, for the cumulative curve;
    # None for the many without a return to benefits: every day after the outflow up to A.
    # Not part of the JSON.
    days_off: tuple[tuple[date, date], ...] | None


@dataclass(frozen=True, slots=True)
class SavingsFigures:
    outflow: int
    without_amount: int
    days_off_benefits: int
    savings_cents: int


@dataclass(frozen=True, slots=True)
class MunicipalitySavings:
    code: str
    name: str
    figures: SavingsFigures


@dataclass(frozen=True, slots=True)
class SavingsResult:
    as_of: date
    budget: Decimal
    totals: SavingsFigures
    municipalities: list[MunicipalitySavings]  # sorted by code
    participants: list[ParticipantSavings]  # sorted by ref

    @property
    def return_ratio(self) -> Decimal | None:
        """Total savings / budget, to 4 decimals (half up); None when the budget is 0."""
        if not self.budget:
            return None
        return (Decimal(self.totals.savings_cents) / 100 / self.budget).quantize(
            FOUR_DECIMALS, rounding=ROUND_HALF_UP
        )


def participant_savings(
    ref: str, municipality_code: str, periods: Sequence[tuple], outflow_date: date, as_of: date
) -> ParticipantSavings:
    """The savings of one participant whose status is ``outflow`` as of A.

    ``periods`` are the participant's benefit periods as of A as ``metrics.period_as_of`` gives
    them: (start, end or None while running on A, end reason, type, monthly amount or None).
    Loop-shaped like ``participant_outflow``: it runs for every outflow participant.
    """
    # The ending periods: every period that ends on the outflow day, whatever its end reason.
    amount: int | None = 0
    returns: list[tuple[date, date]] | None = None
    for start, end, _reason, _type, monthly_amount in periods:
        if end == outflow_date:
            if monthly_amount is None:
                amount = None
            elif amount is not None:
                amount += int(monthly_amount * 100)
        elif end is None or end > outflow_date:
            # A return to benefits (any type) covers the days it lasts, up to A while it runs.
            # (No period covers the day after the outflow, or it would be no outflow.)
            if returns is None:
                returns = []
            returns.append((start, end or as_of))

    if returns is None:
        # Almost everyone: off benefits every day since the outflow (no spans to keep).
        days = (as_of - outflow_date).days
        days_off = None
    else:
        spans: list[tuple[date, date]] = []
        day = outflow_date + ONE_DAY  # the first day not yet accounted for
        for start, end in sorted(returns):
            if start > day:
                spans.append((day, start - ONE_DAY))
            if end >= day:
                day = end + ONE_DAY
        if day <= as_of:
            spans.append((day, as_of))
        days_off = tuple(spans)
        days = sum((last - first).days + 1 for first, last in spans)
    return ParticipantSavings(
        ref,
        municipality_code,
        outflow_date,
        amount,
        days,
        None if amount is None else (amount * 24 * days + 365) // 730,
        days_off,
    )


def cents_for_days(monthly_amount_cents: int, days: int) -> int:
    """monthly amount x 12 / 365 x days, rounded to cents half up, in integers: exact.
    (``participant_savings`` writes the same sum inline: it is the innermost loop.)"""
    return (monthly_amount_cents * 24 * days + 365) // 730


def savings_figures(counter: Sequence[int]) -> SavingsFigures:
    outflow, without_amount, days, cents = counter
    return SavingsFigures(
        outflow=outflow, without_amount=without_amount, days_off_benefits=days, savings_cents=cents
    )


# --- Savings over time: the curve against the budget ------------------------------------------


def savings_until(participants: Sequence[ParticipantSavings], day: date) -> int:
    """The savings, in cents, of these participants counted up to ``day`` (each rounded as the
    per-participant savings are): on A itself this is the total savings."""
    total = 0
    for participant in participants:
        if participant.monthly_amount_cents is None:
            continue
        if participant.days_off is None:
            days = max(0, (day - participant.outflow_date).days)
        else:
            days = 0
            for first, last in participant.days_off:
                if first > day:
                    break
                days += (min(last, day) - first).days + 1
        total += cents_for_days(participant.monthly_amount_cents, days)
    return total


def savings_curve(result: SavingsResult) -> dict[str, Any]:
    """Cumulative savings at every month end from the first outflow to A, and A itself, with
    the first day they reach the budget (None: not yet).

    It replays the participants counted as of A: a curve of separate as-of computations would
    cost one full pass per point, and these are the same people and the same days.
    """
    participants = [p for p in result.participants if p.monthly_amount_cents is not None]
    budget_cents = int(result.budget * 100)
    if not participants:
        return {"points": [], "break_even": None}
    first = min(p.outflow_date for p in participants)
    points: list[tuple[date, int]] = []
    month = date(first.year, first.month, 1)
    while month <= result.as_of:
        next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        day = min(next_month - ONE_DAY, result.as_of)
        points.append((day, savings_until(participants, day)))
        month = next_month
    break_even = None
    if budget_cents > 0 and points[-1][1] >= budget_cents:
        # The curve never falls: search the day between the last month end below the budget
        # and the first one at or above it.
        index = next(i for i, (_day, cents) in enumerate(points) if cents >= budget_cents)
        low = points[index - 1][0] if index else first
        high = points[index][0]
        while low < high:
            middle = low + (high - low) // 2
            if savings_until(participants, middle) >= budget_cents:
                high = middle
            else:
                low = middle + ONE_DAY
        break_even = high
    return {
        "points": [
            {"date": day.isoformat(), "savings": cents_text(cents)} for day, cents in points
        ],
        "break_even": break_even.isoformat() if break_even else None,
    }


# --- The public JSON (benefit-savings.md) ------------------------------------------------------


def cents_text(cents: int | None) -> str | None:
    """Cents as euros with exactly two decimals: 123450 -> "1234.50"."""
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def savings_as_json_dict(result: SavingsResult) -> dict[str, Any]:
    """The savings JSON of benefit-savings.md, keys in the documented order."""
    ratio = result.return_ratio
    return {
        "as_of": result.as_of.isoformat(),
        "budget": cents_text(int(result.budget * 100)),
        "totals": {
            **_figures_json(result.totals),
            "return_ratio": float(ratio) if ratio is not None else None,
        },
        "municipalities": [
            {"code": m.code, "name": m.name, **_figures_json(m.figures)}
            for m in result.municipalities
        ],
        "participants": [
            {
                "ref": p.ref,
                "municipality_code": p.municipality_code,
                "outflow_date": p.outflow_date.isoformat(),
                "monthly_amount": cents_text(p.monthly_amount_cents),
                "days_off_benefits": p.days_off_benefits,
                "savings": cents_text(p.savings_cents),
            }
            for p in result.participants
        ],
    }


def _figures_json(figures: SavingsFigures) -> dict[str, Any]:
    return {
        "outflow": figures.outflow,
        "without_amount": figures.without_amount,
        "days_off_benefits": figures.days_off_benefits,
        "savings": cents_text(figures.savings_cents),
    }
