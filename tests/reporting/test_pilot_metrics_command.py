import csv
import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from coaching.models import Entrepreneur
from municipalities.models import Municipality
from placements.models import BenefitPeriod, Jobseeker, Placement
from tests.factories import MunicipalityFactory, PlacementFactory
from tests.factories.placements import ConsentRecordFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PILOT_SMALL = FIXTURES / "pilot-small"


def _rows(name: str) -> list[dict[str, str]]:
    with (PILOT_SMALL / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def load_pilot_small() -> None:
    """Write the example data set straight into the tables.

    The CSV import is a separate command with its own tests; this loader only creates the rows,
    so these tests depend on nothing but the models.
    """
    municipalities = {
        row["code"]: Municipality.objects.create(
            code=row["code"], name=row["name"], planned_places=int(row["planned_places"])
        )
        for row in _rows("municipalities.csv")
    }
    entrepreneurs = {
        row["ref"]: Entrepreneur.objects.create(
            municipality=municipalities[row["municipality_code"]],
            ref=row["ref"],
            trade_name=row["trade_name"],
            kvk_number=row["kvk_number"],
            prior_support=row["prior_support"],
        )
        for row in _rows("entrepreneurs.csv")
    }
    jobseekers = {
        row["ref"]: Jobseeker.objects.create(
            municipality=municipalities[row["municipality_code"]],
            ref=row["ref"],
            given_name=row["given_name"],
            family_name=row["family_name"],
            birth_date=_date(row["birth_date"]),
        )
        for row in _rows("jobseekers.csv")
    }
    # The file's research_consent "yes" is a research consent that holds (as the import gives it).
    for row in _rows("jobseekers.csv"):
        if row["research_consent"] == "yes":
            ConsentRecordFactory(jobseeker=jobseekers[row["ref"]])
    for row in _rows("placements.csv"):
        jobseeker = jobseekers[row["jobseeker_ref"]]
        Placement.objects.create(
            municipality=jobseeker.municipality,
            ref=row["ref"],
            jobseeker=jobseeker,
            entrepreneur=entrepreneurs[row["entrepreneur_ref"]],
            status=row["status"],
            planned_start=_date(row["planned_start"]),
            planned_end=_date(row["planned_end"]),
            actual_start=_date(row["actual_start"]),
            actual_end=_date(row["actual_end"]),
            end_reason=row["end_reason"],
        )
    for row in _rows("benefit_periods.csv"):
        jobseeker = jobseekers[row["jobseeker_ref"]]
        BenefitPeriod.objects.create(
            municipality=jobseeker.municipality,
            jobseeker=jobseeker,
            benefit_type=row["benefit_type"],
            start_date=_date(row["start_date"]),
            end_date=_date(row["end_date"]),
            end_reason=row["end_reason"],
            monthly_amount=Decimal(row["monthly_amount"]) if row["monthly_amount"] else None,
        )


def run(*args, **options) -> str:
    out = StringIO()
    call_command("pilot_metrics", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("as_of", ["2024-12-31", "2025-09-30"])
def test_pilot_metrics_json_equals_expected_pilot_small(as_of):
    load_pilot_small()
    expected = FIXTURES / f"pilot-small.expected.{as_of}.json"

    output = run(as_of=as_of, format="json")

    assert json.loads(output) == json.loads(expected.read_text(encoding="utf-8"))


@pytest.mark.parametrize("as_of", ["2024-12-31", "2025-09-30"])
def test_pilot_metrics_json_text_matches_expected_file_byte_for_byte(as_of):
    # Key order and layout are part of the public interface, not only the parsed values.
    load_pilot_small()
    expected = FIXTURES / f"pilot-small.expected.{as_of}.json"

    output = run("--as-of", as_of)

    assert output == expected.read_text(encoding="utf-8")


def test_pilot_metrics_as_of_defaults_to_today():
    MunicipalityFactory(code="GM0917", name="Heerlen")

    output = json.loads(run())

    assert output["as_of"] == timezone.localdate().isoformat()


def test_pilot_metrics_json_keeps_non_ascii_names_readable():
    MunicipalityFactory(code="GM1966", name="Súdwest-Fryslân", planned_places=10)

    output = run(as_of="2025-01-01")

    assert '"name": "Súdwest-Fryslân"' in output


def test_pilot_metrics_table_lists_every_municipality_and_totals():
    load_pilot_small()

    output = run(as_of="2025-09-30", format="table")

    assert output == (
        "Outflow as of 2025-09-30 (target ratio 0.5)\n"
        "\n"
        "Code    Municipality  Planned places  Target  Participants  Outflow  To work"
        "  Sustained  Open  No outflow\n" + "-" * 105 + "\n"
        "GM0193  Zwolle                    10       5             4        1        1"
        "          0     1           2\n"
        "GM0917  Heerlen                   10       5             3        2        1"
        "          2     0           1\n" + "-" * 105 + "\n"
        "        Total                     20      10             7        3        2"
        "          2     1           3\n"
    )


def test_pilot_metrics_table_shows_municipality_without_participants():
    MunicipalityFactory(code="GM0917", name="Heerlen", planned_places=10)
    PlacementFactory(jobseeker__municipality=MunicipalityFactory(code="GM0193", name="Zwolle"))

    lines = run(as_of="2025-01-01", format="table").splitlines()

    assert [line.split() for line in lines[4:6]] == [
        ["GM0193", "Zwolle", "10", "5", "1", "0", "0", "0", "1", "0"],
        ["GM0917", "Heerlen", "10", "5", "0", "0", "0", "0", "0", "0"],
    ]


@pytest.mark.parametrize(
    "value", ["2024-02-30", "31-12-2024", "2024-1-1", "20241231", "2024-12-31\n", "today"]
)
def test_pilot_metrics_invalid_as_of_raises_command_error(value):
    with pytest.raises(CommandError) as excinfo:
        run(as_of=value)

    assert str(excinfo.value) == (f"--as-of must be a date written as YYYY-MM-DD, got {value!r}.")


def test_pilot_metrics_unknown_format_is_refused():
    with pytest.raises(CommandError) as excinfo:
        run("--format", "xml")

    assert "invalid choice: 'xml'" in str(excinfo.value)
