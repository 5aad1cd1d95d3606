"""The five charts of the dashboard and the reports. Each takes plain figures, never models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .svg import (
    GRID,
    MUTED,
    SERIES,
    TARGET,
    Chart,
    document,
    line,
    number,
    polyline,
    rect,
    text,
    text_width,
    ticks,
)

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
# Beyond this many municipalities one bar each would run over several pages; the chart then
# shows the ones furthest behind their target and the table keeps them all.
MAX_BARS = 30


def axis_labels(
    marks: Sequence[tuple[float, str]], *, size: int, gap: float = 8
) -> list[tuple[float, str, str]]:
    """Labels along an x axis, ``marks`` in order as (x, text): the first anchored at its start,
    the last at its end, the others centred; a label that would come within ``gap`` pixels of
    the one before is left out (measured in the charts' font), and the last one always stays.
    Returns (x, text, anchor)."""
    placed: list[tuple[float, float, float, str, str]] = []  # left, right, x, text, anchor
    for index, (x, content) in enumerate(marks):
        width = text_width(content, size)
        last = index == len(marks) - 1
        anchor = "end" if last and index else "start" if index == 0 else "middle"
        left = x - width if anchor == "end" else x if anchor == "start" else x - width / 2
        if last:
            while placed and left < placed[-1][1] + gap:
                placed.pop()
        elif placed and left < placed[-1][1] + gap:
            continue
        placed.append((left, left + width, x, content, anchor))
    return [(x, content, anchor) for _l, _r, x, content, anchor in placed]


def _fit(content: str, width: float, size: int) -> str:
    """``content`` cut (with an ellipsis) to fit ``width`` pixels at ``size``."""
    if text_width(content, size) <= width:
        return content
    while content and text_width(content + "…", size) > width:
        content = content[:-1]
    return content.rstrip() + "…"


def _percent(value: float) -> str:
    return f"{number_format(round(value * 100, 1), decimal_pos=0 if value in (0, 1) else 1)}%"


def _y_axis(body: list[str], top_value: float, height: int, plot_h: int) -> None:
    for tick in ticks(top_value):
        y = TOP + plot_h - plot_h * tick / ticks(top_value)[-1]
        body.append(line(LEFT, y, WIDTH - RIGHT, y, stroke=GRID))
        body.append(text(LEFT - 6, y + 4, number(tick), anchor="end", size=11, fill=MUTED))


def cumulative_outflow_chart(
    *, points: Sequence[tuple[date, int]], target: float, as_of: date
) -> Chart:
    """Outflow so far by month against the target line. ``points``: (month end, cumulative)."""
    title = _("Cumulative outflow against the target")
    current = points[-1][1] if points else 0
    summary = _(
        "%(outflow)s participants have left benefits by %(as_of)s, against a target of %(target)s."
    ) % {"outflow": current, "as_of": date_format(as_of), "target": number(target)}
    height = 260
    plot_h = height - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    top_value = ticks(max([target, *(c for _d, c in points), 1]))[-1]
    body: list[str] = []
    _y_axis(body, top_value, height, plot_h)
    count = max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        return LEFT + plot_w * index / count, TOP + plot_h - plot_h * value / top_value

    target_y = xy(0, target)[1]
    body.append(line(LEFT, target_y, WIDTH - RIGHT, target_y, stroke=TARGET, width=2, dash="6 4"))
    body.append(
        text(
            WIDTH - RIGHT,
            target_y - 5,
            _("target %(target)s") % {"target": number(target)},
            anchor="end",
            size=11,
            fill=TARGET,
        )
    )
    body.append(polyline([xy(i, c) for i, (_d, c) in enumerate(points)], stroke=SERIES, width=2.5))
    # About every sixth month, never where a label would touch its neighbour.
    step = max(1, len(points) // 6)
    marks = [
        (xy(i, 0)[0], date_format(day, "N Y"))
        for i, (day, _c) in enumerate(points)
        if i % step == 0 or i == len(points) - 1
    ]
    for x, content, anchor in axis_labels(marks, size=10):
        body.append(text(x, height - BOTTOM + 16, content, anchor=anchor, size=10, fill=MUTED))
    if points:
        x, y = xy(len(points) - 1, current)
        body.append(text(x - 4, y - 6, str(current), anchor="end", size=12, weight="bold"))
    body.append(line(LEFT, TOP + plot_h, WIDTH - RIGHT, TOP + plot_h, stroke=MUTED))
    return Chart(
        key="cumulative",
        title=title,
        summary=summary,
        svg=document("cumulative", title, summary, WIDTH, height, body),
        columns=[_("Month"), _("Outflow so far"), _("Target")],
        rows=[[date_format(d, "F Y"), c, number(target)] for d, c in points],
    )


def municipality_outflow_chart(
    *, rows: Sequence[tuple[str, str, int, float]], chart_key: str = "municipalities"
) -> Chart:
    """Outflow against target per municipality. ``rows``: (code, name, outflow, target)."""
    title = _("Outflow against target per municipality")
    reached = sum(1 for _c, _n, outflow, target in rows if target and outflow >= target)
    summary = ngettext(
        "%(reached)s of %(count)s municipality has reached its target.",
        "%(reached)s of %(count)s municipalities have reached their target.",
        len(rows),
    ) % {"reached": reached, "count": len(rows)}
    shown = list(rows)
    if len(shown) > MAX_BARS:
        shown = sorted(shown, key=lambda r: (r[2] / r[3] if r[3] else 1, r[0]))[:MAX_BARS]
        summary += " " + _("The chart shows the %(count)s furthest behind their target.") % {
            "count": MAX_BARS
        }
    bar_h, gap = 14, 8
    # As wide as the longest name needs (a long Dutch municipality name such as
    # "Súdwest-Fryslân" or "Westerkwartier"), up to a third of the chart; longer names are cut.
    label_w = min(max([60, *(text_width(n, 11) + 12 for _c, n, _o, _t in shown)]), WIDTH / 3)
    height = TOP + BOTTOM + max(len(shown), 1) * (bar_h + gap)
    plot_w = WIDTH - label_w - RIGHT - 40
    top_value = ticks(max([1, *(max(o, t) for _c, _n, o, t in shown)]))[-1]
    body: list[str] = []
    for tick in ticks(top_value):
        x = label_w + plot_w * tick / top_value
        body.append(line(x, TOP, x, height - BOTTOM, stroke=GRID))
        body.append(
            text(x, height - BOTTOM + 16, number(tick), anchor="middle", size=10, fill=MUTED)
        )
    for i, (_code, name, outflow, target) in enumerate(shown):
        y = TOP + i * (bar_h + gap)
        body.append(
            text(label_w - 6, y + bar_h - 3, _fit(name, label_w - 12, 11), anchor="end", size=11)
        )
        body.append(rect(label_w, y, plot_w * outflow / top_value, bar_h, fill=SERIES))
        target_x = label_w + plot_w * target / top_value
        body.append(line(target_x, y - 3, target_x, y + bar_h + 3, stroke=TARGET, width=2.5))
        body.append(
            text(
                label_w + plot_w * outflow / top_value + 4,
                y + bar_h - 3,
                f"{outflow} / {number(target)}",
                size=10,
            )
        )
    body.append(text(label_w, height - 6, _("bar: outflow; red mark: target"), size=10, fill=MUTED))
    return Chart(
        key=chart_key,
        title=title,
        summary=summary,
        svg=document(chart_key, title, summary, WIDTH, height, body),
        columns=[_("Municipality"), _("Outflow"), _("Target"), _("Share of target")],
        rows=[
            [name, outflow, number(target), _percent(outflow / target) if target else "–"]
            for _code, name, outflow, target in rows
        ],
    )


def funnel_chart(*, counts: Sequence[tuple[str, int]]) -> Chart:
    """Placements per status, in lifecycle order. ``counts``: (status label, count)."""
    title = _("Placement funnel")
    total = sum(c for _l, c in counts)
    summary = ngettext(
        "%(total)s placement in total: %(parts)s.",
        "%(total)s placements in total: %(parts)s.",
        total,
    ) % {"total": total, "parts": ", ".join(f"{label} {count}" for label, count in counts)}
    bar_h, gap = 20, 10
    # Room for the longest status ("voortijdig beëindigd") and for the counts after the bars.
    label_w = max([60, *(text_width(label, 12) + 12 for label, _c in counts)])
    height = TOP + BOTTOM + len(counts) * (bar_h + gap)
    plot_w = WIDTH - label_w - RIGHT - 50
    top_value = max([1, *(c for _l, c in counts)])
    body: list[str] = []
    for i, (label, count) in enumerate(counts):
        y = TOP + i * (bar_h + gap)
        width = plot_w * count / top_value
        # Centred bars give the funnel its shape.
        x = label_w + (plot_w - width) / 2
        body.append(text(label_w - 6, y + bar_h - 5, label, anchor="end", size=12))
        body.append(rect(x, y, width, bar_h, fill=SERIES))
        body.append(text(label_w + plot_w + 8, y + bar_h - 5, str(count), size=12, weight="bold"))
    return Chart(
        key="funnel",
        title=title,
        summary=summary,
        svg=document("funnel", title, summary, WIDTH, height, body),
        columns=[_("Status"), _("Placements")],
        rows=[[label, count] for label, count in counts],
    )


def time_to_outflow_chart(
    *,
    curve: Sequence[tuple[float, float]],
    table: Sequence[tuple[int, int, int, int, float]],
    participants: int,
    events: int,
    censored: int,
) -> Chart:
    """A Kaplan-Meier curve of the share flowed out by months after the internship's end.

    ``curve``: (months, cumulative share) at every step; ``table``: (month, at risk, events so
    far, censored so far, cumulative share) at whole months.
    """
    title = _("Time to outflow after the internship")
    at_twelve = table[-1][4] if table else 0.0
    summary = _(
        "Of %(participants)s participants whose internship has ended, %(events)s left benefits "
        "and %(censored)s are still in their window or closed it without outflow (censored). "
        "Estimated share out of benefits 12 months after the internship: %(share)s."
    ) % {
        "participants": participants,
        "events": events,
        "censored": censored,
        "share": _percent(at_twelve),
    }
    height = 260
    plot_h = height - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    body: list[str] = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = TOP + plot_h - plot_h * tick
        body.append(line(LEFT, y, WIDTH - RIGHT, y, stroke=GRID))
        body.append(text(LEFT - 6, y + 4, _percent(tick), anchor="end", size=11, fill=MUTED))
    for month in range(0, 13, 3):
        x = LEFT + plot_w * month / 12
        body.append(text(x, height - BOTTOM + 16, str(month), anchor="middle", size=10, fill=MUTED))
    body.append(
        text(
            LEFT + plot_w / 2,
            height - 6,
            _("months after the internship"),
            anchor="middle",
            size=10,
            fill=MUTED,
        )
    )
    # A step function: flat until the next event, then up.
    points: list[tuple[float, float]] = []
    previous = 0.0
    for months, share in [(0.0, 0.0), *curve]:
        x = LEFT + plot_w * min(months, 12) / 12
        points.append((x, TOP + plot_h - plot_h * previous))
        points.append((x, TOP + plot_h - plot_h * share))
        previous = share
    points.append((LEFT + plot_w, TOP + plot_h - plot_h * previous))
    body.append(polyline(points, stroke=SERIES, width=2.5))
    body.append(line(LEFT, TOP + plot_h, WIDTH - RIGHT, TOP + plot_h, stroke=MUTED))
    return Chart(
        key="time_to_outflow",
        title=title,
        summary=summary,
        svg=document("time_to_outflow", title, summary, WIDTH, height, body),
        columns=[
            _("Months"),
            _("At risk"),
            _("Outflow so far"),
            _("Censored so far"),
            _("Share out of benefits"),
        ],
        rows=[[m, r, e, c, _percent(s)] for m, r, e, c, s in table],
    )


def guidance_chart(
    *,
    buckets: Sequence[tuple[str, int, int, float]],
    entrepreneurs: int,
    sessions: int,
    hours: float,
) -> Chart:
    """IMK guidance: entrepreneurs by number of sessions (a distribution, never a name).

    ``buckets``: (label, entrepreneurs, sessions, hours).
    """
    title = _("IMK guidance per entrepreneur")
    average = sessions / entrepreneurs if entrepreneurs else 0
    summary = _(
        "%(sessions)s guidance sessions (%(hours)s hours) with %(entrepreneurs)s entrepreneurs: "
        "on average %(average)s sessions each."
    ) % {
        "sessions": sessions,
        "hours": number_format(round(hours, 1), decimal_pos=1),
        "entrepreneurs": entrepreneurs,
        "average": number_format(round(average, 1), decimal_pos=1),
    }
    height = 240
    plot_h = height - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    top_value = ticks(max([1, *(e for _l, e, _s, _h in buckets)]))[-1]
    body: list[str] = []
    _y_axis(body, top_value, height, plot_h)
    slot = plot_w / max(len(buckets), 1)
    for i, (label, count, _s, _h) in enumerate(buckets):
        bar_h = plot_h * count / top_value
        x = LEFT + i * slot + slot * 0.15
        body.append(rect(x, TOP + plot_h - bar_h, slot * 0.7, bar_h, fill=SERIES))
        body.append(
            text(
                x + slot * 0.35,
                TOP + plot_h - bar_h - 4,
                str(count),
                anchor="middle",
                size=11,
                weight="bold",
            )
        )
        body.append(
            text(x + slot * 0.35, height - BOTTOM + 16, label, anchor="middle", size=10, fill=MUTED)
        )
    body.append(
        text(
            LEFT + plot_w / 2,
            height - 6,
            _("sessions per entrepreneur (bar: number of entrepreneurs)"),
            anchor="middle",
            size=10,
            fill=MUTED,
        )
    )
    body.append(line(LEFT, TOP + plot_h, WIDTH - RIGHT, TOP + plot_h, stroke=MUTED))
    return Chart(
        key="guidance",
        title=title,
        summary=summary,
        svg=document("guidance", title, summary, WIDTH, height, body),
        columns=[_("Sessions per entrepreneur"), _("Entrepreneurs"), _("Sessions"), _("Hours")],
        rows=[
            [label, count, s, number_format(round(h, 1), decimal_pos=1)]
            for label, count, s, h in buckets
        ],
    )


__all__ = [
    "cumulative_outflow_chart",
    "funnel_chart",
    "guidance_chart",
    "municipality_outflow_chart",
    "time_to_outflow_chart",
]
