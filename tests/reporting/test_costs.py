"""Issue 14, item 3: the costs of coaching beside the budget, stored in the snapshot with the
rates they used; per municipality, per outflow, and the savings minus the costs."""

import datetime
from decimal import Decimal

import pytest

from coaching.models import Entrepreneur
from kernel.models import PilotSettings
from reporting.costs import imk_cents, jobcoach_cents
from reporting.snapshots import snapshot_compute
from tests.factories import GuidanceSessionFactory
from tests.reporting.test_pilot_metrics_command import load_pilot_small

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 9, 30)


def test_cost_rounding_is_exact_and_half_up():
    assert imk_cents(1, 7500) == 125  # 1 minute at EUR 75 an hour: EUR 1.25
    assert imk_cents(2, 7545) == 252  # EUR 2.515 -> 2.52
    assert imk_cents(1, 7501) == 125  # EUR 1.2502 -> 1.25
    assert jobcoach_cents(3, 245, 7000) == 514500  # 3 x 24.5 h x EUR 70
    assert jobcoach_cents(1, 1, 5) == 1  # 0.1 h x EUR 0.05 = 0.5 cent -> 1 cent


def _pilot_small_with_sessions_and_rates():
    load_pilot_small()
    pilot = PilotSettings.load()
    pilot.imk_hourly_rate_eur = Decimal("80")
    pilot.jobcoach_hourly_rate_eur = Decimal("60")
    pilot.jobcoach_hours_per_participant = Decimal("10.5")
    pilot.save()
    bakery = Entrepreneur.objects.get(ref="ENT-HRL-1")
    GuidanceSessionFactory(entrepreneur=bakery, held_on=datetime.date(2025, 3, 1), minutes=90)
    GuidanceSessionFactory(entrepreneur=bakery, held_on=AS_OF, minutes=45)
    # The day after A: not a cost as of A.
    GuidanceSessionFactory(entrepreneur=bakery, held_on=datetime.date(2025, 10, 1), minutes=60)


def test_snapshot_stores_the_costs_from_sessions_up_to_as_of_and_the_rates():
    _pilot_small_with_sessions_and_rates()

    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")

    costs = snapshot.savings["costs"]
    assert (
        costs["imk_hourly_rate"],
        costs["jobcoach_hourly_rate"],
        costs["jobcoach_hours_per_participant"],
    ) == ("80.00", "60.00", "10.5")
    # Heerlen: 135 minutes x EUR 80 / 60 = EUR 180; 3 participants x 10.5 h x EUR 60 = EUR 1,890.
    # Zwolle: no sessions; 4 participants x 10.5 h x EUR 60 = EUR 2,520.
    assert costs["municipalities"] == [
        {
            "code": "GM0193",
            "name": "Zwolle",
            "participants": 4,
            "outflow": 1,
            "imk_minutes": 0,
            "imk_costs": "0.00",
            "jobcoach_costs": "2520.00",
            "coaching_costs": "2520.00",
            "coaching_cost_per_outflow": "2520.00",
            "savings": "3465.30",
            "net": "945.30",
        },
        {
            "code": "GM0917",
            "name": "Heerlen",
            "participants": 3,
            "outflow": 2,
            "imk_minutes": 135,
            "imk_costs": "180.00",
            "jobcoach_costs": "1890.00",
            "coaching_costs": "2070.00",
            "coaching_cost_per_outflow": "1035.00",
            "savings": "30807.34",
            "net": "28737.34",
        },
    ]
    # In total the budget is added: EUR 100,000 + 4,590 = 104,590; per outflow / 3.
    assert costs["totals"] == {
        "participants": 7,
        "outflow": 3,
        "imk_minutes": 135,
        "imk_costs": "180.00",
        "jobcoach_costs": "4410.00",
        "coaching_costs": "4590.00",
        "coaching_cost_per_outflow": "1530.00",
        "budget": "100000.00",
        "costs": "104590.00",
        "cost_per_outflow": "34863.33",
        "savings": "34272.64",
        "net": "-70317.36",
    }


def test_a_rate_change_makes_a_new_snapshot_and_leaves_the_old_one_as_it_was():
    _pilot_small_with_sessions_and_rates()
    first, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    pilot = PilotSettings.load()
    pilot.imk_hourly_rate_eur = Decimal("100")
    pilot.save()

    second, created = snapshot_compute(as_of=AS_OF, trigger="on_demand")

    first.refresh_from_db()
    assert created
    assert first.savings["costs"]["totals"]["imk_costs"] == "180.00"
    assert second.savings["costs"]["totals"]["imk_costs"] == "225.00"  # 135 min x EUR 100 / 60
