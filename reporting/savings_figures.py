"""The benefit savings as the dashboard and the reports show them, read from a stored snapshot.

Like ``dashboard``, this never computes: it reads the snapshot's ``savings`` (benefit-savings.md
plus the curve) and reduces it to what a scope may see. Totals outside the whole pilot are sums
over the visible municipalities; the budget, the return on it and the curve against it belong to
the whole pilot (the budget is not divided over municipalities), so only a whole-pilot scope
gets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .charts import Chart, savings_against_budget_chart
from .models import MetricsSnapshot

if TYPE_CHECKING:  # dashboard imports this module to render the savings
    from .dashboard import Scope

PERCENT = Decimal("1")


@dataclass(frozen=True)
class MunicipalitySavingsRow:
    code: str
    name: str
    outflow: int
    without_amount: int
    days_off_benefits: int
    savings: Decimal
    # The costs of coaching (reporting.costs), from the same snapshot:
    participants: int = 0
    imk_hours: Decimal = Decimal(0)
    coaching_costs: Decimal = Decimal(0)
    coaching_cost_per_outflow: Decimal | None = None
    net: Decimal = Decimal(0)  # savings - coaching costs


@dataclass(frozen=True)
class Costs:
    """The costs the snapshot stored with the savings, within a scope (reporting.costs)."""

    imk_hourly_rate: Decimal
    jobcoach_hourly_rate: Decimal
    jobcoach_hours_per_participant: Decimal
    participants: int
    imk_hours: Decimal
    imk_costs: Decimal
    jobcoach_costs: Decimal
    coaching_costs: Decimal
    coaching_cost_per_outflow: Decimal | None
    # Whole pilot only (None otherwise): the budget added, per outflow, and savings minus all.
    costs: Decimal | None
    cost_per_outflow: Decimal | None
    net: Decimal  # savings - costs for the whole pilot; savings - coaching costs otherwise


@dataclass(frozen=True)
class SavingsSummary:
    as_of: date
    outflow: int
    without_amount: int
    days_off_benefits: int
    savings: Decimal
    municipalities: list[MunicipalitySavingsRow]  # sorted by code, within the scope
    # Whole pilot only (None otherwise):
    budget: Decimal | None
    return_ratio: Decimal | None
    break_even: date | None
    curve: list[tuple[date, Decimal]]
    costs: Costs | None = None

    @property
    def return_percent(self) -> Decimal | None:
        """The return as a whole percentage, for readers who do not think in ratios."""
        if self.return_ratio is None:
            return None
        return (self.return_ratio * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)

    @property
    def whole_pilot(self) -> bool:
        return self.budget is not None

    def chart(self) -> Chart | None:
        if not self.whole_pilot:
            return None
        return savings_against_budget_chart(
            points=self.curve, budget=self.budget, break_even=self.break_even, as_of=self.as_of
        )


def snapshot_savings(snapshot: MetricsSnapshot, scope: Scope) -> SavingsSummary:
    """The savings of ``snapshot`` that ``scope`` may see (aggregates only, never a person)."""
    stored = snapshot.savings
    # A snapshot stored before the costs were kept (shown only while the worker is down) has
    # the savings without them.
    stored_costs = {m["code"]: m for m in stored.get("costs", {}).get("municipalities", [])}
    rows = [
        _row(m, stored_costs.get(m["code"]))
        for m in stored["municipalities"]
        if scope.codes is None or m["code"] in scope.codes
    ]
    whole = scope.whole_pilot
    totals = stored["totals"]
    ratio = totals["return_ratio"]
    curve = stored["curve"]
    break_even = curve["break_even"]
    return SavingsSummary(
        as_of=snapshot.as_of,
        outflow=totals["outflow"] if whole else sum(r.outflow for r in rows),
        without_amount=totals["without_amount"] if whole else sum(r.without_amount for r in rows),
        days_off_benefits=totals["days_off_benefits"]
        if whole
        else sum(r.days_off_benefits for r in rows),
        savings=Decimal(totals["savings"]) if whole else sum((r.savings for r in rows), Decimal(0)),
        municipalities=rows,
        budget=Decimal(stored["budget"]) if whole else None,
        # The stored ratio is a float in the JSON; str() gives back its 4 decimals exactly.
        return_ratio=Decimal(str(ratio)) if whole and ratio is not None else None,
        break_even=date.fromisoformat(break_even) if whole and break_even else None,
        curve=[(date.fromisoformat(p["date"]), Decimal(p["savings"])) for p in curve["points"]]
        if whole
        else [],
        costs=_costs(stored, rows, whole) if "costs" in stored else None,
    )


def _money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _row(m: dict, costs: dict | None) -> MunicipalitySavingsRow:
    if costs is None:
        return MunicipalitySavingsRow(
            code=m["code"],
            name=m["name"],
            outflow=m["outflow"],
            without_amount=m["without_amount"],
            days_off_benefits=m["days_off_benefits"],
            savings=Decimal(m["savings"]),
        )
    return MunicipalitySavingsRow(
        code=m["code"],
        name=m["name"],
        outflow=m["outflow"],
        without_amount=m["without_amount"],
        days_off_benefits=m["days_off_benefits"],
        savings=Decimal(m["savings"]),
        participants=costs["participants"],
        imk_hours=Decimal(costs["imk_minutes"]) / 60,
        coaching_costs=Decimal(costs["coaching_costs"]),
        coaching_cost_per_outflow=_money(costs["coaching_cost_per_outflow"]),
        net=Decimal(costs["net"]),
    )


def _costs(stored: dict, rows: list[MunicipalitySavingsRow], whole: bool) -> Costs:
    block = stored["costs"]
    rates = {
        "imk_hourly_rate": Decimal(block["imk_hourly_rate"]),
        "jobcoach_hourly_rate": Decimal(block["jobcoach_hourly_rate"]),
        "jobcoach_hours_per_participant": Decimal(block["jobcoach_hours_per_participant"]),
    }
    if whole:
        t = block["totals"]
        return Costs(
            **rates,
            participants=t["participants"],
            imk_hours=Decimal(t["imk_minutes"]) / 60,
            imk_costs=Decimal(t["imk_costs"]),
            jobcoach_costs=Decimal(t["jobcoach_costs"]),
            coaching_costs=Decimal(t["coaching_costs"]),
            coaching_cost_per_outflow=_money(t["coaching_cost_per_outflow"]),
            costs=Decimal(t["costs"]),
            cost_per_outflow=_money(t["cost_per_outflow"]),
            net=Decimal(t["net"]),
        )
    # A set of municipalities: sums of their stored rows (exact: two-decimal strings).
    mine = [m for m in block["municipalities"] if m["code"] in {r.code for r in rows}]
    coaching = sum((Decimal(m["coaching_costs"]) for m in mine), Decimal(0))
    outflow = sum(m["outflow"] for m in mine)
    return Costs(
        **rates,
        participants=sum(m["participants"] for m in mine),
        imk_hours=Decimal(sum(m["imk_minutes"] for m in mine)) / 60,
        imk_costs=sum((Decimal(m["imk_costs"]) for m in mine), Decimal(0)),
        jobcoach_costs=sum((Decimal(m["jobcoach_costs"]) for m in mine), Decimal(0)),
        coaching_costs=coaching,
        coaching_cost_per_outflow=(coaching / outflow).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if outflow
        else None,
        costs=None,
        cost_per_outflow=None,
        net=sum((Decimal(m["net"]) for m in mine), Decimal(0)),
    )
