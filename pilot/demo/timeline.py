"""The demo's calendar: a fixed pilot timeline, never today's date.

Facts in the demo happen on or before DATA_UNTIL, so the same seed gives the same data whenever
it runs; only upcoming internships (proposed or agreed) and planned next reviews have dates after
it. Heerlen's first internships start in January 2024, the last municipality joins in November
2024, first internships start until December 2025 and the last ones run in autumn 2026: on
dates around DATA_UNTIL part of the participants are still in their follow-up year.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pilot.dates import add_months

DATA_UNTIL = date(2026, 10, 31)
PILOT_TZ = ZoneInfo("Europe/Amsterdam")
ONE_DAY = timedelta(days=1)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def monday_on_or_after(day: date) -> date:
    return day + days((7 - day.weekday()) % 7)


def workday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= ONE_DAY
    return day


def workday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - ONE_DAY


def first_of_month_after(day: date, months: int) -> date:
    """The first day of the month ``months`` months after ``day``'s month."""
    return add_months(day.replace(day=1), months)


def internship_end(start: date, months: int, *, min_months: int = 3) -> date:
    """The last working day of an internship of ``months`` months starting on ``start``.

    The shortest internship ends exactly ``min_months`` later (a day earlier would be too short);
    longer ones end the working day before the same date ``months`` later.
    """
    if months <= min_months:
        return workday_on_or_after(add_months(start, min_months))
    return workday_on_or_before(add_months(start, months) - ONE_DAY)


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + days(rng.randint(0, (last - first).days))


def at(rng: random.Random, day: date, earliest: int = 9, latest: int = 16) -> datetime:
    """A moment during office hours on ``day``, in the pilot's time zone."""
    return datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(earliest, latest),
        rng.randrange(0, 60, 5),
        tzinfo=PILOT_TZ,
    )
