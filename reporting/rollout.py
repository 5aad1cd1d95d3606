"""The rollout calculator (issue 14): what the pilot's observed results would mean at a larger
scale, always with the uncertainty they carry.

Two halves:
- ``rollout_basis`` runs when a snapshot is computed and keeps, in the snapshot, the few
  observed figures a projection rests on (so that a report rendered again projects the same);
- ``project`` is pure arithmetic on that basis and the chosen scale (municipalities x places);
  the page and the funder report call it during the request.

What is extrapolated, and from what:
- the **outflow rate**: outflow among the participants whose window has closed (their internship
  ended at least the follow-up period before A, so their result is final); 95% Wilson interval;
- the **first-year savings per place**: for each of those participants, the benefit savings
  from the outflow up to the end of their window (the first year after the internship with the
  default follow-up), 0 without outflow; the mean with a 95% interval from the normal
  approximation (mean +/- 1.96 x standard deviation / sqrt(n)). Participants who left benefits
  without a recorded amount are left out of this mean (their savings are unknown);
- the **costs per place**: the jobcoach hours x rate (settings), the IMK minutes per participant
  observed so far x the IMK rate, and the pilot budget per planned place.

Fewer than ``MIN_CLOSED_WINDOWS`` observations: nothing is extrapolated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .savings import SavingsResult, cents_text, savings_until

# Two-sided 95%: the standard normal quantile at 0.975.
Z95 = 1.959963984540054
# Below this many closed windows the observed rate says too little to scale up.
MIN_CLOSED_WINDOWS = 20
MUNICIPALITIES_IN_NL = 342
DEFAULT_PLACES = 10
MAX_MUNICIPALITIES = MUNICIPALITIES_IN_NL
MAX_PLACES = 1000


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, method 3)."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("need 0 <= successes <= n and n > 0")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: list[int], z: float = Z95) -> tuple[float, float, float]:
    """(mean, low, high): the normal-approximation 95% interval of the mean, low at least 0."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, mean, mean
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = z * math.sqrt(variance / n)
    return mean, max(0.0, mean - half), mean + half


# --- The basis, kept in the snapshot ---------------------------------------------------------


def rollout_basis(
    *,
    participants: list,  # metrics.ParticipantOutflow, as of A
    savings: SavingsResult,
    as_of: date,
    follow_up_months: int,
    planned_places: int,
    imk_minutes: int,
) -> dict[str, Any]:
    """The observed figures a projection rests on (counts and sums only, no person)."""
    by_ref = {p.ref: p for p in savings.participants}
    closed = outflow = without_amount = 0
    first_year: list[int] = []  # cents per closed-window participant with known savings
    for p in participants:
        if p.window_end is None or p.window_end > as_of:
            continue  # still in their window: their result is not final
        closed += 1
        if p.status != "outflow":
            first_year.append(0)
            continue
        outflow += 1
        saving = by_ref[p.ref]
        if saving.monthly_amount_cents is None:
            without_amount += 1
            continue
        first_year.append(savings_until([saving], p.window_end))
    if first_year:
        mean, low, high = mean_interval(first_year)
    else:
        mean = low = high = 0.0
    return {
        "as_of": as_of.isoformat(),
        "follow_up_months": follow_up_months,
        "participants": len(participants),
        "closed_windows": closed,
        "closed_outflow": outflow,
        "closed_without_amount": without_amount,
        "savings_observations": len(first_year),
        # Per closed-window participant (0 without outflow), in euros with two decimals.
        "first_year_savings_mean": cents_text(round(mean)),
        "first_year_savings_low": cents_text(round(low)),
        "first_year_savings_high": cents_text(round(high)),
        "planned_places": planned_places,
        "imk_minutes": imk_minutes,
    }


# --- The projection ---------------------------------------------------------------------------

WHOLE = Decimal("1")


