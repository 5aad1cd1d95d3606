"""The whole demo pilot as plain data, drawn from one seed without touching the database.

``build_plan(seed, today)`` is a pure function: the same seed and day give the same plan,
whatever the database. The builder then writes the plan through the services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.text import slugify

from coaching.enums import PriorSupport
from placements.enums import ResearchConsent

from .activities import ReviewPlan, SessionPlan, plan_reviews, plan_sessions
from .benefits import BenefitPlan, plan_benefits
from .catalogue import PLACES_PER_MUNICIPALITY, DemoMunicipality
from .checks import CheckPlan, plan_checks
from .credentials import imk_coach_email
from .evaluations import EvaluationPlan, plan_evaluations
from .internships import (
    PlacementPlan,
    assign_entrepreneurs,
    check_dates,
    draft_story,
    number_placements,
    story_list,
)
from .people import draw_person, draw_trade_name
from .timeline import calendar_moved, random_day, shift_for

DEFAULT_SEED = 2026


@dataclass
class EntrepreneurPlan:
    ref: str
    municipality_code: str
    trade_name: str
    kvk_number: str
    prior_support: str
    coach_email: str
    contact_name: str
    contact_email: str


@dataclass
class JobseekerPlan:
    ref: str
    municipality_code: str
    given_name: str
    family_name: str
    birth_date: date
    client_number: str
    email: str
    research_consent: str


@dataclass
class DemoPlan:
    seed: int
    entrepreneurs: list[EntrepreneurPlan]
    jobseekers: list[JobseekerPlan]
    placements: list[PlacementPlan]
    benefits: list[BenefitPlan]
    reviews: list[ReviewPlan]
    sessions: list[SessionPlan]
    checks: list[CheckPlan]
    evaluations: list[EvaluationPlan]
    # The last day with facts: DATA_UNTIL moved to the week before the day the demo is built.
    data_until: date


class _Registry:
    """What has been handed out already, so that names and numbers stay unique."""

    def __init__(self) -> None:
        self.people: set[tuple[str, str]] = set()
        self.trade_names: set[str] = set()
        self.numbers: set[str] = set()

    def number(self, rng: random.Random, low: int, high: int) -> str:
        while True:
            value = str(rng.randint(low, high))
            if value not in self.numbers:
                self.numbers.add(value)
                return value


def _entrepreneur(
    rng: random.Random, municipality: DemoMunicipality, number: int, registry: _Registry
) -> EntrepreneurPlan:
    owner = draw_person(
        rng, region=municipality.region, mix=municipality.mix, taken=registry.people
    )
    trade_name = draw_trade_name(rng, owner=owner, taken=registry.trade_names)
    return EntrepreneurPlan(
        ref=f"ENT-{municipality.prefix}-{number:02d}",
        municipality_code=municipality.code,
        trade_name=trade_name,
        kvk_number=registry.number(rng, 10_000_000, 99_999_999),
        prior_support=rng.choices(
            [PriorSupport.BBZ_START, PriorSupport.BBZ_RESTART, PriorSupport.OTHER],
            weights=[55, 25, 20],
        )[0],
        coach_email=imk_coach_email(municipality.coach),
        contact_name=owner.full_name,
        contact_email=f"info@{slugify(trade_name)}.example",
    )


def _jobseeker(
    rng: random.Random, municipality: DemoMunicipality, number: int, registry: _Registry
) -> JobseekerPlan:
    person = draw_person(
        rng, region=municipality.region, mix=municipality.mix, taken=registry.people
    )
    # Not everyone has (or gives) an e-mail address.
    email = ""
    if rng.random() < 0.7:
        local = f"{slugify(person.given_name)}.{slugify(person.family_name)}".replace("-", "")
        email = f"{local}@mail.example"
    return JobseekerPlan(
        ref=f"{municipality.prefix}-{number:03d}",
        municipality_code=municipality.code,
        given_name=person.given_name,
        family_name=person.family_name,
        birth_date=random_day(rng, date(1965, 1, 1), date(2003, 12, 31)),
        client_number=registry.number(rng, 1_000_000, 9_999_999),
        email=email,
        research_consent=rng.choices(
            [ResearchConsent.YES, ResearchConsent.NO, ResearchConsent.UNKNOWN],
            weights=[85, 8, 7],
        )[0],
    )


def build_plan(seed: int = DEFAULT_SEED, today: date | None = None) -> DemoPlan:
    """The demo pilot drawn from ``seed`` on the calendar moved so that its last facts lie in
    the week before ``today`` (timeline.py); ``today=DATA_UNTIL`` (or None) keeps the fixed
    calendar."""
    with calendar_moved(shift_for(today) if today else timedelta(0)):
        return _draw(seed)


def _draw(seed: int) -> DemoPlan:
    # The moved calendar's constants are read at call time: this module's own imports of them
    # would keep the fixed ones.
    from . import catalogue, timeline

    rng = random.Random(seed)
    registry = _Registry()
    stories = story_list(rng)
    entrepreneurs: list[EntrepreneurPlan] = []
    jobseekers: list[JobseekerPlan] = []
    placements: list[PlacementPlan] = []
    for index, municipality in enumerate(catalogue.MUNICIPALITIES):
        numbers = range(1, PLACES_PER_MUNICIPALITY + 1)
        hosts = [_entrepreneur(rng, municipality, n, registry) for n in numbers]
        people = [_jobseeker(rng, municipality, n, registry) for n in numbers]
        drafts = [
            draft_story(
                rng,
                municipality=municipality,
                jobseeker_ref=person.ref,
                story=stories[index * PLACES_PER_MUNICIPALITY + offset],
            )
            for offset, person in enumerate(people)
        ]
        plans = assign_entrepreneurs(rng, drafts, [host.ref for host in hosts])
        number_placements(municipality.prefix, plans)
        check_dates(plans)
        entrepreneurs += hosts
        jobseekers += people
        placements += sorted(plans, key=lambda p: p.ref)
    benefits = plan_benefits(rng, jobseekers, placements)
    return DemoPlan(
        seed=seed,
        entrepreneurs=entrepreneurs,
        jobseekers=jobseekers,
        placements=placements,
        benefits=benefits,
        reviews=plan_reviews(rng, placements),
        sessions=plan_sessions(rng, [e.ref for e in entrepreneurs], placements),
        checks=plan_checks(placements, benefits),
        evaluations=plan_evaluations(seed, placements),
        data_until=timeline.DATA_UNTIL,
    )
