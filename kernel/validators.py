"""Date rules that every app's records share (domain.md: "facts are never dated in the future").

Pure functions with a stable code. The models attach them to their date fields (the lower
bound) or call them from ``clean()`` (the upper bound, which needs today's date passed in), so
that the pages, the admin, the import and the services all meet the same rule in one place.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# No record of the pilot can be older than this; an earlier year is a typing error (0202, 1024).
EARLIEST_DATE = date(1900, 1, 1)


def validate_not_before_1900(value: date | None) -> None:
    """Any date field: nothing before 1 January 1900."""
    if value is not None and value < EARLIEST_DATE:
        raise ValidationError(
            _("A date before 1 January 1900 cannot be right; check the year."),
            code="date_before_1900",
        )


def validate_not_in_future(value: date | None, *, today: date) -> None:
    """A fact (something that happened) is dated on or before ``today``; plans may lie ahead."""
    if value is not None and value > today:
        raise ValidationError(
            _("This date lies in the future; record it on or after the day it happens."),
            code="date_in_future",
        )


def not_in_future(fields: dict[str, date | None], *, today: date) -> dict[str, ValidationError]:
    """``validate_not_in_future`` for several fields of one row, keyed by field name."""
    errors: dict[str, ValidationError] = {}
    for name, value in fields.items():
        try:
            validate_not_in_future(value, today=today)
        except ValidationError as exc:
            errors[name] = exc
    return errors