def _euros(value: Decimal) -> Decimal:
    return value.quantize(WHOLE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Assumption:
    text: str
    value: str
    observations: int | None  # None: a setting, not an observation


@dataclass(frozen=True)
class Projection:
    municipalities: int
    places_per_municipality: int
    places: int
    closed_windows: int
    closed_outflow: int
    enough: bool  # False: too few closed windows, nothing is extrapolated
    savings_enough: bool
    rate: float | None = None
    rate_low: float | None = None
    rate_high: float | None = None
    outflow: int | None = None
    outflow_low: int | None = None
    outflow_high: int | None = None
    savings: Decimal | None = None
    savings_low: Decimal | None = None
    savings_high: Decimal | None = None
    costs: Decimal | None = None
    net: Decimal | None = None
    net_low: Decimal | None = None
    net_high: Decimal | None = None
    cost_per_place: Decimal | None = None
    cost_per_outflow: Decimal | None = None
    cost_per_outflow_low: Decimal | None = None  # at the interval's high outflow
    cost_per_outflow_high: Decimal | None = None
    savings_observations: int = 0


def project(
    *, basis: Mapping[str, Any], costs: Mapping[str, Any], municipalities: int, places: int
) -> Projection:
    """The pilot's observed results at ``municipalities`` x ``places``; ``costs`` is the
    snapshot's costs block (its rates)."""
    n = municipalities * places
    closed, outflow = basis["closed_windows"], basis["closed_outflow"]
    common = {
        "municipalities": municipalities,
        "places_per_municipality": places,
        "places": n,
        "closed_windows": closed,
        "closed_outflow": outflow,
        "savings_observations": basis["savings_observations"],
    }
    if closed < MIN_CLOSED_WINDOWS:
        return Projection(enough=False, savings_enough=False, **common)
    rate = outflow / closed
    low, high = wilson_interval(outflow, closed)
    cost_per_place = cost_per_place_of(basis, costs)
    total_costs = _euros(cost_per_place * n)
    values: dict[str, Any] = {
        "rate": rate,
        "rate_low": low,
        "rate_high": high,
        "outflow": round(rate * n),
        "outflow_low": math.floor(low * n),
        "outflow_high": math.ceil(high * n),
        "costs": total_costs,
        "cost_per_place": _euros(cost_per_place),
    }
    expected_outflow = Decimal(rate * n)
    if expected_outflow > 0:
        values["cost_per_outflow"] = _euros(cost_per_place * n / expected_outflow)
        values["cost_per_outflow_low"] = _euros(cost_per_place * n / Decimal(high * n))
        if low > 0:
            values["cost_per_outflow_high"] = _euros(cost_per_place * n / Decimal(low * n))
    savings_enough = basis["savings_observations"] >= MIN_CLOSED_WINDOWS
    if savings_enough:
        savings = _euros(Decimal(basis["first_year_savings_mean"]) * n)
        savings_low = _euros(Decimal(basis["first_year_savings_low"]) * n)
        savings_high = _euros(Decimal(basis["first_year_savings_high"]) * n)
        values.update(
            savings=savings,
            savings_low=savings_low,
            savings_high=savings_high,
            net=savings - total_costs,
            net_low=savings_low - total_costs,
            net_high=savings_high - total_costs,
        )
    return Projection(enough=True, savings_enough=savings_enough, **common, **values)


def cost_per_place_of(basis: Mapping[str, Any], costs: Mapping[str, Any]) -> Decimal:
    """Jobcoach hours x rate + observed IMK hours per participant x rate + budget per place."""
    jobcoach = Decimal(costs["jobcoach_hours_per_participant"]) * Decimal(
        costs["jobcoach_hourly_rate"]
    )
    participants = basis["participants"]
    imk_hours = Decimal(basis["imk_minutes"]) / 60 / participants if participants else Decimal(0)
    imk = imk_hours * Decimal(costs["imk_hourly_rate"])
    planned = basis["planned_places"]
    budget = Decimal(costs["totals"]["budget"]) / planned if planned else Decimal(0)
    return jobcoach + imk + budget


# --- The assumptions, in words -----------------------------------------------------------------


def assumptions(basis: Mapping[str, Any], costs: Mapping[str, Any]) -> list[Assumption]:
    """What a projection assumes, each with the number of observations it rests on."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    def money(value: Decimal | str) -> str:
        return "€ " + number_format(
            Decimal(value).quantize(WHOLE, rounding=ROUND_HALF_UP), 0, force_grouping=True
        )

    closed, outflow = basis["closed_windows"], basis["closed_outflow"]
    participants = basis["participants"]
    imk_hours = (
        Decimal(basis["imk_minutes"]) / 60 / participants if participants else Decimal(0)
    ).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    rows = [
        Assumption(
            _(
                "New participants leave benefits within their window as often as the pilot's "
                "participants whose window has closed."
            ),
            _("%(outflow)s of %(closed)s") % {"outflow": outflow, "closed": closed},
            closed,
        ),
        Assumption(
            _(
                "A place saves as much in benefits in the first year after the internship as a "
                "pilot place whose window has closed, on average (nothing without outflow)."
            ),
            money(basis["first_year_savings_mean"]),
            basis["savings_observations"],
        ),
        Assumption(
            _("A jobcoach spends %(hours)s hours per participant, at %(rate)s an hour.")
            % {
                "hours": number_format(Decimal(costs["jobcoach_hours_per_participant"]), 1),
                "rate": money(costs["jobcoach_hourly_rate"]),
            },
            _("%(amount)s per participant")
            % {
                "amount": money(
                    Decimal(costs["jobcoach_hours_per_participant"])
                    * Decimal(costs["jobcoach_hourly_rate"])
                )
            },
            None,
        ),
        Assumption(
            _(
                "IMK guidance takes as many hours per participant as in the pilot so far, at "
                "%(rate)s an hour."
            )
            % {"rate": money(costs["imk_hourly_rate"])},
            _("%(hours)s hours") % {"hours": number_format(imk_hours, 1)},
            participants,
        ),
        Assumption(
            _("Each place costs as much of the programme budget as a planned place in the pilot."),
            money(Decimal(costs["totals"]["budget"]) / basis["planned_places"])
            if basis["planned_places"]
            else money(0),
            None,
        ),
        Assumption(
            _(
                "The intervals show the uncertainty of the pilot's own results (95%); they do "
                "not cover differences between municipalities or a changing labour market."
            ),
            "95%",
            None,
        ),
    ]
    return rows
