"""Calendar arithmetic as the pilot's rules define it.

"N months after D" is the same day of the month N months later, clamped to the month's last
day (31 January + 1 month = 28/29 February; 29 February + 1 year = 28 February). dateutil's
relativedelta does exactly that.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from django.utils import timezone

# Set by ``same_day()``: the day a long check began, which its rules take as today.
_day_of_the_run: ContextVar[date | None] = ContextVar("day_of_the_run", default=None)


def today() -> date:
    """Today in the pilot's time zone (the rules' "not after today"); within ``same_day()``
    the day it began."""
    day = _day_of_the_run.get()
    return day if day is not None else timezone.localdate()


@contextmanager
def same_day() -> Iterator[date]:
    """Every ``today()`` inside is the day this began: one day for every row of an import
    (its rows are checked against the same today, even across midnight), and one time zone
    lookup instead of one per row and rule (some 170,000 at national scale)."""
    token = _day_of_the_run.set(timezone.localdate())
    try:
        yield _day_of_the_run.get()
    finally:
        _day_of_the_run.reset(token)


# relativedelta costs microseconds a call, and the outflow rules ask for the same few thousand
# (date, months) pairs across tens of thousands of participants, in every computation and
# every batch of a research export: one bounded cache for the process keeps this the one rule.
@lru_cache(maxsize=8192)
def add_months(day: date, months: int) -> date:
    try:
        return day + relativedelta(months=months)
    except (OverflowError, ValueError):
        # Past the calendar's end (a mistyped year 9999, say): the rules compare with it, so
        # it stays a date, the last (or first) there is, and the date's own rules refuse it.
        return date.max if months >= 0 else date.min
