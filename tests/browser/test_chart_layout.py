"""Charts that hold with long Dutch labels: no text outside its chart and no two labels on top of
each other, measured by Chromium at the size the PDF prints them (the same SVG markup goes into
the PDF); on a 390-px phone the table of the figures takes the chart's place, in readable text."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from playwright.sync_api import Page, expect

from kernel.dates import add_months
from reporting.charts.builders import (
    cumulative_outflow_chart,
    funnel_chart,
    municipality_outflow_chart,
)
from reporting.charts.savings import savings_against_budget_chart

from .helpers import PHONE

pytestmark = pytest.mark.browser

START = datetime.date(2024, 1, 31)
LONG_NAMES = [
    ("GM1900", "Súdwest-Fryslân"),
    ("GM0796", "'s-Hertogenbosch"),
    ("GM1966", "Het Hogeland en Westerkwartier samen"),
    ("GM0917", "Heerlen"),
]


def _charts():
    with translation.override("nl"):
        months = [add_months(START, i) for i in range(31)]
        return [
            funnel_chart(
                counts=[
                    ("voorgesteld", 12),
                    ("afgesproken", 9),
                    ("lopend", 30),
                    ("afgerond", 41),
                    ("voortijdig beëindigd", 17),
                    ("geannuleerd voordat de stage begon", 3),
                ]
            ),
            municipality_outflow_chart(rows=[(code, name, 3, 5.0) for code, name in LONG_NAMES]),
            cumulative_outflow_chart(
                points=[(day, i) for i, day in enumerate(months)], target=50, as_of=months[-1]
            ),
            savings_against_budget_chart(
                points=[(day, Decimal(4000 * i)) for i, day in enumerate(months)],
                budget=Decimal(100000),
                break_even=months[25],
                as_of=months[-1],
            ),
        ]


def _text_boxes(page: Page) -> tuple[dict, list[dict]]:
    return page.evaluate(
        """() => {
          const svg = document.querySelector('svg').getBoundingClientRect();
          const texts = [...document.querySelectorAll('svg text')].map(t => {
            const b = t.getBoundingClientRect();
            return {text: t.textContent, left: b.left, right: b.right, top: b.top,
                    bottom: b.bottom};
          });
          return [{left: svg.left, right: svg.right, top: svg.top, bottom: svg.bottom}, texts];
        }"""
    )


def _overlap(a: dict, b: dict) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


def test_long_dutch_labels_stay_inside_and_apart_at_print_size(page):
    for chart in _charts():
        page.set_content(
            '<!DOCTYPE html><html lang="nl"><body style="margin:0">' + chart.svg + "</body></html>"
        )
        svg, texts = _text_boxes(page)
        assert texts, chart.key
        outside = [
            t["text"]
            for t in texts
            if t["left"] < svg["left"] - 0.5
            or t["right"] > svg["right"] + 0.5
            or t["top"] < svg["top"] - 0.5
            or t["bottom"] > svg["bottom"] + 0.5
        ]
        assert outside == [], (chart.key, outside)
        touching = [
            (a["text"], b["text"])
            for i, a in enumerate(texts)
            for b in texts[i + 1 :]
            if _overlap(a, b)
        ]
        assert touching == [], (chart.key, touching)
    # The longest status is written out in full.
    assert "voortijdig beëindigd" in str(_charts()[0].svg)


def test_on_a_phone_the_table_takes_the_charts_place(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    with translation.override("nl"):
        figures = "".join(
            render_to_string("reporting/_chart.html", {"chart": chart}) for chart in _charts()
        )
    page.set_content(
        f'<!DOCTYPE html><html lang="nl"><head><link rel="stylesheet" '
        f'href="{live_server.url}/static/reporting/dashboard.css"></head><body>{figures}</body>'
        "</html>"
    )
    page.wait_for_load_state("networkidle")
    for svg in page.locator("svg.chart").all():
        expect(svg).to_be_hidden()
    cells = page.locator(".chart-details td")
    expect(cells.first).to_be_visible()
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.chart-details td, .chart-summary')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
