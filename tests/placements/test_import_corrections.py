"""An import that changes a value already recorded corrects it: the history keeps the old and new
values with source "import"; filling in an empty value (a benefit's end) is no correction."""

import datetime

import pytest

from municipalities.enums import ChangeSource, CorrectionAction, RecordKind
from municipalities.models import Correction
from placements.models import BenefitPeriod, Placement

from .test_import import PILOT_SMALL, copy_of_pilot_small, run_import

pytestmark = pytest.mark.django_db


def test_import_correcting_a_benefit_end_records_it_with_source_import(tmp_path):
    run_import(PILOT_SMALL)
    later = copy_of_pilot_small(
        tmp_path,
        benefit_periods=(
            "HRL-001,participatiewet,2021-03-01,2024-05-31,work,1285.40",
            "HRL-001,participatiewet,2021-03-01,2024-04-30,work,1285.40",
        ),
    )

    run_import(later)

    period = BenefitPeriod.objects.get(jobseeker__ref="HRL-001")
    assert (period.end_date, period.version) == (datetime.date(2024, 4, 30), 2)
    assert list(
        Correction.objects.values_list(
            "record_kind", "record_id", "action", "changes", "reason", "changed_by", "source"
        )
    ) == [
        (
            RecordKind.BENEFIT_PERIOD,
            period.pk,
            CorrectionAction.CORRECTED,
            {"end_date": ["2024-05-31", "2024-04-30"]},
            "Changed by a CSV import",
            None,
            ChangeSource.IMPORT,
        )
    ]


def test_import_correcting_placement_dates_records_it(tmp_path):
    run_import(PILOT_SMALL)
    later = copy_of_pilot_small(
        tmp_path,
        placements=(
            "PL-HRL-001,HRL-001,ENT-HRL-1,completed,2024-01-08,2024-06-07,2024-01-08,2024-06-07,",
            "PL-HRL-001,HRL-001,ENT-HRL-1,completed,2024-01-08,2024-06-07,2024-01-09,2024-06-07,",
        ),
    )

    run_import(later)

    placement = Placement.objects.get(ref="PL-HRL-001")
    correction = Correction.objects.get()
    assert (correction.record_id, correction.changes, correction.source) == (
        placement.pk,
        {"actual_start": ["2024-01-08", "2024-01-09"]},
        ChangeSource.IMPORT,
    )


def test_import_recording_a_benefit_end_is_no_correction(tmp_path):
    run_import(PILOT_SMALL)
    later = copy_of_pilot_small(
        tmp_path,
        benefit_periods=(
            "HRL-003,participatiewet,2024-06-01,,,1285.40",
            "HRL-003,participatiewet,2024-06-01,2025-03-31,work,1285.40",
        ),
    )

    run_import(later)

    assert Correction.objects.count() == 0
