"""Plan the jobcoaches' benefit checks 3, 6 and 12 months after each internship.

Most checks were done within a few days of their date, with what the benefit history says on
that day; a person who moved away or died could not be checked. A few jobseekers' checks were
forgotten, so that the to-do list shows overdue ones, and checks due in the last three weeks
before DATA_UNTIL are still open. No randomness: the plan follows from the internships and
benefits alone, and drawing nothing keeps the rest of the seeded demo as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kernel.dates import add_months
from placements.enums import BenefitCheckMonths, BenefitCheckOutcome, PlacementStatus
from placements.enums import BenefitEndReason as E

from .benefits import BenefitPlan
from .internships import PlacementPlan
from .timeline import DATA_UNTIL, days, workday_on_or_after

# Every FORGOTTEN_EVERY-th participant's checks were never recorded.
FORGOTTEN_EVERY = 9
STILL_OPEN = days(21)
CHECKED_AFTER = days(3)
NOT_CHECKABLE = {
    E.MOVED: "Verhuisd naar een andere gemeente; geen contactgegevens bekend.",
    E.DECEASED: "Overleden; de uitkeringssituatie is niet meer na te gaan.",
}


@dataclass
class CheckPlan:
    placement_ref: str
    months: int
    checked_on: date
    outcome: str
    reason: str = ""


def _on_benefits(periods: list[BenefitPlan], day: date) -> bool:
    return any(p.start_date <= day and (p.end_date is None or p.end_date >= day) for p in periods)


def plan_checks(placements: list[PlacementPlan], benefits: list[BenefitPlan]) -> list[CheckPlan]:
    """Checks of each jobseeker's latest ended internship (none while one runs), as the
    jobcoach's to-do list asks for them."""
    by_person: dict[str, list[PlacementPlan]] = {}
    for plan in placements:
        by_person.setdefault(plan.jobseeker_ref, []).append(plan)
    periods: dict[str, list[BenefitPlan]] = {}
    for period in benefits:
        periods.setdefault(period.jobseeker_ref, []).append(period)
    checks = []
    for number, (ref, plans) in enumerate(sorted(by_person.items()), start=1):
        ended = [
            p for p in plans if p.status in (PlacementStatus.COMPLETED, PlacementStatus.TERMINATED)
        ]
        if number % FORGOTTEN_EVERY == 0 or not ended:
            continue
        if any(p.status == PlacementStatus.ACTIVE for p in plans):
            continue
        last = max(ended, key=lambda p: (p.actual_end, p.ref))
        history = periods.get(ref, [])
        for months in BenefitCheckMonths.values:
            due = add_months(last.actual_end, months)
            if due > DATA_UNTIL - STILL_OPEN:
                break
            checked_on = workday_on_or_after(due + CHECKED_AFTER)
            gone = [p for p in history if p.end_date and p.end_date < checked_on]
            reasons = {p.end_reason for p in gone}
            if _on_benefits(history, checked_on):
                outcome, reason = BenefitCheckOutcome.STILL_ON_BENEFITS, ""
            elif reasons & NOT_CHECKABLE.keys():
                moved = sorted(reasons & NOT_CHECKABLE.keys())[0]
                outcome, reason = BenefitCheckOutcome.COULD_NOT_CHECK, NOT_CHECKABLE[moved]
            else:
                outcome, reason = BenefitCheckOutcome.BENEFITS_ENDED, ""
            checks.append(CheckPlan(last.ref, months, checked_on, outcome, reason))
    return checks
