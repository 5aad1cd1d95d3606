"""A real Celery worker recomputes the snapshot after data changes: once per burst."""

import datetime
import time

import pytest

from municipalities.history import ChangedBy
from placements.services import benefit_period_save
from reporting.metrics import metrics_as_json_dict
from reporting.models import MetricsSnapshot
from reporting.selectors import compute_metrics
from reporting.tasks import compute_metrics_snapshot
from tests.factories import BenefitPeriodFactory, PlacementFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_worker_computes_one_snapshot_per_burst_of_changes(celery_worker_process, settings):
    settings.METRICS_REFRESH_DELAY_SECONDS = 2
    placement = PlacementFactory()
    period = BenefitPeriodFactory(
        jobseeker=placement.jobseeker, start_date=datetime.date(2021, 3, 1)
    )
    # A burst: five saves, each committed on its own (autocommit), within the delay. Changing a
    # recorded amount is a correction, so each gives its reason.
    for amount in (1000, 1001, 1002, 1003, 1004):
        period.monthly_amount = amount
        benefit_period_save(period=period, change=ChangedBy(reason="Bedrag bijgesteld."))

    assert _wait_for(lambda: MetricsSnapshot.objects.exists())
    time.sleep(settings.METRICS_REFRESH_DELAY_SECONDS + 2)  # room for a wrongly scheduled second
    snapshot = MetricsSnapshot.objects.get()
    assert snapshot.trigger == "data_change"
    assert snapshot.figures == metrics_as_json_dict(compute_metrics(as_of=snapshot.as_of))

    # A change after that run gives a new snapshot, with the new figures.
    period.end_date = placement.actual_end
    period.end_reason = "work"
    benefit_period_save(period=period)
    assert _wait_for(lambda: MetricsSnapshot.objects.count() == 2)
    newest = MetricsSnapshot.objects.order_by("-computed_at").first()
    assert newest.totals["outflow"] == 1

    # Asking again for unchanged data returns the stored snapshot and stores nothing.
    result = compute_metrics_snapshot.delay(as_of=newest.as_of.isoformat(), trigger="on_demand")
    assert result.get(timeout=30) == newest.pk
    assert MetricsSnapshot.objects.count() == 2
