"""The funder opens the dashboard and finds the benefit savings next to the outflow: the figures
of pilot_savings, each with its sentence, the return on the budget and the break-even day on the
chart of savings against the budget."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kernel.models import PilotSettings
from municipalities.enums import Role
from reporting.snapshots import snapshot_compute
from tests.factories import user_with_role
from tests.reporting.test_pilot_metrics_command import load_pilot_small

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_funder_sees_savings_return_and_break_even_on_the_dashboard(page, a11y):
    load_pilot_small()
    # With a budget of EUR 20,000 the example's savings (EUR 34,272.64 as of 30 September 2025)
    # pass it on 15 April 2025: EUR 19,988.85 the day before, EUR 20,073.37 that day.
    pilot = PilotSettings.load()
    pilot.budget_eur = Decimal("20000")
    pilot.save()
    snapshot_compute(as_of=date(2025, 9, 30), trigger="on_demand")
    sign_in(page, user_with_role(Role.FUNDER, email="financier@startfoundation.example"))

    page.goto("/dashboard/?as_of=2025-09-30")

    savings = page.locator("section.savings")
    expect(savings.get_by_role("heading", level=2)).to_have_text(
        "Benefit savings as of 30 September 2025"
    )
    expect(savings.locator('[data-figure="savings"]')).to_have_text("€ 34,273")
    expect(savings.locator('[data-figure="days"]')).to_have_text("811")
    expect(savings.locator('[data-figure="return"]')).to_have_text("171%")
    expect(savings.locator('[data-figure="break-even"]')).to_have_text("15 April 2025")
    expect(savings.get_by_text("at 100% the pilot has paid for itself")).to_be_visible()
    chart = savings.get_by_role("img", name="Cumulative benefit savings against the budget")
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="break-even 15 April 2025")).to_have_count(1)
    expect(savings.locator("p.chart-summary")).to_have_text(
        "By 30 September 2025 the pilot's outflow saved € 34,273 in benefits, against a budget "
        "of € 20,000. The savings reached the budget on 15 April 2025."
    )
    rows = savings.locator("table").first.locator("tbody tr")
    expect(rows).to_have_text(
        [
            # ... and the coaching costs (4 and 3 participants x 24 h x EUR 70), per outflow, net.
            "Zwolle 1 82 € 3,465 0 € 6,720 € 6,720 € -3,255",
            "Heerlen 2 729 € 30,807 0 € 5,040 € 2,520 € 25,767",
        ],
        use_inner_text=True,
    )
    a11y.check(page, "savings")
    a11y.assert_clean()
