"""The chart of cumulative benefit savings against the pilot budget, with the break-even day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .builders import BOTTOM, LEFT, RIGHT, TOP, WIDTH, axis_labels
from .svg import GRID, MUTED, SERIES, TARGET, Chart, document, line, polyline, text, ticks


def euros(value: Decimal | float | int) -> str:
    """Whole euros with the language's thousands separator: "€ 1.250" in Dutch."""
    return "€ " + number_format(
        Decimal(value).quantize(Decimal("1")), decimal_pos=0, force_grouping=True
    )


def savings_against_budget_chart(
    *,
    points: Sequence[tuple[date, Decimal]],
    budget: Decimal,
    break_even: date | None,
    as_of: date,
) -> Chart:
    """Cumulative savings by month end against the budget line. ``points``: (day, euros)."""
    title = _("Cumulative benefit savings against the budget")
    current = points[-1][1] if points else Decimal(0)
    if break_even is not None:
        reached = _("The savings reached the budget on %(day)s.") % {
            "day": date_format(break_even, "j F Y")
        }
    else:
        reached = _("The savings have not yet reached the budget.")
    summary = (
        _(
            "By %(as_of)s the pilot's outflow saved %(savings)s in benefits, "
            "against a budget of %(budget)s."
        )
        % {"as_of": date_format(as_of, "j F Y"), "savings": euros(current), "budget": euros(budget)}
        + " "
        + reached
    )
    height = 260
    plot_h = height - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    top_value = ticks(float(max([budget, *(c for _d, c in points), Decimal(1)])))[-1]
    body: list[str] = []
    for tick in ticks(top_value):
        y = TOP + plot_h - plot_h * tick / top_value
        body.append(line(LEFT, y, WIDTH - RIGHT, y, stroke=GRID))
        body.append(text(LEFT - 6, y + 4, _thousands(tick), anchor="end", size=11, fill=MUTED))
    count = max(len(points) - 1, 1)

    def xy(index: float, value: Decimal | float) -> tuple[float, float]:
        return LEFT + plot_w * index / count, TOP + plot_h - plot_h * float(value) / top_value

    budget_y = xy(0, budget)[1]
    body.append(line(LEFT, budget_y, WIDTH - RIGHT, budget_y, stroke=TARGET, width=2, dash="6 4"))
    body.append(
        text(
            WIDTH - RIGHT,
            budget_y - 5,
            _("budget %(budget)s") % {"budget": euros(budget)},
            anchor="end",
            size=11,
            fill=TARGET,
        )
    )
    body.append(polyline([xy(i, c) for i, (_d, c) in enumerate(points)], stroke=SERIES, width=2.5))
    if break_even is not None and points:
        # The marker sits in the month that holds the day, which is where the line crosses.
        index = next(i for i, (day, _c) in enumerate(points) if day >= break_even)
        x = xy(index, 0)[0]
        body.append(line(x, TOP, x, TOP + plot_h, stroke=TARGET, dash="2 3"))
        body.append(
            text(
                x + 4 if index < len(points) / 2 else x - 4,
                TOP + 12,
                _("break-even %(day)s") % {"day": date_format(break_even, "j F Y")},
                anchor="start" if index < len(points) / 2 else "end",
                size=11,
                fill=TARGET,
            )
        )
    step = max(1, len(points) // 6)
    marks = [
        (xy(i, 0)[0], date_format(day, "N Y"))
        for i, (day, _c) in enumerate(points)
        if i % step == 0 or i == len(points) - 1
    ]
    for x, content, anchor in axis_labels(marks, size=10):
        body.append(text(x, height - BOTTOM + 16, content, anchor=anchor, size=10, fill=MUTED))
    body.append(line(LEFT, TOP + plot_h, WIDTH - RIGHT, TOP + plot_h, stroke=MUTED))
    return Chart(
        key="savings",
        title=title,
        summary=summary,
        svg=document("savings", title, summary, WIDTH, height, body),
        columns=[_("Month"), _("Savings so far"), _("Budget")],
        rows=[[date_format(d, "F Y"), euros(c), euros(budget)] for d, c in points],
    )


def _thousands(value: float) -> str:
    # Axis labels in thousands keep the narrow left margin readable: "25k" rather than 25.000.
    scaled = value / 1000 if value >= 1000 else value
    shown = number_format(int(scaled) if float(scaled).is_integer() else scaled)
    return _("%(amount)sk") % {"amount": shown} if value >= 1000 else shown
