"""Plan what happens during the internships: the jobcoach's progress reviews and the IMK
coach's guidance sessions with the entrepreneurs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from coaching.enums import SessionMode
from placements.enums import PlacementEndReason, PlacementStatus

from .internships import PlacementPlan
from .texts import REVIEW_NOTES, SESSIONS
from .timeline import DATA_UNTIL, days, workday_on_or_after, workday_on_or_before

MAX_MIDDLE_REVIEWS = 2
MAX_SESSIONS_DURING = 2

# Per purpose of a guidance session: the usual lengths (minutes) and how it is held.
SESSION_FORMS = {
    "intake": ([60, 75, 90, 120], {SessionMode.IN_PERSON: 1}),
    "first_weeks": (
        [45, 60, 60, 90],
        {SessionMode.IN_PERSON: 6, SessionMode.PHONE: 2, SessionMode.VIDEO: 2},
    ),
    "during": (
        [30, 45, 45, 60],
        {SessionMode.IN_PERSON: 4, SessionMode.PHONE: 4, SessionMode.VIDEO: 2},
    ),
    "closing": ([45, 60, 90], {SessionMode.IN_PERSON: 7, SessionMode.VIDEO: 3}),
    "after_early_end": ([30, 45, 60], {SessionMode.PHONE: 6, SessionMode.IN_PERSON: 4}),
    "stopped": ([30, 45], {SessionMode.IN_PERSON: 1}),
}


@dataclass
class ReviewPlan:
    placement_ref: str
    held_on: date
    notes: str
    next_review_on: date | None


@dataclass
class SessionPlan:
    entrepreneur_ref: str
    held_on: date
    minutes: int
    mode: str
    topics: list[str]
    notes: str


def _review_dates(rng: random.Random, plan: PlacementPlan) -> list[date]:
    end = plan.actual_end or DATA_UNTIL
    dates = []
    day = workday_on_or_after(plan.actual_start + days(rng.randint(10, 18)))
    while day < end - days(7) and len(dates) < 1 + MAX_MIDDLE_REVIEWS:
        dates.append(day)
        day = workday_on_or_after(day + days(rng.randint(28, 42)))
    if plan.actual_end:
        final = workday_on_or_before(plan.actual_end)
        if final < plan.actual_start:
            final = plan.actual_end
        dates = [d for d in dates if d < final] + [final]
    return dates


def plan_reviews(rng: random.Random, placements: list[PlacementPlan]) -> list[ReviewPlan]:
    reviews = []
    for plan in sorted((p for p in placements if p.started), key=lambda p: p.ref):
        dates = _review_dates(rng, plan)
        middle = rng.sample(REVIEW_NOTES["middle"], len(REVIEW_NOTES["middle"]))
        for index, held_on in enumerate(dates):
            last = index == len(dates) - 1
            if last and plan.status == PlacementStatus.COMPLETED:
                notes = rng.choice(REVIEW_NOTES["completed"])
            elif last and plan.status == PlacementStatus.TERMINATED:
                notes = rng.choice(REVIEW_NOTES[plan.end_reason])
            elif index == 0:
                notes = rng.choice(REVIEW_NOTES["start"])
            elif last:
                notes = rng.choice(REVIEW_NOTES["active"])
            else:
                notes = middle[index - 1]
            if not last:
                next_on = dates[index + 1]
            elif plan.status == PlacementStatus.ACTIVE:
                next_on = workday_on_or_after(held_on + days(28))
            else:
                next_on = None
            reviews.append(ReviewPlan(plan.ref, held_on, notes, next_on))
    return reviews


def _session(rng: random.Random, ref: str, held_on: date, purpose: str) -> SessionPlan:
    minutes, modes = SESSION_FORMS[purpose]
    topics, notes = rng.choice(SESSIONS[purpose])
    return SessionPlan(
        entrepreneur_ref=ref,
        held_on=held_on,
        minutes=rng.choice(minutes),
        mode=rng.choices(list(modes), weights=list(modes.values()))[0],
        topics=list(topics),
        notes=notes,
    )


def plan_sessions(
    rng: random.Random, entrepreneur_refs: list[str], placements: list[PlacementPlan]
) -> list[SessionPlan]:
    """An intake before the first intern, sessions while an intern is there, and a closing one."""
    by_host: dict[str, list[PlacementPlan]] = {}
    for plan in sorted(placements, key=lambda p: (p.steps[0][1], p.ref)):
        by_host.setdefault(plan.entrepreneur_ref, []).append(plan)
    sessions = []
    for ref in entrepreneur_refs:
        plans = by_host.get(ref, [])
        if not plans:
            continue
        intake_on = workday_on_or_after(plans[0].steps[0][1].date() + days(rng.randint(2, 10)))
        intake_on = workday_on_or_before(min(intake_on, DATA_UNTIL))
        sessions.append(_session(rng, ref, intake_on, "intake"))
        for plan in (p for p in plans if p.started):
            end = plan.actual_end or DATA_UNTIL
            held: list[date] = []
            day = workday_on_or_after(plan.actual_start + days(rng.randint(7, 20)))
            while day < end - days(10) and len(held) < MAX_SESSIONS_DURING:
                sessions.append(_session(rng, ref, day, "during" if held else "first_weeks"))
                held.append(day)
                day = workday_on_or_after(day + days(rng.randint(35, 60)))
            if plan.status == PlacementStatus.COMPLETED:
                closing_on = workday_on_or_before(plan.actual_end - days(rng.randint(0, 14)))
                if not held or closing_on > held[-1]:
                    sessions.append(_session(rng, ref, closing_on, "closing"))
            elif plan.status == PlacementStatus.TERMINATED:
                after_on = workday_on_or_after(plan.actual_end + days(rng.randint(3, 14)))
                purpose = (
                    "stopped"
                    if plan.end_reason == PlacementEndReason.ENTREPRENEUR_STOPPED
                    else "after_early_end"
                )
                sessions.append(
                    _session(rng, ref, workday_on_or_before(min(after_on, DATA_UNTIL)), purpose)
                )
    return sessions
