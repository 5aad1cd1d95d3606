"""Plan the demo's internships: who goes where, when, and how each one ends.

Every jobseeker gets a story (a first placement and, for some, a second one), drawn so that each
status and each end reason occurs. Dates follow the rules of domain.md: 3 to 6 months planned, a
completed internship ran at least 3 months, a terminated one ended earlier, one internship at a
time per jobseeker and one intern at a time per entrepreneur. The services check all of it again
when the builder writes the plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from kernel.dates import add_months
from placements.enums import PlacementEndReason as R
from placements.enums import PlacementStatus as S

from .catalogue import DemoMunicipality
from .timeline import (
    DATA_UNTIL,
    ONE_DAY,
    at,
    days,
    internship_end,
    monday_on_or_after,
    random_day,
    workday_on_or_before,
)

# (first placement, optional second placement) and how many of the 100 jobseekers live it.
STORIES: list[tuple[tuple[str, ...], int]] = [
    (("completed",), 67),
    ((f"terminated:{R.FOUND_WORK}",), 6),
    ((f"terminated:{R.JOBSEEKER_WITHDREW}",), 3),
    ((f"terminated:{R.OTHER}",), 1),
    ((f"terminated:{R.ILLNESS}",), 2),
    ((f"terminated:{R.ILLNESS}", "completed"), 1),
    ((f"terminated:{R.MISMATCH}", "completed"), 3),
    ((f"terminated:{R.ENTREPRENEUR_STOPPED}", "completed"), 2),
    ((f"terminated:{R.MISMATCH}", "active"), 2),
    ((f"terminated:{R.ILLNESS}", "agreed"), 1),
    ((f"terminated:{R.ENTREPRENEUR_STOPPED}", "proposed"), 1),
    ((f"cancelled:{R.JOBSEEKER_WITHDREW}", "completed"), 2),
    ((f"cancelled:{R.ENTREPRENEUR_STOPPED}", "completed"), 2),
    ((f"cancelled:{R.MISMATCH}", "completed"), 1),
    ((f"cancelled:{R.OTHER}", "completed"), 1),
    ((f"cancelled:{R.ILLNESS}", "active"), 1),
    ((f"cancelled:{R.MISMATCH}", "active"), 1),
    ((f"cancelled:{R.JOBSEEKER_WITHDREW}",), 1),
    ((f"cancelled:{R.ILLNESS}",), 1),
    (("agreed",), 1),
    (("proposed",), 1),
]

UPCOMING = {S.PROPOSED, S.AGREED}
# Stories that end in a running or upcoming internship are set late in the pilot.
LATE = UPCOMING | {S.ACTIVE}

FIRST_ROUND_LAST_START = date(2025, 12, 15)
# A story with a second internship starts its first early enough for the second to finish.
TWO_STEP_LAST_START = date(2025, 3, 31)
LATE_FIRST_START = (date(2025, 1, 6), date(2025, 6, 30))
ACTIVE_START = (date(2026, 4, 27), date(2026, 5, 18))
# The running internships started in spring and end within two weeks of DATA_UNTIL (six months
# at most), so the jobcoaches' to-do lists show internships ending soon on the day the demo is
# tried (timeline.py moves DATA_UNTIL to that week).
ACTIVE_PLANNED_END_NOT_BEFORE = date(2026, 10, 26)
UPCOMING_START = (date(2026, 11, 2), date(2027, 1, 11))
# No placement was proposed before the pilot opened; late replacements were found from September.
PILOT_OPENED = date(2023, 11, 1)
REPLACEMENTS_FROM = date(2026, 9, 1)

# How long (days) a terminated internship lasted, by end reason; always under three months.
TERMINATED_DAYS = {
    R.FOUND_WORK: (42, 88),
    R.ILLNESS: (21, 88),
    R.MISMATCH: (14, 60),
    R.ENTREPRENEUR_STOPPED: (30, 88),
    R.JOBSEEKER_WITHDREW: (10, 50),
    R.OTHER: (20, 70),
}


@dataclass
class PlacementPlan:
    municipality_code: str
    jobseeker_ref: str
    planned_start: date
    planned_end: date
    hours_per_week: int
    steps: list[tuple[str, datetime]]
    actual_start: date | None = None
    actual_end: date | None = None
    end_reason: str = ""
    entrepreneur_ref: str = ""
    ref: str = ""
    # What drew this plan, to draw it again later when the entrepreneur needs it moved.
    draft_args: dict = field(default_factory=dict, repr=False)

    @property
    def status(self) -> str:
        return self.steps[-1][0]

    @property
    def started(self) -> bool:
        return self.actual_start is not None

    @property
    def last_step_on(self) -> date:
        return self.steps[-1][1].date()

    def booking(self) -> tuple[date, date]:
        """When the entrepreneur's place is taken by this internship. A cancelled one held its
        planned dates until it was cancelled (the placement service refuses a clashing proposal
        made meanwhile); the plan simply keeps those dates booked."""
        if self.status == S.ACTIVE:
            return self.actual_start, date.max
        if self.status == S.TERMINATED:
            return self.actual_start, self.actual_end
        if self.status == S.COMPLETED:
            return (
                min(self.planned_start, self.actual_start),
                max(self.planned_end, self.actual_end),
            )
        return self.planned_start, self.planned_end


def story_list(rng: random.Random) -> list[tuple[str, ...]]:
    stories = [story for story, count in STORIES for _ in range(count)]
    rng.shuffle(stories)
    return stories


def _parse(step: str) -> tuple[str, str]:
    kind, _sep, reason = step.partition(":")
    return kind, reason


def _pick_months(rng: random.Random) -> int:
    return rng.choices([3, 4, 5, 6], weights=[15, 25, 20, 40])[0]


def draft_placement(
    rng: random.Random,
    *,
    municipality_code: str,
    jobseeker_ref: str,
    kind: str,
    reason: str,
    planned_start: date,
    not_before: date,
    hours_per_week: int,
    min_planned_end: date | None = None,
) -> PlacementPlan:
    """One placement's dates and its state changes up to ``kind``."""
    # The arguments as given, so that redraft_later can draw this placement again, later.
    args = dict(locals())
    del args["rng"]
    months = _pick_months(rng)
    if min_planned_end is not None:
        while months < 6 and internship_end(planned_start, months) < min_planned_end:
            months += 1
    plan = PlacementPlan(
        municipality_code=municipality_code,
        jobseeker_ref=jobseeker_ref,
        planned_start=planned_start,
        planned_end=internship_end(planned_start, months),
        hours_per_week=hours_per_week,
        steps=[],
        draft_args=args,
    )
    proposed_on = workday_on_or_before(planned_start - days(rng.randint(21, 56)))
    proposed_on = min(max(proposed_on, not_before), DATA_UNTIL - days(rng.randint(10, 25)))
    agreed_on = min(proposed_on + days(rng.randint(3, 14)), planned_start - ONE_DAY, DATA_UNTIL)
    plan.steps.append((S.PROPOSED, at(rng, proposed_on)))
    if kind == S.PROPOSED:
        return plan
    if kind == S.CANCELLED:
        last = proposed_on
        if rng.random() < 0.6:
            plan.steps.append((S.AGREED, at(rng, agreed_on)))
            last = agreed_on
        cancelled_on = last + days(rng.randint(1, max(1, (planned_start - last).days - 1)))
        plan.steps.append((S.CANCELLED, at(rng, cancelled_on)))
        plan.end_reason = reason
        return plan
    plan.steps.append((S.AGREED, at(rng, agreed_on)))
    if kind == S.AGREED:
        return plan
    # Now and then the start slips a week or two (a certificate of conduct, a bike to arrange).
    plan.actual_start = planned_start + days(rng.choice([0, 0, 0, 0, 0, 0, 7, 14]))
    plan.steps.append((S.ACTIVE, at(rng, plan.actual_start, 8, 10)))
    if kind == S.ACTIVE:
        return plan
    if kind == S.COMPLETED:
        plan.actual_end = internship_end(plan.actual_start, months)
    else:
        low, high = TERMINATED_DAYS[reason]
        plan.actual_end = workday_on_or_before(plan.actual_start + days(rng.randint(low, high)))
        plan.end_reason = reason
    plan.steps.append((S(kind), at(rng, plan.actual_end, 13, 17)))
    return plan


