"""Calendar arithmetic as the pilot's rules define it.

"N months after D" is the same day of the month N months later, clamped to the month's last
day (31 January + 1 month = 28/29 February; 29 February + 1 year = 28 February). dateutil's
relativedelta does exactly that.
"""

from datetime import date

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)
