"""Issue 14, item 4: the rollout calculator's arithmetic (pure) and its basis in the snapshot."""

import datetime
import statistics
from decimal import Decimal

import pytest

from reporting.rollout import (
    MIN_CLOSED_WINDOWS,
    mean_interval,
    project,
    wilson_interval,
)
from reporting.savings import cents_for_days
from reporting.snapshots import snapshot_compute
from tests.reporting.rollout_data import AS_OF, load_closed_windows


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
        # 38 of 97: (38 + z^2/2 -/+ z sqrt(38 x 59 / 97 + z^2/4)) / (97 + z^2).
        (38, 97, 0.3005, 0.4912),
    ],
)
def test_wilson_interval_matches_published_values(successes, n, low, high):
    got = wilson_interval(successes, n)

    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


def test_wilson_interval_refuses_impossible_counts():
    for successes, n in ((1, 0), (5, 4), (-1, 3)):
        with pytest.raises(ValueError):
            wilson_interval(successes, n)


def test_mean_interval_is_the_normal_approximation_and_never_below_zero():
    values = [986301] * 12 + [0] * 18

    mean, low, high = mean_interval(values)

    half = 1.959963984540054 * statistics.stdev(values) / 30**0.5
    assert mean == statistics.mean(values) == 394520.4
    assert (low, high) == pytest.approx((mean - half, mean + half))
    assert mean_interval([0, 0, 10, 0])[1] == 0.0


COSTS = {
    "imk_hourly_rate": "75.00",
    "jobcoach_hourly_rate": "70.00",
    "jobcoach_hours_per_participant": "24.0",
    "totals": {"budget": "100000.00"},
}
BASIS = {
    "participants": 30,
    "closed_windows": 30,
    "closed_outflow": 12,
    "closed_without_amount": 0,
    "savings_observations": 30,
    "first_year_savings_mean": "3945.20",
    "first_year_savings_low": "2186.62",
    "first_year_savings_high": "5703.79",
    "planned_places": 40,
    "imk_minutes": 600,
}


def test_projection_at_all_municipalities_with_ten_places():
    p = project(basis=BASIS, costs=COSTS, municipalities=342, places=10)

    assert (p.places, p.enough, p.savings_enough) == (3420, True, True)
    # 12 of 30: 40%, Wilson 24.59% to 57.68%; of 3,420 places 1,368 (840 to 1,973).
    assert (p.outflow, p.outflow_low, p.outflow_high) == (1368, 840, 1973)
    assert (p.savings, p.savings_low, p.savings_high) == (
        Decimal("13492584"),
        Decimal("7478240"),
        Decimal("19506962"),
    )
    # Per place: 24 h x EUR 70 + 10 h / 30 participants x EUR 75 + EUR 100,000 / 40 = EUR 4,205.
    assert (p.cost_per_place, p.costs) == (Decimal("4205"), Decimal("14381100"))
    assert (p.net, p.net_low, p.net_high) == (
        Decimal("-888516"),
        Decimal("-6902860"),
        Decimal("5125862"),
    )
    assert p.cost_per_outflow == Decimal("10513")  # EUR 14,381,100 / 1,368


def test_projection_scales_with_the_inputs():
    small = project(basis=BASIS, costs=COSTS, municipalities=5, places=2)

    assert (small.places, small.outflow, small.costs) == (10, 4, Decimal("42050"))
    assert small.savings == Decimal("39452")


def test_too_few_closed_windows_extrapolate_nothing():
    basis = {**BASIS, "closed_windows": MIN_CLOSED_WINDOWS - 1, "closed_outflow": 8}

    p = project(basis=basis, costs=COSTS, municipalities=342, places=10)

    assert (p.enough, p.outflow, p.savings, p.costs, p.rate) == (False, None, None, None, None)
    assert p.closed_windows == 19


def test_too_few_known_amounts_extrapolate_the_outflow_but_not_the_savings():
    basis = {**BASIS, "savings_observations": MIN_CLOSED_WINDOWS - 1}

    p = project(basis=basis, costs=COSTS, municipalities=342, places=10)

    assert (p.enough, p.savings_enough, p.outflow) == (True, False, 1368)
    assert (p.savings, p.net) == (None, None)


@pytest.mark.django_db
def test_snapshot_stores_the_basis_from_closed_windows_only():
    load_closed_windows()

    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")

    # 250 days off benefits in the window (1 October 2024 - 7 June 2025) at EUR 1,200 a month.
    assert cents_for_days(120000, 250) == 986301
    assert snapshot.savings["rollout"] == {
        "as_of": "2025-09-30",
        "follow_up_months": 12,
        "participants": 30,
        "closed_windows": 30,
        "closed_outflow": 12,
        "closed_without_amount": 0,
        "savings_observations": 30,
        "first_year_savings_mean": "3945.20",
        "first_year_savings_low": "2186.62",
        "first_year_savings_high": "5703.79",
        "planned_places": 40,
        "imk_minutes": 600,
    }


@pytest.mark.django_db
def test_open_windows_are_not_observations():
    load_closed_windows()

    # On 1 June 2025 no window has closed yet (they close on 7 June).
    snapshot, _created = snapshot_compute(as_of=datetime.date(2025, 6, 1), trigger="on_demand")

    basis = snapshot.savings["rollout"]
    assert (basis["participants"], basis["closed_windows"], basis["savings_observations"]) == (
        30,
        0,
        0,
    )
