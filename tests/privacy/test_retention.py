"""Retention: who is due and why, the dry run, the erasure of those due, the nightly job on a
real worker."""

import datetime
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from placements.models import Jobseeker
from privacy.models import Erasure, ErasureTrigger, RetentionRun
from privacy.retention import PILOT_ENDED, WINDOW_CLOSED, retention_due
from privacy.tasks import apply_retention
from tests.factories import JobseekerFactory, MunicipalityFactory, PlacementFactory

TODAY = datetime.date(2026, 1, 15)


def _ended(jobseeker, end: datetime.date, **fields):
    start = end - datetime.timedelta(days=120)
    return PlacementFactory(
        jobseeker=jobseeker,
        planned_start=start,
        planned_end=end,
        actual_start=start,
        actual_end=end,
        **fields,
    )


@pytest.fixture
def people(db, settings):
    settings.PILOT_RETENTION_AFTER_WINDOW_DAYS = 180
    settings.PILOT_RETENTION_AFTER_PILOT_END_DAYS = 90
    settings.PILOT_END_DATE = None
    municipality = MunicipalityFactory(code="GM0917")
    # Window (end + 12 months) closed 1 March 2025; + 180 days = 28 August 2025: due.
    due = JobseekerFactory(municipality=municipality, ref="RET-DUE", family_name="Oudeman")
    _ended(due, datetime.date(2024, 3, 1))
    # Window closes 1 September 2025; + 180 days = 28 February 2026: not yet.
    recent = JobseekerFactory(municipality=municipality, ref="RET-RECENT")
    _ended(recent, datetime.date(2024, 9, 1))
    # An old internship, but a later one still runs: no window yet.
    running = JobseekerFactory(municipality=municipality, ref="RET-RUNNING")
    _ended(running, datetime.date(2023, 3, 1))
    PlacementFactory(
        jobseeker=running,
        status="active",
        planned_start=datetime.date(2025, 11, 3),
        planned_end=datetime.date(2026, 3, 2),
        actual_start=datetime.date(2025, 11, 3),
        actual_end=None,
    )
    # Never started (cancelled): no window at all.
    never = JobseekerFactory(municipality=municipality, ref="RET-NEVER")
    PlacementFactory(
        jobseeker=never,
        status="cancelled",
        end_reason="jobseeker_withdrew",
        actual_start=None,
        actual_end=None,
    )
    return {"due": due, "recent": recent, "running": running, "never": never}


def test_due_by_window_only_those_whose_window_closed_long_enough_ago(people):
    due = retention_due(today=TODAY)

    assert [(d.jobseeker_id, d.reason, d.since, d.due_on) for d in due] == [
        (
            people["due"].pk,
            WINDOW_CLOSED,
            datetime.date(2025, 3, 1),
            datetime.date(2025, 8, 28),
        )
    ]
    assert retention_due(today=datetime.date(2025, 8, 27)) == []


def test_after_the_pilot_end_everyone_is_due(people, settings):
    settings.PILOT_END_DATE = datetime.date(2025, 10, 1)  # + 90 days = 30 December 2025

    due = {d.jobseeker_id: d.reason for d in retention_due(today=TODAY)}

    assert due == {
        people["due"].pk: WINDOW_CLOSED,
        people["recent"].pk: PILOT_ENDED,
        people["running"].pk: PILOT_ENDED,
        people["never"].pk: PILOT_ENDED,
    }
    assert retention_due(today=datetime.date(2025, 12, 29))[0].jobseeker_id == people["due"].pk
    assert len(retention_due(today=datetime.date(2025, 12, 29))) == 1


def test_dry_run_lists_records_and_reasons_without_personal_data_and_changes_nothing(people):
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--today", TODAY.isoformat(), stdout=out)

    assert out.getvalue() == (
        f"jobseeker record {people['due'].pk} (GM0917): follow-up window closed on 2025-03-01, "
        "due since 2025-08-28\n"
        "1 due; dry run, nothing was changed.\n"
    )
    assert not Erasure.objects.exists()
    assert Jobseeker.objects.filter(ref="RET-DUE", family_name="Oudeman").exists()


def test_apply_erases_those_due_the_same_way_and_again_finds_nobody(people):
    out = StringIO()
    call_command("apply_retention", "--today", TODAY.isoformat(), stdout=out)

    assert out.getvalue().endswith("1 erased, 0 erased already, 0 failed.\n")
    erasure = Erasure.objects.get()
    assert erasure.jobseeker_id == people["due"].pk
    assert erasure.trigger == ErasureTrigger.RETENTION
    assert erasure.reason == "Retention period passed: follow-up window closed on 2025-03-01."
    person = Jobseeker.objects.get(pk=people["due"].pk)
    assert person.family_name == "" and person.ref.startswith("ANON-")
    assert Jobseeker.objects.filter(ref="RET-RECENT").exists()
    assert retention_due(today=TODAY) == []


def test_the_nightly_job_is_scheduled():
    entry = django_settings.CELERY_BEAT_SCHEDULE["nightly-retention"]
    assert entry["task"] == "privacy.apply_retention"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_task_erases_on_a_real_worker_under_a_lease(celery_worker_process):
    # The worker reads its settings from the environment: the defaults (365 days after the
    # window) apply there, so this person's window closed long enough ago.
    municipality = MunicipalityFactory(code="GM0935")
    old = JobseekerFactory(municipality=municipality, ref="RET-OLD", family_name="Voorbij")
    _ended(old, datetime.date(2022, 3, 1))
    kept = JobseekerFactory(municipality=municipality, ref="RET-KEPT")
    PlacementFactory(
        jobseeker=kept,
        status="active",
        planned_start=datetime.date(2025, 11, 3),
        planned_end=datetime.date(2026, 3, 2),
        actual_start=datetime.date(2025, 11, 3),
        actual_end=None,
    )

    result = apply_retention.delay().get(timeout=60)

    run = RetentionRun.objects.get()
    assert result == {"run_id": run.pk, "status": "done", "counts": run.counts}
    assert run.counts == {"due": 1, "erased": 1, "skipped": 0, "failed": 0}
    assert (run.status, run.progress, run.attempts) == ("done", 100, 1)
    assert run.worker.startswith("test-")
    assert Erasure.objects.get().jobseeker_id == old.pk
    assert not Jobseeker.objects.filter(ref="RET-OLD").exists()
    assert Jobseeker.objects.filter(ref="RET-KEPT").exists()

    # A second night finds nobody due.
    again = apply_retention.delay().get(timeout=60)
    assert again["counts"] == {"due": 0, "erased": 0, "skipped": 0, "failed": 0}
