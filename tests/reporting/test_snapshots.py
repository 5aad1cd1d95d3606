"""Metrics snapshots: stored once per date and state of the data, equal to the live figures."""

import datetime

import pytest
from django.db import transaction

from municipalities.access import visible
from municipalities.enums import Role
from municipalities.history import ChangedBy
from placements.services import benefit_period_save
from reporting.metrics import metrics_as_json_dict
from reporting.models import MetricsSnapshot
from reporting.selectors import compute_metrics
from reporting.snapshots import latest_snapshot, snapshot_compute
from tests.factories import BenefitPeriodFactory, PlacementFactory, user_with_role

AS_OF = datetime.date(2024, 12, 31)


@pytest.fixture
def participant(db):
    placement = PlacementFactory()  # completed 2024-01-08 .. 2024-06-07
    period = BenefitPeriodFactory(
        jobseeker=placement.jobseeker, start_date=datetime.date(2021, 3, 1)
    )
    return placement, period


def test_snapshot_holds_exactly_the_live_figures(participant):
    snapshot, created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    assert created is True
    assert snapshot.figures == metrics_as_json_dict(compute_metrics(as_of=AS_OF))
    assert snapshot.totals["participants"] == 1
    assert snapshot.source_rows == {
        "municipalities": 1,
        "jobseekers": 1,
        "placements": 1,
        "benefit_periods": 1,
    }


def test_snapshot_of_unchanged_data_is_not_stored_twice(participant):
    first, _ = snapshot_compute(as_of=AS_OF, trigger="nightly")
    again, created = snapshot_compute(as_of=AS_OF, trigger="nightly")
    assert created is False
    assert again.pk == first.pk
    assert MetricsSnapshot.objects.count() == 1


def test_snapshot_after_data_change_is_a_new_one(participant):
    _placement, period = participant
    first, _ = snapshot_compute(as_of=AS_OF, trigger="nightly")
    period.end_date = datetime.date(2024, 9, 30)
    period.end_reason = "work"
    benefit_period_save(period=period, change=ChangedBy(reason="Bedrag bijgesteld."))
    second, created = snapshot_compute(as_of=AS_OF, trigger="data_change")
    assert created is True
    assert first.totals["outflow"] == 0
    assert second.totals["outflow"] == 1
    assert latest_snapshot(as_of=AS_OF) == second


def test_snapshot_rows_are_read_by_programme_admins_only(participant):
    snapshot_compute(as_of=AS_OF, trigger="nightly")
    municipality = participant[0].municipality
    assert visible(user_with_role(Role.PROGRAMME_ADMIN), MetricsSnapshot).count() == 1
    for role in (Role.FUNDER, Role.RESEARCHER, Role.IMK_COACH):
        assert not visible(user_with_role(role), MetricsSnapshot).exists()
    assert not visible(user_with_role(Role.JOBCOACH, municipality), MetricsSnapshot).exists()


def test_saves_in_one_transaction_schedule_one_recomputation(
    participant, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _placement, period = participant
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for day in (1, 2, 3):
            period.monthly_amount = day
            benefit_period_save(period=period, change=ChangedBy(reason="Bedrag bijgesteld."))
    assert len(callbacks) == 1
    assert MetricsSnapshot.objects.filter(trigger="data_change").count() == 1
