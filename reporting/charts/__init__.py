"""Charts as SVG made on the server: one code path for the dashboard and the PDF reports.

Every builder returns a ``Chart``: the SVG markup (with <title> and <desc>, role="img" and
aria-labelledby), a one-paragraph text summary and the table behind the picture, so that screen
readers, print and the PDF carry the same figures.
"""

from .builders import (
    cumulative_outflow_chart,
    funnel_chart,
    guidance_chart,
    municipality_outflow_chart,
    time_to_outflow_chart,
)
from .savings import euros, savings_against_budget_chart
from .svg import Chart

__all__ = [
    "Chart",
    "cumulative_outflow_chart",
    "funnel_chart",
    "guidance_chart",
    "euros",
    "municipality_outflow_chart",
    "savings_against_budget_chart",
    "time_to_outflow_chart",
]