def redraft_later(rng: random.Random, plan: PlacementPlan, weeks: int) -> PlacementPlan:
    args = dict(plan.draft_args)
    args["planned_start"] = args["planned_start"] + days(7 * weeks)
    return draft_placement(rng, **args)


def _first_start(rng: random.Random, municipality: DemoMunicipality, latest: date) -> date:
    # Entrepreneurs and jobseekers are found one by one, so starts spread over the months
    # after the municipality joined.
    return monday_on_or_after(random_day(rng, municipality.joined, latest))


def draft_story(
    rng: random.Random,
    *,
    municipality: DemoMunicipality,
    jobseeker_ref: str,
    story: tuple[str, ...],
) -> list[PlacementPlan]:
    """The placements of one jobseeker, without entrepreneurs yet."""
    hours = rng.choice([16, 20, 24, 24, 28, 32])
    common = {"municipality_code": municipality.code, "jobseeker_ref": jobseeker_ref}
    first_kind, first_reason = _parse(story[0])
    last_kind, _ = _parse(story[-1])
    if len(story) == 1 and first_kind in UPCOMING:
        # Selected late, as a replacement for someone who dropped out.
        start = monday_on_or_after(random_day(rng, *UPCOMING_START))
        return [
            draft_placement(
                rng,
                **common,
                kind=first_kind,
                reason="",
                planned_start=start,
                not_before=REPLACEMENTS_FROM,
                hours_per_week=hours,
            )
        ]
    if last_kind in LATE:
        start = monday_on_or_after(max(random_day(rng, *LATE_FIRST_START), municipality.joined))
    elif len(story) == 2:
        start = _first_start(rng, municipality, TWO_STEP_LAST_START)
    else:
        start = _first_start(rng, municipality, FIRST_ROUND_LAST_START)
    first = draft_placement(
        rng,
        **common,
        kind=first_kind,
        reason=first_reason,
        planned_start=start,
        not_before=PILOT_OPENED,
        hours_per_week=hours,
    )
    if len(story) == 1:
        return [first]

    second_kind, _ = _parse(story[1])
    min_planned_end = None
    if second_kind == S.ACTIVE:
        start = monday_on_or_after(random_day(rng, *ACTIVE_START))
        min_planned_end = ACTIVE_PLANNED_END_NOT_BEFORE
    elif second_kind in UPCOMING:
        start = monday_on_or_after(random_day(rng, *UPCOMING_START))
    elif first.status == S.TERMINATED:
        # After illness it takes months before a new attempt; otherwise weeks.
        gap = (120, 240) if first.end_reason == R.ILLNESS else (28, 84)
        start = monday_on_or_after(first.actual_end + days(rng.randint(*gap)))
    else:
        start = monday_on_or_after(
            max(first.planned_start + days(rng.randint(28, 90)), first.last_step_on + days(21))
        )
    second = draft_placement(
        rng,
        **common,
        kind=second_kind,
        reason="",
        planned_start=start,
        not_before=first.last_step_on + days(rng.randint(1, 7)),
        hours_per_week=hours,
        min_planned_end=min_planned_end,
    )
    return [first, second]


