"""The savings are stored in the snapshot with the outflow figures, from the same computation."""

import datetime
import json
from decimal import Decimal

import pytest

from kernel.models import PilotSettings
from reporting.snapshots import snapshot_compute
from tests.reporting.test_pilot_metrics_command import FIXTURES, load_pilot_small

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("as_of", ["2024-12-31", "2025-09-30"])
def test_snapshot_savings_equal_the_spec_example(as_of):
    load_pilot_small()
    expected = json.loads((FIXTURES / f"pilot-small.savings.{as_of}.json").read_text("utf-8"))

    snapshot, created = snapshot_compute(
        as_of=datetime.date.fromisoformat(as_of), trigger="on_demand"
    )

    assert created
    assert {key: snapshot.savings[key] for key in expected} == expected
    assert snapshot.savings["curve"]["points"][-1] == {
        "date": as_of,
        "savings": expected["totals"]["savings"],
    }


def test_snapshot_after_a_budget_change_is_a_new_one_with_the_new_return():
    load_pilot_small()
    as_of = datetime.date(2025, 9, 30)
    first, _created = snapshot_compute(as_of=as_of, trigger="on_demand")
    pilot = PilotSettings.load()
    pilot.budget_eur = Decimal("30000")
    pilot.save()

    second, created = snapshot_compute(as_of=as_of, trigger="on_demand")

    assert created
    assert (first.savings["budget"], first.savings["curve"]["break_even"]) == ("100000.00", None)
    # EUR 34,272.64 against EUR 30,000: EUR 29,962.15 on 10 August 2025, EUR 30,046.67 on the 11th.
    assert (second.savings["budget"], second.savings["totals"]["return_ratio"]) == (
        "30000.00",
        1.1424,
    )
    assert second.savings["curve"]["break_even"] == "2025-08-11"
