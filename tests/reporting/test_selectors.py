from datetime import date
from decimal import Decimal

import pytest

from kernel.models import PilotSettings
from placements.enums import PlacementStatus
from reporting.metrics import BenefitPeriodRow, JobseekerRow, MunicipalityRow, PlacementRow
from reporting.selectors import all_municipalities_metrics_rows, compute_metrics
from tests.factories import (
    BenefitPeriodFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
)

pytestmark = pytest.mark.django_db


def participant_with_outflow(municipality, ref):
    jobseeker = JobseekerFactory(municipality=municipality, ref=ref)
    PlacementFactory(jobseeker=jobseeker)  # 2024-01-08 to 2024-06-07
    BenefitPeriodFactory(jobseeker=jobseeker, end_date=date(2024, 5, 31), end_reason="work")
    return jobseeker


def test_metrics_rows_are_plain_tuples_of_the_needed_columns():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen", planned_places=10)
    jobseeker = participant_with_outflow(heerlen, "HRL-001")

    rows = all_municipalities_metrics_rows()

    assert rows.municipalities == [MunicipalityRow(heerlen.id, "GM0917", "Heerlen", 10)]
    assert rows.jobseekers == [JobseekerRow(jobseeker.id, "HRL-001", heerlen.id)]
    assert rows.placements == [
        PlacementRow(jobseeker.id, "completed", date(2024, 1, 8), date(2024, 6, 7))
    ]
    assert rows.benefit_periods == [
        BenefitPeriodRow(
            jobseeker.id, date(2020, 1, 1), date(2024, 5, 31), "work", "participatiewet"
        )
    ]


def test_metrics_rows_limited_to_given_municipalities():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle")
    participant_with_outflow(heerlen, "HRL-001")
    jobseeker = participant_with_outflow(zwolle, "ZWL-001")

    rows = all_municipalities_metrics_rows(municipality_ids={zwolle.id})

    assert rows.municipalities == [MunicipalityRow(zwolle.id, "GM0193", "Zwolle", 10)]
    assert rows.jobseekers == [JobseekerRow(jobseeker.id, "ZWL-001", zwolle.id)]
    assert [row[0] for row in rows.placements] == [jobseeker.id]
    assert [row[0] for row in rows.benefit_periods] == [jobseeker.id]


def test_compute_metrics_for_given_municipalities_leaves_others_out():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle")
    participant_with_outflow(heerlen, "HRL-001")
    participant_with_outflow(zwolle, "ZWL-001")

    result = compute_metrics(as_of=date(2025, 1, 31), municipality_ids=[heerlen.id])

    assert [m.code for m in result.municipalities] == ["GM0917"]
    assert [p.ref for p in result.participants] == ["HRL-001"]
    assert (result.totals.planned_places, result.totals.outflow) == (10, 1)


def test_compute_metrics_uses_target_ratio_and_follow_up_from_pilot_settings():
    pilot = PilotSettings.load()
    pilot.target_ratio = Decimal("0.4")
    pilot.follow_up_months = 6
    pilot.save()
    participant_with_outflow(MunicipalityFactory(code="GM0917", planned_places=10), "HRL-001")

    result = compute_metrics(as_of=date(2025, 1, 31))

    assert result.target_ratio == Decimal("0.4")
    assert result.totals.target_outflow == Decimal("4.0")
    assert result.participants[0].window_end == date(2024, 12, 7)


def test_compute_metrics_does_not_count_cancelled_placement():
    heerlen = MunicipalityFactory(code="GM0917")
    PlacementFactory(
        jobseeker__municipality=heerlen,
        status=PlacementStatus.CANCELLED,
        actual_start=None,
        actual_end=None,
        end_reason="jobseeker_withdrew",
    )

    result = compute_metrics(as_of=date(2025, 1, 31))

    assert (result.participants, result.totals.participants) == ([], 0)


@pytest.mark.parametrize("participants", [1, 3])
def test_compute_metrics_query_count_does_not_grow_with_participants(
    participants, django_assert_num_queries
):
    PilotSettings.load()
    heerlen = MunicipalityFactory(code="GM0917")
    for number in range(participants):
        participant_with_outflow(heerlen, f"HRL-{number:03d}")

    # Pilot settings, then one query each for municipalities, jobseekers, placements, periods.
    with django_assert_num_queries(5):
        result = compute_metrics(as_of=date(2025, 1, 31))

    assert result.totals.participants == participants