def _overlaps(a: tuple[date, date], b: tuple[date, date], margin: int = 7) -> bool:
    # Subtract from the starts: an open end is date.max, which cannot grow.
    return a[0] - days(margin) <= b[1] and b[0] - days(margin) <= a[1]


def assign_entrepreneurs(
    rng: random.Random, stories: list[list[PlacementPlan]], entrepreneur_refs: list[str]
) -> list[PlacementPlan]:
    """Give every placement an entrepreneur who is free then; returns all placements.

    Each entrepreneur takes one jobseeker's first placement; second placements go to someone
    else who has room at that time and has not stopped their business, moving the start later
    when nobody has.
    """
    hosts = list(entrepreneur_refs)
    rng.shuffle(hosts)
    booked: dict[str, list[tuple[date, date]]] = {ref: [] for ref in entrepreneur_refs}
    stopped: list[str] = []

    def book(plan: PlacementPlan) -> None:
        booked[plan.entrepreneur_ref].append(plan.booking())
        if plan.end_reason == R.ENTREPRENEUR_STOPPED:
            stopped.append(plan.entrepreneur_ref)

    for story, host in zip(stories, hosts, strict=True):
        story[0].entrepreneur_ref = host
        book(story[0])

    seconds = sorted(
        (story for story in stories if len(story) == 2),
        key=lambda story: (story[1].planned_start, story[1].jobseeker_ref),
    )
    for story in seconds:
        plan = story[1]
        for attempt in range(1, 40):
            free = [
                ref
                for ref in entrepreneur_refs
                if ref != story[0].entrepreneur_ref
                and ref not in stopped
                and not any(_overlaps(plan.booking(), taken) for taken in booked[ref])
            ]
            if free:
                fewest = min(len(booked[ref]) for ref in free)
                plan.entrepreneur_ref = rng.choice([r for r in free if len(booked[r]) == fewest])
                break
            plan = redraft_later(rng, story[1], 2 * attempt)
        else:
            raise RuntimeError(f"No free entrepreneur for {plan.jobseeker_ref}")
        story[1] = plan
        book(plan)
    return [plan for story in stories for plan in story]


def number_placements(prefix: str, plans: list[PlacementPlan]) -> None:
    """Refs in the order the placements were proposed: PL-HRL-001, PL-HRL-002, ..."""
    ordered = sorted(plans, key=lambda p: (p.steps[0][1], p.jobseeker_ref))
    for number, plan in enumerate(ordered, start=1):
        plan.ref = f"PL-{prefix}-{number:03d}"


def check_dates(plans: list[PlacementPlan]) -> None:
    """The demo holds no fact after DATA_UNTIL; a plan that would is a bug in this module."""
    for plan in plans:
        late = [status for status, moment in plan.steps if moment.date() > DATA_UNTIL]
        if late:
            raise RuntimeError(f"{plan.ref} changes to {late} after {DATA_UNTIL}")
        if plan.actual_end and plan.actual_end > add_months(plan.actual_start, 6):
            raise RuntimeError(f"{plan.ref} runs longer than six months")
