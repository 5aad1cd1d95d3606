"""The rollout calculator's chart: first-year savings and costs at the chosen scale, with the
95% interval of the savings and of the net result drawn as whiskers."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .builders import RIGHT, WIDTH
from .savings import euros
from .svg import GRID, INK, MUTED, SERIES, TARGET, Chart, document, line, rect, text, ticks

LABEL_WIDTH = 190


def rollout_chart(projection) -> Chart:
    """Bars for the expected savings, the costs and the net result; whiskers for the intervals.
    ``projection``: a ``reporting.rollout.Projection`` with ``savings_enough``."""
    title = _("Savings and costs at this scale, first year after the internship")
    p = projection
    bars = [
        (_("Savings in benefits"), p.savings, p.savings_low, p.savings_high, SERIES),
        (_("Costs"), p.costs, None, None, MUTED),
        (_("Savings minus costs"), p.net, p.net_low, p.net_high, TARGET if p.net < 0 else INK),
    ]
    summary = _(
        "At %(places)s places the pilot's results point to %(savings)s saved in benefits in the "
        "first year after the internship (95%% interval %(low)s to %(high)s), against costs of "
        "%(costs)s: %(net)s net (%(net_low)s to %(net_high)s)."
    ) % {
        "places": number_format(p.places, 0, force_grouping=True),
        "savings": euros(p.savings),
        "low": euros(p.savings_low),
        "high": euros(p.savings_high),
        "costs": euros(p.costs),
        "net": euros(p.net),
        "net_low": euros(p.net_low),
        "net_high": euros(p.net_high),
    }
    values = [v for _l, value, low, high, _c in bars for v in (value, low, high) if v is not None]
    # Round ticks: a step from the span, the axis from a multiple of it at or below the lowest
    # value (0 when nothing is negative).
    lowest = float(min([Decimal(0), *values]))
    highest = float(max([Decimal(1), *values]))
    step = ticks(highest - lowest)[1]
    low_value = math.floor(lowest / step) * step
    count = math.ceil((highest - low_value) / step)
    span = step * count
    span_ticks = [step * i for i in range(count + 1)]
    row_h, top = 44, 20
    height = top + row_h * len(bars) + 36
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT - 8
    plot_w = plot_right - plot_left

    def x(value: float | Decimal) -> float:
        return plot_left + plot_w * (float(value) - low_value) / span

    body: list[str] = []
    zero = x(0)
    for i in range(len(span_ticks)):
        value = low_value + span_ticks[i]
        body.append(line(x(value), top - 6, x(value), top + row_h * len(bars), stroke=GRID))
        body.append(
            text(
                x(value),
                height - 14,
                euros(Decimal(value)),
                # The last label ends at its tick, so that it stays inside the picture.
                anchor="end" if i == len(span_ticks) - 1 else "middle",
                size=10,
                fill=MUTED,
            )
        )
    for index, (label, value, low, high, colour) in enumerate(bars):
        y = top + index * row_h
        body.append(text(plot_left - 8, y + 20, label, anchor="end", size=12))
        start, end = sorted((zero, x(value)))
        body.append(rect(start, y + 6, end - start, 20, fill=colour))
        if low is not None and high is not None:
            middle = y + 16
            body.append(line(x(low), middle, x(high), middle, stroke=INK, width=2))
            for edge in (low, high):
                body.append(line(x(edge), middle - 8, x(edge), middle + 8, stroke=INK, width=2))
    body.append(line(zero, top - 6, zero, top + row_h * len(bars), stroke=INK))
    rows = [
        [
            _("Participants leaving benefits"),
            number_format(p.outflow, 0, force_grouping=True),
            number_format(p.outflow_low, 0, force_grouping=True),
            number_format(p.outflow_high, 0, force_grouping=True),
        ],
        *[
            [
                label,
                euros(value),
                euros(low) if low is not None else "-",
                euros(high) if high is not None else "-",
            ]
            for label, value, low, high, _c in bars
        ],
    ]
    return Chart(
        key="rollout",
        title=title,
        summary=summary,
        svg=document("rollout", title, summary, WIDTH, height, body),
        columns=[_("Figure"), _("Expected"), _("95% interval from"), _("95% interval to")],
        rows=rows,
    )
