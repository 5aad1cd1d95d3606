"""The SVG charts: accessible markup, text summary and table, for empty and filled figures."""

import re
from datetime import date

import pytest

from reporting.charts import (
    cumulative_outflow_chart,
    funnel_chart,
    guidance_chart,
    municipality_outflow_chart,
    time_to_outflow_chart,
)
from reporting.dashboard import cost_per_outflow, cumulative_outflow, kaplan_meier, month_ends


def _participant(ref, status, end=None, outflow=None, window_end=None, start="2024-01-08"):
    return {
        "ref": ref,
        "municipality_code": "GM0917",
        "status": status,
        "internship_start": start,
        "internship_end": end,
        "window_end": window_end,
        "outflow_date": outflow,
        "outflow_reason": "work" if outflow else None,
        "sustained": None,
    }


def _all_charts(empty: bool):
    if empty:
        return [
            cumulative_outflow_chart(
                points=[(date(2025, 9, 30), 0)], target=0, as_of=date(2025, 9, 30)
            ),
            municipality_outflow_chart(rows=[]),
            funnel_chart(counts=[("proposed", 0), ("agreed", 0)]),
            time_to_outflow_chart(curve=[], table=[], participants=0, events=0, censored=0),
            guidance_chart(buckets=[("0", 0, 0, 0.0)], entrepreneurs=0, sessions=0, hours=0),
        ]
    return [
        cumulative_outflow_chart(
            points=[(date(2025, 7, 31), 3), (date(2025, 8, 31), 5), (date(2025, 9, 30), 6)],
            target=50,
            as_of=date(2025, 9, 30),
        ),
        municipality_outflow_chart(
            rows=[("GM0917", "Heerlen", 3, 5.0), ("GM0014", "Groningen", 5, 5.0)]
        ),
        funnel_chart(counts=[("proposed", 2), ("active", 7)]),
        time_to_outflow_chart(
            curve=[(0.0, 0.25), (2.0, 0.5)],
            table=[(0, 4, 1, 0, 0.25), (12, 1, 2, 1, 0.5)],
            participants=4,
            events=2,
            censored=2,
        ),
        guidance_chart(
            buckets=[("0", 1, 0, 0.0), ("1-2", 2, 3, 2.5)], entrepreneurs=3, sessions=3, hours=2.5
        ),
    ]


@pytest.mark.parametrize("empty", [True, False])
def test_charts_are_accessible_svg_with_summary_and_table(empty):
    for chart in _all_charts(empty):
        svg = str(chart.svg)
        assert svg.startswith("<svg ")
        assert svg.endswith("</svg>")
        assert 'role="img"' in svg
        title_id = f"chart-{chart.key}-title"
        desc_id = f"chart-{chart.key}-desc"
        assert f'aria-labelledby="{title_id} {desc_id}"' in svg
        assert f'<title id="{title_id}">{chart.title}</title>' in svg
        assert f'<desc id="{desc_id}">' in svg
        assert chart.summary
        assert all(len(row) == len(chart.columns) for row in chart.rows)
        assert "nan" not in svg.lower()


def test_municipality_chart_escapes_names():
    chart = municipality_outflow_chart(rows=[("GM0001", "<script>A&B</script>", 1, 5.0)])
    assert "<script>" not in str(chart.svg)
    assert "&lt;script&gt;A&amp;B" in str(chart.svg)


def test_municipality_chart_shows_at_most_thirty_bars_furthest_behind():
    rows = [(f"GM{i:04d}", f"Gemeente {i}", i % 6, 5.0) for i in range(342)]
    chart = municipality_outflow_chart(rows=rows)
    assert len(re.findall(r"<rect ", str(chart.svg))) == 30
    assert len(chart.rows) == 342
    assert "furthest behind" in chart.summary


def test_cumulative_chart_summary_states_outflow_and_target():
    chart = _all_charts(False)[0]
    assert (
        chart.summary
        == "6 participants have left benefits by Sept. 30, 2025, against a target of 50."
    )
    assert chart.rows[-1] == ["September 2025", 6, "50"]


def test_month_ends_run_to_the_as_of_date():
    assert month_ends(date(2024, 1, 8), date(2024, 3, 15)) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 15),
    ]


def test_cumulative_outflow_counts_outflow_dates_per_month():
    participants = [
        _participant("a", "outflow", "2024-06-07", "2024-02-10"),
        _participant("b", "outflow", "2024-06-07", "2024-03-31"),
        _participant("c", "open", "2024-06-07"),
    ]
    assert cumulative_outflow(participants, as_of=date(2024, 4, 10)) == [
        (date(2024, 1, 31), 0),
        (date(2024, 2, 29), 1),
        (date(2024, 3, 31), 2),
        (date(2024, 4, 10), 2),
    ]
    assert cumulative_outflow([], as_of=date(2024, 4, 10)) == [(date(2024, 4, 10), 0)]


def test_kaplan_meier_censors_open_and_closed_windows_and_counts_internship_outflow_at_zero():
    as_of = date(2025, 6, 7)
    participants = [
        # Outflow during the internship: time 0.
        _participant("a", "outflow", "2024-06-07", "2024-05-01", "2025-06-07"),
        # Outflow 30 days after the internship.
        _participant("b", "outflow", "2024-06-07", "2024-07-07", "2025-06-07"),
        # Window closed without outflow: censored at W - E = 365 days.
        _participant("c", "no_outflow", "2024-06-07", None, "2025-06-07"),
        # Still in the window: censored at A - E = 31 days.
        _participant("d", "open", "2025-05-07", None, "2026-05-07"),
        # Internship still running: not yet at risk.
        _participant("e", "open", None),
    ]
    km = kaplan_meier(participants, as_of=as_of)
    assert km.participants == 4
    assert km.events == 2
    assert km.censored == 2
    # t=0: 1 of 4 -> S=0.75; t=30: 1 of 3 at risk -> S=0.5; d (31) and c (365) censored after.
    assert [round(share, 6) for _months, share in km.curve] == [0.25, 0.5]
    assert km.table[0] == (0, 4, 1, 0, 0.25)
    assert km.table[1][0] == 1
    assert km.table[1][1:4] == (2, 2, 0)  # at 30.4 days: c and d still at risk
    # At 12 months (365.25 days) c, censored at day 365, has left the risk set.
    assert km.table[-1] == (12, 0, 2, 2, 0.5)


def test_kaplan_meier_events_before_censoring_at_the_same_time():
    participants = [
        _participant("a", "outflow", "2025-01-01", "2025-01-31", "2026-01-01"),
        _participant("b", "open", "2025-01-01", None, "2026-01-01"),
    ]
    km = kaplan_meier(participants, as_of=date(2025, 1, 31))
    # Both at risk on day 30: one event among two.
    assert km.curve == [(30 / (365.25 / 12), 0.5)]


def test_cost_per_outflow_rounds_and_handles_no_outflow():
    from decimal import Decimal

    assert cost_per_outflow(Decimal("100000"), 34) == Decimal("2941")
    assert cost_per_outflow(Decimal("100000"), 0) is None
    assert cost_per_outflow(None, 5) is None
