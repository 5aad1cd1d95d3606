"""The pilot's costs next to its savings (issue 14): the budget plus the cost of coaching.

Coaching costs, per municipality as of A:
- **IMK costs** = the minutes of the guidance sessions held on or before A x the IMK coach's
  hourly rate / 60 (the same sessions, as of the same A, as the guidance figures);
- **jobcoach costs** = the participants as of A (outflow-metrics.md) x the jobcoach hours per
  participant x the jobcoach's hourly rate;
- **coaching costs** = IMK costs + jobcoach costs; **coaching cost per outflow** = coaching
  costs / outflow (null without outflow); **net** = savings - coaching costs.

In total the budget is added: **costs** = budget + coaching costs, **cost per outflow** = costs /
outflow, **net** = savings - costs. The budget belongs to the whole pilot and is not divided over
the municipalities. Every amount is in whole cents, rounded half up per municipality; the totals
are sums of those (as the savings are), so the columns add up.

The result is stored in the snapshot beside the savings of benefit-savings.md (``costs``), with
the rates it used, so that a report rendered again shows the same costs after a rate changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .savings import cents_text


def _cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def _divide(cents: int, count: int) -> int | None:
    """cents / count rounded half up to whole cents; None when count is 0."""
    if count <= 0:
        return None
    return (2 * cents + count) // (2 * count)


def imk_cents(minutes: int, hourly_rate_cents: int) -> int:
    """minutes x rate / 60, rounded to cents half up (integers: exact)."""
    return (minutes * hourly_rate_cents + 30) // 60


def jobcoach_cents(participants: int, hours_tenths: int, hourly_rate_cents: int) -> int:
    """participants x hours x rate; hours in tenths (the setting has one decimal)."""
    return (participants * hours_tenths * hourly_rate_cents + 5) // 10


def costs_as_json_dict(
    *,
    figures: Mapping[str, Any],
    savings: Mapping[str, Any],
    guidance: Mapping[str, Any],
    budget: Decimal,
    imk_hourly_rate: Decimal,
    jobcoach_hourly_rate: Decimal,
    jobcoach_hours_per_participant: Decimal,
) -> dict[str, Any]:
    """The costs block the snapshot stores: ``figures`` is the metrics JSON, ``savings`` the
    savings JSON and ``guidance`` the guidance as of A (``as_of_figures``), all of one snapshot."""
    imk_rate = _cents(imk_hourly_rate)
    jobcoach_rate = _cents(jobcoach_hourly_rate)
    hours_tenths = int((Decimal(jobcoach_hours_per_participant) * 10).to_integral_value())
    saved = {m["code"]: _cents(Decimal(m["savings"])) for m in savings["municipalities"]}
    rows = []
    totals = dict.fromkeys(("participants", "outflow", "minutes", "imk", "jobcoach", "saved"), 0)
    for m in figures["municipalities"]:
        code = m["code"]
        minutes = sum(spent for _n, spent in guidance.get(code, {}).get("sessions", []))
        imk = imk_cents(minutes, imk_rate)
        jobcoach = jobcoach_cents(m["participants"], hours_tenths, jobcoach_rate)
        coaching = imk + jobcoach
        rows.append(
            {
                "code": code,
                "name": m["name"],
                "participants": m["participants"],
                "outflow": m["outflow"],
                "imk_minutes": minutes,
                "imk_costs": cents_text(imk),
                "jobcoach_costs": cents_text(jobcoach),
                "coaching_costs": cents_text(coaching),
                "coaching_cost_per_outflow": cents_text(_divide(coaching, m["outflow"])),
                "savings": cents_text(saved.get(code, 0)),
                "net": cents_text(saved.get(code, 0) - coaching),
            }
        )
        for key, value in (
            ("participants", m["participants"]),
            ("outflow", m["outflow"]),
            ("minutes", minutes),
            ("imk", imk),
            ("jobcoach", jobcoach),
            ("saved", saved.get(code, 0)),
        ):
            totals[key] += value
    budget_cents = _cents(budget)
    coaching = totals["imk"] + totals["jobcoach"]
    costs = budget_cents + coaching
    return {
        "imk_hourly_rate": cents_text(imk_rate),
        "jobcoach_hourly_rate": cents_text(jobcoach_rate),
        "jobcoach_hours_per_participant": f"{hours_tenths // 10}.{hours_tenths % 10}",
        "totals": {
            "participants": totals["participants"],
            "outflow": totals["outflow"],
            "imk_minutes": totals["minutes"],
            "imk_costs": cents_text(totals["imk"]),
            "jobcoach_costs": cents_text(totals["jobcoach"]),
            "coaching_costs": cents_text(coaching),
            "coaching_cost_per_outflow": cents_text(_divide(coaching, totals["outflow"])),
            "budget": cents_text(budget_cents),
            "costs": cents_text(costs),
            "cost_per_outflow": cents_text(_divide(costs, totals["outflow"])),
            "savings": cents_text(totals["saved"]),
            "net": cents_text(totals["saved"] - costs),
        },
        "municipalities": rows,
    }
