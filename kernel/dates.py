"""Calendar arithmetic as the pilot's rules define it.

"N months after D" is the same day of the month N months later, clamped to the month's last
day (31 January + 1 month = 28/29 February; 29 February + 1 year = 28 February). dateutil's
relativedelta does exactly that.
"""

from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta


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
