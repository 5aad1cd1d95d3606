import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kernel.models import PilotSettings
from tests.factories import MunicipalityFactory
from tests.reporting.test_pilot_metrics_command import FIXTURES, load_pilot_small

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = StringIO()
    call_command("pilot_savings", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("as_of", ["2024-12-31", "2025-09-30"])
def test_pilot_savings_json_equals_expected_pilot_small(as_of):
    load_pilot_small()
    expected = FIXTURES / f"pilot-small.savings.{as_of}.json"

    output = run(as_of=as_of, format="json")

    assert json.loads(output) == json.loads(expected.read_text(encoding="utf-8"))


@pytest.mark.parametrize("as_of", ["2024-12-31", "2025-09-30"])
def test_pilot_savings_json_text_matches_expected_file_byte_for_byte(as_of):
    # Key order, amounts as strings and layout are the public interface, not only the values.
    load_pilot_small()
    expected = FIXTURES / f"pilot-small.savings.{as_of}.json"

    output = run("--as-of", as_of)

    assert output == expected.read_text(encoding="utf-8")


def test_pilot_savings_budget_comes_from_the_pilot_settings():
    load_pilot_small()
    pilot = PilotSettings.load()
    pilot.budget_eur = Decimal("25000.50")
    pilot.save()

    output = json.loads(run(as_of="2025-09-30"))

    # 34272.64 / 25000.50 = 1.37088...
    assert (output["budget"], output["totals"]["return_ratio"]) == ("25000.50", 1.3709)


def test_pilot_savings_return_ratio_is_null_with_a_zero_budget():
    MunicipalityFactory(code="GM0917", name="Heerlen")
    pilot = PilotSettings.load()
    pilot.budget_eur = Decimal("0")
    pilot.save()

    output = json.loads(run(as_of="2025-09-30"))

    assert output == {
        "as_of": "2025-09-30",
        "budget": "0.00",
        "totals": {
            "outflow": 0,
            "without_amount": 0,
            "days_off_benefits": 0,
            "savings": "0.00",
            "return_ratio": None,
        },
        "municipalities": [
            {
                "code": "GM0917",
                "name": "Heerlen",
                "outflow": 0,
                "without_amount": 0,
                "days_off_benefits": 0,
                "savings": "0.00",
            }
        ],
        "participants": [],
    }


def test_pilot_savings_table_lists_every_municipality_totals_and_return():
    load_pilot_small()

    output = run(as_of="2025-09-30", format="table")

    assert output == (
        "Benefit savings as of 2025-09-30 (budget EUR 100000.00)\n"
        "\n"
        "Code    Municipality  Outflow  Without amount  Days off benefits  Savings (EUR)\n"
        + "-"
        * 79
        + "\n"
        "GM0193  Zwolle              1               0                 82        3465.30\n"
        "GM0917  Heerlen             2               0                729       30807.34\n"
        + "-"
        * 79
        + "\n"
        "        Total               3               0                811       34272.64\n"
        "\n"
        "Return on the budget: 0.3427\n"
    )


def test_pilot_savings_invalid_as_of_raises_command_error():
    with pytest.raises(CommandError) as excinfo:
        run(as_of="2024-02-30")

    assert str(excinfo.value) == "--as-of must be a date written as YYYY-MM-DD, got '2024-02-30'."
