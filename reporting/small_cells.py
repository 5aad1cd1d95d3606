"""Small cells (issue 12, item 6): the one policy for counts in breakdowns the funder sees.

A breakdown finer than the headline per municipality (data gaps per municipality and kind,
reasons, benefit types, cohorts, curves per municipality) can point at one or two people in a
small municipality. In what the funder sees, a count from 1 up to ``SMALL_CELL_MINIMUM`` - 1 is
shown as "< 5"; 0 is shown (it says nothing about any person), and so is every total (computed
before suppression, so totals stay exact). The programme admin and the researchers see exact
counts: their views never call this with ``suppress=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Suppressed:
    """A count too small to show; renders as "< 5"."""

    minimum: int

    def __str__(self) -> str:
        return f"< {self.minimum}"


def small_cell_minimum() -> int:
    return settings.SMALL_CELL_MINIMUM


def shown_count(count: int, *, suppress: bool, minimum: int | None = None) -> int | Suppressed:
    """``count`` as the viewer may see it: itself, or ``Suppressed`` when ``suppress`` and
    0 < count < minimum (default: the setting)."""
    minimum = small_cell_minimum() if minimum is None else minimum
    if suppress and 0 < count < minimum:
        return Suppressed(minimum)
    return count


def suppress_for_funder(access) -> bool:
    """Whether ``access`` sees breakdowns with small cells suppressed: the funder does, unless
    they also hold a role that sees exact counts (programme admin, researcher)."""
    return bool(access.is_funder and not (access.is_programme_admin or access.is_researcher))


def explanation() -> str:
    """The one sentence shown under a table with suppressed counts."""
    return _(
        'Counts from 1 to %(below)s are shown as "< %(minimum)s", so that no one can be '
        "recognised in a small municipality; the totals are exact."
    ) % {"below": small_cell_minimum() - 1, "minimum": small_cell_minimum()}
