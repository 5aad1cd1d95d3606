"""Issue 14's business case in the browser: the funder finds the savings, the costs and the
break-even chart on the dashboard, opens the rollout calculator, sees the pilot's results at the
scale of all 342 municipalities with their intervals and assumptions, and changes the scale."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kernel.models import PilotSettings
from municipalities.enums import Role
from reporting.snapshots import snapshot_compute
from tests.factories import user_with_role
from tests.reporting.rollout_data import AS_OF, load_closed_windows

from .helpers import PHONE, assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_funder_sees_savings_break_even_and_the_rollout_calculator(page, a11y):
    load_closed_windows()
    PilotSettings.load()  # the defaults: budget EUR 100,000, EUR 75 / EUR 70 an hour, 24 hours
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    sign_in(page, user_with_role(Role.FUNDER, email="financier@startfoundation.example"))

    page.goto("/dashboard/?as_of=2025-09-30")

    # 12 participants off a EUR 1,200 benefit for 365 days: EUR 172,800; the budget of
    # EUR 100,000 is reached after 212 days, on 30 April 2025.
    savings = page.locator("section.savings")
    expect(savings.locator('[data-figure="savings"]')).to_have_text("€ 172,800")
    expect(savings.locator('[data-figure="break-even"]')).to_have_text("30 April 2025")
    chart = savings.get_by_role("img", name="Cumulative benefit savings against the budget")
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="break-even 30 April 2025")).to_have_count(1)
    # Costs: 10 IMK hours x EUR 75 + 30 participants x 24 h x EUR 70 = EUR 51,150 of coaching;
    # with the budget EUR 151,150, per outflow / 12; savings minus costs EUR 21,650.
    expect(savings.locator('[data-figure="coaching-costs"]')).to_have_text("€ 51,150")
    expect(savings.locator('[data-figure="cost-per-outflow"]')).to_have_text("€ 12,596")
    expect(savings.locator('[data-figure="net"]')).to_have_text("€ 21,650")
    a11y.check(page, "dashboard")

    page.get_by_role("link", name="Rollout calculator").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rollout calculator")
    expect(page.get_by_label("Number of municipalities")).to_have_value("342")
    expect(page.get_by_label("Places per municipality")).to_have_value("10")
    result = page.locator("section.rollout")
    expect(result.get_by_role("heading", level=2)).to_have_text(
        "342 municipalities, 10 places each"
    )
    expect(result.locator('[data-figure="places"]')).to_have_text("3420")
    expect(result.locator('[data-figure="outflow"]')).to_have_text("1368")
    expect(result.locator('[data-figure="outflow-interval"]')).to_contain_text(
        "with 95% certainty between 840 and 1973"
    )
    expect(result.locator('[data-figure="rollout-savings"]')).to_have_text("€ 13,492,584")
    expect(result.locator('[data-figure="rollout-costs"]')).to_have_text("€ 14,381,100")
    expect(result.locator('[data-figure="rollout-net"]')).to_have_text("€ -888,516")
    rollout_chart = result.get_by_role(
        "img", name="Savings and costs at this scale, first year after the internship"
    )
    expect(rollout_chart).to_be_visible()
    expect(result.locator("p.chart-summary")).to_contain_text(
        "At 3,420 places the pilot's results point to € 13,492,584 saved in benefits"
    )
    assumptions = result.locator("#rollout-assumptions tbody tr")
    expect(assumptions).to_have_count(6)
    expect(assumptions.first).to_contain_text("12 of 30")
    a11y.check(page, "default scale")

    page.get_by_label("Number of municipalities").fill("5")
    page.get_by_label("Places per municipality").fill("2")
    page.get_by_role("button", name="Calculate").click()

    expect(result.get_by_role("heading", level=2)).to_have_text("5 municipalities, 2 places each")
    expect(result.locator('[data-figure="places"]')).to_have_text("10")
    expect(result.locator('[data-figure="outflow"]')).to_have_text("4")
    expect(result.locator('[data-figure="rollout-savings"]')).to_have_text("€ 39,452")
    expect(result.locator('[data-figure="rollout-costs"]')).to_have_text("€ 42,050")
    assert "as_of=2025-09-30" in page.url

    page.get_by_label("Number of municipalities").fill("0")
    page.get_by_role("button", name="Calculate").click()

    expect(page.get_by_text("Choose at least 1 municipality.")).to_be_visible()
    expect(page.locator("section.rollout")).to_have_count(0)
    a11y.check(page, "error")

    page.set_viewport_size(PHONE)
    page.goto("/rollout/?as_of=2025-09-30")
    expect(page.locator('[data-figure="outflow"]')).to_have_text("1368")
    assert_fits_width(page)
    a11y.check(page, "phone")
    a11y.assert_clean()

    # A budget change after the snapshot does not change these figures: they are the snapshot's.
    pilot = PilotSettings.load()
    pilot.budget_eur = Decimal("1")
    pilot.save()
    page.reload()
    expect(page.locator('[data-figure="rollout-costs"]')).to_have_text("€ 14,381,100")
