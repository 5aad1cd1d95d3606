"""Plan the entrepreneurs' evaluations at the end of the internships: most are recorded in the
week after the end, some are still missing (so that the completeness page has work to show)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from placements.enums import (
    ENDED_STATUSES,
    EvaluationHelped,
    EvaluationMissing,
    EvaluationOffer,
    PlacementEndReason,
    PlacementStatus,
    WouldHostAgain,
)

from .internships import PlacementPlan
from .timeline import DATA_UNTIL, days, workday_on_or_after

# One in four ended internships has no evaluation yet.
SHARE_RECORDED = 0.75
REMARKS = (
    "",
    "",
    "Ondernemer was tevreden over de inzet; had graag wat meer tijd gehad voor uitleg.",
    "Stagiair groeide zichtbaar; de eerste weken waren zwaar.",
    "Goede ervaring, zou het zo weer doen.",
    "Lastig te combineren met de drukke periode in de zaak.",
)


@dataclass
class EvaluationPlan:
    placement_ref: str
    evaluated_on: date
    would_host_again: str
    work_readiness: int
    offer: str
    helped: list[str]
    missing: list[str]
    remark: str


def _offer(rng: random.Random, plan: PlacementPlan, readiness: int) -> str:
    if plan.end_reason == PlacementEndReason.FOUND_WORK:
        return rng.choice([EvaluationOffer.CONTRACT, EvaluationOffer.JOB_OFFER])
    if plan.status == PlacementStatus.TERMINATED or readiness < 4:
        return rng.choice([EvaluationOffer.NONE] * 4 + [EvaluationOffer.OTHER_EMPLOYER])
    return rng.choice(
        [EvaluationOffer.NONE, EvaluationOffer.CONTRACT, EvaluationOffer.WORK_LEARN]
        + [EvaluationOffer.JOB_OFFER]
    )


def plan_evaluations(seed: int, placements: list[PlacementPlan]) -> list[EvaluationPlan]:
    """Evaluations of the internships that ended on or before the demo's last day."""
    rng = random.Random(f"evaluations-{seed}")
    plans = []
    for plan in sorted(placements, key=lambda p: p.ref):
        if plan.status not in ENDED_STATUSES or plan.actual_end > DATA_UNTIL:
            continue
        if rng.random() >= SHARE_RECORDED:
            continue
        completed = plan.status == PlacementStatus.COMPLETED
        readiness = rng.choice([3, 4, 4, 5]) if completed else rng.choice([1, 2, 2, 3])
        plans.append(
            EvaluationPlan(
                placement_ref=plan.ref,
                evaluated_on=min(
                    workday_on_or_after(plan.actual_end + days(rng.randint(1, 8))), DATA_UNTIL
                ),
                would_host_again=rng.choice(
                    [WouldHostAgain.YES] * 3 + [WouldHostAgain.UNSURE]
                    if completed
                    else [WouldHostAgain.NO, WouldHostAgain.UNSURE, WouldHostAgain.YES]
                ),
                work_readiness=readiness,
                offer=_offer(rng, plan, readiness),
                helped=sorted(rng.sample(EvaluationHelped.values, rng.randint(1, 3))),
                missing=sorted(rng.sample(EvaluationMissing.values, rng.randint(0, 2))),
                remark=rng.choice(REMARKS),
            )
        )
    return plans
