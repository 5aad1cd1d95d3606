"""The demo's calendar: a fixed pilot timeline, moved as a whole to the day the demo is built.

The plan is drawn on a calendar of fixed dates: facts happen on or before DATA_UNTIL; only
upcoming internships (proposed or agreed) and planned next reviews have dates after it. Before
drawing, every fixed date of that calendar (DATA_UNTIL, the municipalities' joining days, the
internship windows) moves by the same whole number of weeks (``calendar_moved``), so that
DATA_UNTIL lands in the week before the day the demo is built: each role's to-do list, the
reviews and benefit checks due and the internships starting or ending soon are real on the day
someone tries it. The plan is then drawn on the moved calendar, so the month-based rules (an
internship of three to six months, checks 3, 6 and 12 months after it) hold by construction;
weekdays stay as they were, and the same seed on the same day gives the same data.

On the fixed calendar Heerlen's first internships start in January 2024, the last municipality
joins in November 2024, first internships start until December 2025 and the last ones run in
autumn 2026: on dates around DATA_UNTIL part of the participants are still in their follow-up
year.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kernel.dates import add_months

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


def shift_for(today: date) -> timedelta:
    """The whole weeks that move DATA_UNTIL to the latest day on or before ``today`` with the
    same weekday (zero when ``today`` is DATA_UNTIL)."""
    return timedelta(weeks=(today - DATA_UNTIL).days // 7)


@contextmanager
def calendar_moved(delta: timedelta):
    """While inside: the fixed dates of the demo's modules (their upper-case constants that hold
    dates) moved by ``delta``; restored afterwards. The modules read them when they draw."""
    from . import activities, benefits, catalogue, checks, evaluations, internships

    modules = [sys.modules[__name__], activities, benefits, catalogue, checks, evaluations]
    modules.append(internships)
    saved = []
    try:
        for module in modules:
            for name, value in list(vars(module).items()):
                if not name.isupper():
                    continue
                moved = shifted(value, delta)
                if moved != value:
                    saved.append((module, name, value))
                    setattr(module, name, moved)
        yield
    finally:
        for module, name, value in reversed(saved):
            setattr(module, name, value)


def shifted(value, delta: timedelta):
    """``value`` with every date and datetime in it moved by ``delta``: dataclasses, lists,
    tuples and dicts are copied, other values kept."""
    if not delta:
        return value
    if isinstance(value, date):  # datetime too: aware moments keep their wall-clock time
        return value + delta
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: shifted(getattr(value, f.name), delta)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [shifted(item, delta) for item in value]
    if isinstance(value, tuple):
        return tuple(shifted(item, delta) for item in value)
    if isinstance(value, dict):
        return {key: shifted(item, delta) for key, item in value.items()}
    return value
