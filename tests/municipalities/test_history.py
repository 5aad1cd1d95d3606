"""The correction history's rules: what counts as a correction, what the history keeps, and the
version check every write of an existing row goes through."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from kernel.versioning import StaleEdit, lock_current, save_next_version
from municipalities.history import ChangedBy, describe_changes, fact_changes, is_correction
from municipalities.models import Correction
from placements.models import BenefitPeriod, Jobseeker
from placements.services import benefit_period_save
from tests.factories import BenefitPeriodFactory, JobseekerFactory


class _Row:
    def __init__(self, **values):
        self.__dict__.update(values)


def test_fact_changes_keeps_old_and_new_values_as_json_and_text_as_changed_only():
    before = _Row(end_date=datetime.date(2025, 6, 30), amount=Decimal("10.50"), notes="a")
    after = _Row(end_date=None, amount=Decimal("10.50"), notes="b")
    assert fact_changes(before, after, fields=("end_date", "amount"), text_fields=("notes",)) == {
        "end_date": ["2025-06-30", None],
        "notes": None,
    }


def test_fact_changes_of_a_withdrawal_empties_every_value():
    before = _Row(start=datetime.date(2020, 1, 1), kind="ww", notes="")
    assert fact_changes(before, None, fields=("start", "kind"), text_fields=("notes",)) == {
        "start": ["2020-01-01", None],
        "kind": ["ww", None],
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, False),
        ({"end_date": [None, "2025-06-30"], "end_reason": ["", "work"]}, False),
        ({"monthly_amount": [None, "900.00"]}, False),
        ({"end_date": ["2025-06-30", None]}, True),
        ({"end_date": ["2025-06-30", "2025-05-31"]}, True),
        ({"notes": None}, True),
    ],
)
def test_is_correction_only_when_a_recorded_value_changes(changes, expected):
    assert is_correction(changes) is expected


def test_describe_changes_in_field_order_with_labels_and_dates():
    lines = describe_changes(
        BenefitPeriod,
        {"end_reason": ["work", ""], "end_date": ["2025-06-30", None]},
    )
    assert [(line.label, line.old, line.new) for line in lines] == [
        ("End date", "30 June 2025", "–"),
        ("End reason", "work", "–"),
    ]


@pytest.mark.django_db
def test_correction_without_reason_is_refused_by_the_service_and_the_database():
    period = BenefitPeriodFactory(end_date=datetime.date(2025, 6, 30), end_reason="work")
    period.end_date = datetime.date(2025, 5, 31)
    with pytest.raises(ValidationError) as refused:
        benefit_period_save(period=period, change=ChangedBy(reason="   "))
    assert refused.value.message_dict == {
        "reason": ["Say why this is corrected: the reason is kept with the correction."]
    }
    with pytest.raises(IntegrityError):
        Correction.objects.create(
            municipality=period.municipality,
            record_kind="benefit_period",
            record_id=period.pk,
            subject_kind="jobseeker",
            subject_id=period.jobseeker_id,
            action="corrected",
            reason="",
            source="web",
        )


@pytest.mark.django_db
def test_lock_current_refuses_an_instance_of_an_older_version():
    jobseeker = JobseekerFactory()
    stale = Jobseeker.objects.get(pk=jobseeker.pk)
    fresh = Jobseeker.objects.get(pk=jobseeker.pk)
    fresh.phone = "06-1"
    save_next_version(fresh)
    with pytest.raises(StaleEdit) as refused:
        lock_current(stale)
    assert (refused.value.current.pk, refused.value.current.version) == (jobseeker.pk, 2)
    Jobseeker.objects.filter(pk=jobseeker.pk).delete()
    with pytest.raises(StaleEdit) as gone:
        lock_current(fresh)
    assert gone.value.current is None


@pytest.mark.django_db
def test_save_next_version_keeps_the_base_version_when_the_save_fails():
    first = JobseekerFactory(ref="JS-A")
    other = JobseekerFactory(ref="JS-B")
    other.ref = first.ref
    with pytest.raises(IntegrityError):
        save_next_version(other)
    assert other.version == 1
