"""Plan the demo's benefit histories around the internships.

Everyone is on benefits when selected. Some came from WW that ran out and turned into
Participatiewet; some had left benefits once before, years ago. During or after the internship
about four in ten leave benefits for a reason that counts (work, self-employment, education, other
income), some of them come back within six months and some later; a few leave for a reason that
does not count (moved, deceased, other) or only after their follow-up year closed. The rest are
still on benefits, so the dashboard shows a pilot on its way to its target of 50 of 100.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kernel.dates import add_months
from placements.enums import BenefitEndReason as E
from placements.enums import BenefitType as T
from placements.enums import PlacementEndReason, PlacementStatus

from .internships import PlacementPlan
from .timeline import DATA_UNTIL, ONE_DAY, days, first_of_month_after, month_end

# How many participants leave for each counted reason besides work, and for uncounted ones.
OUTFLOW_REASON_COUNTS = {E.SELF_EMPLOYMENT: 4, E.EDUCATION: 6, E.OTHER_INCOME: 4}
UNCOUNTED_ENDS = [E.MOVED, E.MOVED, E.DECEASED, E.OTHER, E.OTHER]
QUICK_RETURNS = 6  # back on benefits within six months of leaving
LATE_RETURNS = 3  # back on benefits, but after six months
WW_TRANSITIONS = 12
EARLIER_EPISODES = 12
LATE_OUTFLOWS = 2  # left benefits, but only after the follow-up year had closed


@dataclass
class BenefitPlan:
    jobseeker_ref: str
    benefit_type: str
    start_date: date
    end_date: date | None = None
    end_reason: str = ""
    monthly_amount: Decimal | None = None


@dataclass
class _Person:
    ref: str
    birth_date: date
    anchor: date  # planned start of the first internship: on benefits well before it
    internship_start: date | None  # S of outflow-metrics.md
    internship_end: date | None  # E, when every started internship has ended
    found_work_on: date | None
    waiting: bool  # an internship is running or still to come: not leaving benefits yet
    # What happens to the benefit after the internship.
    end_on: date | None = None
    end_reason: str = ""
    return_on: date | None = None
    ww_until: date | None = None
    ww_end_reason: str = E.OTHER


def _euros(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _monthly_amount(rng: random.Random, benefit_type: str) -> Decimal:
    if benefit_type == T.PARTICIPATIEWET:
        # Single, couple and cost-sharer norms.
        return _euros(rng.choices([1285.40, 1836.29, 964.05], weights=[6, 3, 2])[0])
    ranges = {
        T.WW: (1450, 2650),
        T.IOAW: (1350, 1450),
        T.IOAZ: (1300, 1420),
        T.WAJONG: (1180, 1420),
        T.WIA: (1500, 2300),
        T.ANW: (1380, 1460),
        T.OTHER: (900, 1400),
    }
    return _euros(rng.uniform(*ranges[benefit_type]))


def _benefit_type(rng: random.Random, birth_date: date) -> str:
    weights = {T.PARTICIPATIEWET: 82, T.WIA: 4, T.ANW: 3, T.OTHER: 1}
    if birth_date.year <= 1969:
        weights |= {T.IOAW: 5, T.IOAZ: 1}
    if birth_date.year >= 1993:
        weights[T.WAJONG] = 6
    kinds = list(weights)
    return rng.choices(kinds, weights=[weights[k] for k in kinds])[0]


def _people(jobseekers, placements: list[PlacementPlan]) -> list[_Person]:
    by_jobseeker: dict[str, list[PlacementPlan]] = {}
    for plan in placements:
        by_jobseeker.setdefault(plan.jobseeker_ref, []).append(plan)
    people = []
    for jobseeker in jobseekers:
        plans = by_jobseeker[jobseeker.ref]
        started = [p for p in plans if p.started]
        ended = all(p.actual_end for p in started)
        found_work = [
            p.actual_end for p in started if p.end_reason == PlacementEndReason.FOUND_WORK
        ]
        people.append(
            _Person(
                ref=jobseeker.ref,
                birth_date=jobseeker.birth_date,
                anchor=min(p.planned_start for p in plans),
                internship_start=min((p.actual_start for p in started), default=None),
                internship_end=max(p.actual_end for p in started) if started and ended else None,
                found_work_on=found_work[0] if found_work else None,
                waiting=any(
                    p.status
                    in (PlacementStatus.ACTIVE, PlacementStatus.PROPOSED, PlacementStatus.AGREED)
                    for p in plans
                ),
            )
        )
    return people


def _outflow_on(rng: random.Random, end: date) -> date | None:
    """When someone who will leave benefits does so after an internship that ended on ``end``:
    often right away (hired by the entrepreneur), otherwise within the year. None when that day
    lies after DATA_UNTIL: the demo's pilot has not got there yet."""
    months = rng.choices(range(12), weights=[35, 15, 10, 7, 7, 6, 5, 4, 4, 3, 2, 2])[0]
    day = month_end(add_months(end, months))
    return day if day <= DATA_UNTIL else None


def _decide_outcomes(rng: random.Random, people: list[_Person]) -> None:
    for person in people:
        if person.found_work_on:
            person.end_on, person.end_reason = month_end(person.found_work_on), E.WORK
    candidates = [p for p in people if p.internship_end and not p.found_work_on and not p.waiting]
    rng.shuffle(candidates)
    # Leavers are drawn until there are enough; someone whose day to leave has not come yet
    # stays, which is why recent participants leave less often than early ones.
    wanted = rng.randint(32, 35)
    leaving, staying = [], []
    for person in candidates:
        day = _outflow_on(rng, person.internship_end) if len(leaving) < wanted else None
        if day is None:
            staying.append(person)
        else:
            person.end_on = day
            leaving.append(person)
    reasons = [r for r, n in OUTFLOW_REASON_COUNTS.items() for _ in range(n)]
    reasons += [E.WORK] * (len(leaving) - len(reasons))
    rng.shuffle(reasons)
    for person, reason in zip(leaving, reasons, strict=True):
        person.end_reason = reason

    # Returns: the new period starts a month or more after leaving, never on the next day
    # (that would mean the person never left).
    left = [p for p in people if p.end_on]
    quick = [p for p in left if first_of_month_after(p.end_on, 2) <= DATA_UNTIL]
    for person in rng.sample(quick, QUICK_RETURNS):
        latest = min(6, _months_until(person.end_on))
        person.return_on = first_of_month_after(person.end_on, rng.randint(2, latest))
    late = [p for p in left if not p.return_on and first_of_month_after(p.end_on, 8) <= DATA_UNTIL]
    for person in rng.sample(late, LATE_RETURNS):
        latest = min(14, _months_until(person.end_on))
        person.return_on = first_of_month_after(person.end_on, rng.randint(8, latest))

    # The oldest one left is the one who dies; moves and other ends go to the others.
    settled = [p for p in staying if month_end(add_months(p.internship_end, 8)) <= DATA_UNTIL]
    uncounted = settled[: len(UNCOUNTED_ENDS)]
    oldest = min(uncounted, key=lambda p: (p.birth_date, p.ref))
    ordered = [oldest] + [p for p in uncounted if p is not oldest]
    ends = [E.DECEASED] + [r for r in UNCOUNTED_ENDS if r != E.DECEASED]
    for person, reason in zip(ordered, ends, strict=True):
        person.end_on = month_end(add_months(person.internship_end, rng.randint(1, 8)))
        person.end_reason = reason
    rest = [p for p in staying if p not in uncounted]
    too_late = [p for p in rest if month_end(add_months(p.internship_end, 13)) <= DATA_UNTIL]
    for person in too_late[:LATE_OUTFLOWS]:
        months = rng.randint(13, 16)
        while month_end(add_months(person.internship_end, months)) > DATA_UNTIL:
            months -= 1
        person.end_on = month_end(add_months(person.internship_end, months))
        person.end_reason = E.WORK

    # WW that ran out before the internship and turned into Participatiewet, and one person whose
    # WW ended for part-time work during the internship with supplementary bijstand from the
    # next day: that is no outflow.
    topped_up = [p for p in rest if not p.end_on]
    if topped_up:
        person = topped_up[0]
        person.ww_until = month_end(person.internship_start + days(35))
        person.ww_end_reason = E.WORK
    others = [p for p in people if p.internship_start and not p.ww_until]
    for person in rng.sample(others, WW_TRANSITIONS):
        # The last day of a month before the first internship was planned to start.
        person.ww_until = (person.anchor - days(rng.randint(20, 110))).replace(day=1) - ONE_DAY


def _months_until(day: date) -> int:
    return (DATA_UNTIL.year - day.year) * 12 + DATA_UNTIL.month - day.month


def plan_benefits(rng: random.Random, jobseekers, placements: list[PlacementPlan]):
    people = _people(jobseekers, placements)
    _decide_outcomes(rng, people)
    periods: list[BenefitPlan] = []
    earlier = {p.ref for p in rng.sample(people, EARLIER_EPISODES)}
    for person in people:
        if person.ww_until:
            ww_start = first_of_month_after(person.ww_until - days(rng.randint(200, 540)), 0)
            current_start = person.ww_until + ONE_DAY
            current_type = T.PARTICIPATIEWET
        else:
            ww_start = None
            current_start = first_of_month_after(person.anchor - days(rng.randint(240, 3300)), 0)
            current_type = _benefit_type(rng, person.birth_date)
        first_start = ww_start or current_start
        if person.ref in earlier:
            # Left benefits for a job years ago and came back: that outflow predates the pilot.
            old_start = first_of_month_after(first_start - days(rng.randint(3 * 365, 7 * 365)), 0)
            old_end = month_end(first_start - days(rng.randint(180, 900)))
            if old_end > old_start + days(90):
                periods.append(
                    BenefitPlan(
                        person.ref,
                        T.PARTICIPATIEWET,
                        old_start,
                        old_end,
                        rng.choice([E.WORK, E.WORK, E.WORK, E.EDUCATION, E.OTHER_INCOME]),
                        _monthly_amount(rng, T.PARTICIPATIEWET),
                    )
                )
        if ww_start:
            periods.append(
                BenefitPlan(
                    person.ref,
                    T.WW,
                    ww_start,
                    person.ww_until,
                    person.ww_end_reason,
                    _monthly_amount(rng, T.WW),
                )
            )
        amount = _monthly_amount(rng, current_type)
        periods.append(
            BenefitPlan(
                person.ref, current_type, current_start, person.end_on, person.end_reason, amount
            )
        )
        if person.return_on:
            periods.append(
                BenefitPlan(
                    person.ref,
                    T.PARTICIPATIEWET,
                    person.return_on,
                    None,
                    "",
                    amount
                    if current_type == T.PARTICIPATIEWET
                    else _monthly_amount(rng, T.PARTICIPATIEWET),
                )
            )
    return periods
