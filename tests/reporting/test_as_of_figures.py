"""Figures as of a date come from that date's snapshot: the funnel from the state-change
history, the guidance and the completeness counts; a report rendered again from the same
snapshot shows the same figures, whatever changed in the data since."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.enums import Role
from placements.enums import PlacementStatus
from placements.models import Placement
from reporting.as_of_figures import all_municipalities_funnel_as_of
from reporting.dashboard import WHOLE_PILOT, build_dashboard_data, municipality_scope
from reporting.models import MetricsSnapshot, ProgressReport, ReportKind
from reporting.reports.content import report_content
from reporting.reports.services import report_render, report_request
from reporting.snapshots import latest_snapshot, snapshot_compute
from tests.factories import (
    BenefitPeriodFactory,
    GuidanceSessionFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

STATUSES = ("proposed", "agreed", "active", "completed", "terminated", "cancelled")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _history(placement, *steps):
    previous = ""
    for status, day in steps:
        PlacementStateChangeFactory(
            placement=placement, from_status=previous, to_status=status, changed_at=_at(day)
        )
        previous = status


def _funnel(**counts) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in STATUSES}


@pytest.fixture
def heerlen():
    return MunicipalityFactory(code="GM0917", name="Heerlen")


@pytest.fixture
def lifecycle(heerlen):
    """Three placements whose history differs from what they are today."""
    d = datetime.date
    ran = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        planned_start=d(2025, 2, 1),
        planned_end=d(2025, 6, 30),
        actual_start=d(2025, 2, 1),
        actual_end=d(2025, 6, 30),
    )
    _history(
        ran,
        ("proposed", d(2025, 1, 5)),
        ("agreed", d(2025, 1, 20)),
        ("active", d(2025, 2, 1)),
        ("completed", d(2025, 7, 1)),
    )
    cancelled = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        status=PlacementStatus.CANCELLED,
        end_reason="other",
        actual_start=None,
        actual_end=None,
    )
    _history(cancelled, ("proposed", d(2025, 1, 10)), ("cancelled", d(2025, 3, 1)))
    later = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        status=PlacementStatus.AGREED,
        actual_start=None,
        actual_end=None,
    )
    _history(later, ("proposed", d(2025, 4, 1)), ("agreed", d(2025, 4, 10)))
    return ran, cancelled, later


def test_funnel_as_of_a_past_date_is_what_the_history_said_then(lifecycle):
    today = all_municipalities_funnel_as_of(as_of=timezone.localdate())["GM0917"]
    mid_march = all_municipalities_funnel_as_of(as_of=datetime.date(2025, 3, 15))["GM0917"]
    mid_january = all_municipalities_funnel_as_of(as_of=datetime.date(2025, 1, 15))["GM0917"]

    assert today == _funnel(agreed=1, completed=1, cancelled=1)
    assert mid_march == _funnel(active=1, cancelled=1)
    assert mid_january == _funnel(proposed=2)
    assert mid_march != today


def test_funnel_counts_a_step_on_the_day_it_was_recorded(lifecycle):
    funnel = all_municipalities_funnel_as_of(as_of=datetime.date(2025, 3, 1))

    assert funnel["GM0917"] == _funnel(active=1, cancelled=1)


def test_funnel_uses_the_dates_where_history_was_recorded_later(heerlen):
    # An import of last year's internships records one step, on the day of the import.
    imported = PlacementFactory(jobseeker=JobseekerFactory(municipality=heerlen))
    _history(imported, ("completed", datetime.date(2025, 11, 1)))
    without_history = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        status=PlacementStatus.ACTIVE,
        actual_end=None,
    )

    as_of = datetime.date(2024, 3, 1)  # both started 2024-01-08
    assert all_municipalities_funnel_as_of(as_of=as_of)["GM0917"] == _funnel(active=2)
    assert imported.actual_end < datetime.date(2024, 12, 31)
    assert all_municipalities_funnel_as_of(as_of=datetime.date(2024, 12, 31))["GM0917"] == (
        _funnel(active=1, completed=1)
    )
    assert without_history.state_changes.count() == 0


def test_snapshot_stores_the_funnel_as_of_its_date_and_the_dashboard_reads_it(lifecycle):
    snapshot, _created = snapshot_compute(as_of=datetime.date(2025, 3, 15), trigger="on_demand")

    data = build_dashboard_data(snapshot=snapshot, scope=WHOLE_PILOT)

    assert snapshot.figures_as_of["funnel"]["GM0917"] == _funnel(active=1, cancelled=1)
    assert data.funnel == [
        ("proposed", 0),
        ("agreed", 0),
        ("active", 1),
        ("completed", 0),
        ("terminated", 0),
        ("cancelled", 1),
    ]


def test_dashboard_figures_do_not_change_until_a_new_snapshot(heerlen, lifecycle):
    as_of = datetime.date(2025, 3, 15)
    snapshot, _created = snapshot_compute(as_of=as_of, trigger="on_demand")
    scope = municipality_scope([heerlen.pk])
    before = build_dashboard_data(snapshot=snapshot, scope=scope)
    # Meanwhile: another internship that had started by then, and a guidance session.
    extra = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        status=PlacementStatus.ACTIVE,
        actual_end=None,
    )
    GuidanceSessionFactory(entrepreneur=extra.entrepreneur, held_on=datetime.date(2025, 3, 1))

    again = build_dashboard_data(snapshot=snapshot, scope=scope)
    newer, created = snapshot_compute(as_of=as_of, trigger="data_change")

    assert (again.funnel, again.guidance, again.completeness) == (
        before.funnel,
        before.guidance,
        before.completeness,
    )
    assert created is True
    fresh = build_dashboard_data(snapshot=newer, scope=scope)
    assert dict(fresh.funnel)["active"] == dict(before.funnel)["active"] + 1
    assert fresh.guidance.sessions == before.guidance.sessions + 1


def test_snapshot_of_unchanged_data_keeps_its_figures_as_of(lifecycle):
    first, _ = snapshot_compute(as_of=datetime.date(2025, 3, 15), trigger="nightly")
    again, created = snapshot_compute(as_of=datetime.date(2025, 3, 15), trigger="nightly")

    assert (created, again.pk) == (False, first.pk)


def _pdf_text(path) -> str:
    return subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def _render(report: ProgressReport) -> str:
    report_render(report_id=report.pk)
    report.refresh_from_db()
    return _pdf_text(report.file.path)


def test_report_rendered_again_from_one_snapshot_has_the_same_figures(heerlen, lifecycle):
    as_of = datetime.date(2025, 9, 30)
    ran, _cancelled, _later = lifecycle
    BenefitPeriodFactory(jobseeker=ran.jobseeker, start_date=datetime.date(2024, 1, 1))
    report, _queued = report_request(kind=ReportKind.FUNDER, as_of=as_of, enqueue=False)
    first_text = _render(report)
    snapshot = report.snapshot
    first = report_content(report, snapshot).context
    # The data changes: a new internship that ended without an evaluation or benefit period,
    # and a step back in time recorded for the cancelled one.
    PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen),
        actual_start=datetime.date(2025, 2, 3),
        actual_end=datetime.date(2025, 6, 27),
    )
    GuidanceSessionFactory(entrepreneur=ran.entrepreneur, held_on=datetime.date(2025, 5, 1))

    report_request(kind=ReportKind.FUNDER, as_of=as_of, rerender=True, enqueue=False)
    second_text = _render(report)
    second = report_content(report, snapshot).context

    assert report.snapshot == snapshot
    assert second_text == first_text
    assert (second["completeness"], second["guidance"], second["municipalities"]) == (
        first["completeness"],
        first["guidance"],
        first["municipalities"],
    )
    # A new snapshot of the changed data does show the change.
    newer, _created = snapshot_compute(as_of=as_of, trigger="data_change")
    assert latest_snapshot(as_of=as_of) == newer
    changed = report_content(report, newer).context["completeness"]
    assert [
        (row["code"], row["evaluation_missing"], row["no_benefit_period"]) for row in changed
    ] == [("GM0917", 2, 1)]
    assert [
        (row["code"], row["evaluation_missing"], row["no_benefit_period"])
        for row in first["completeness"]
    ] == [("GM0917", 1, 0)]


def test_funder_report_shows_completeness_counts_per_municipality_only(heerlen, lifecycle):
    ran, _cancelled, _later = lifecycle
    report, _queued = report_request(
        kind=ReportKind.FUNDER, as_of=datetime.date(2025, 9, 30), enqueue=False
    )

    text = _pdf_text_of(report)

    # Heerlen: the completed internship has no benefit period and no evaluation; the funder
    # sees those counts of 1 as "< 5" (small cells, issue 12).
    assert re.search(r"GM0917\s+Heerlen\s+<\s?5\s+0\s+0\s+0\s+0\s+<\s?5\s+0\s", text)
    assert ran.ref not in text
    assert ran.jobseeker.ref not in text
    assert Placement.objects.count() == 3


def _pdf_text_of(report: ProgressReport) -> str:
    return _render(report)


def test_jobcoach_dashboard_shows_only_their_municipalitys_completeness(client, heerlen, lifecycle):
    kerkrade = MunicipalityFactory(code="GM0928", name="Kerkrade")
    PlacementFactory(jobseeker=JobseekerFactory(municipality=kerkrade))
    as_of = datetime.date(2025, 9, 30)
    snapshot_compute(as_of=as_of, trigger="on_demand")
    client.force_login(user_with_role(Role.JOBCOACH, heerlen))

    response = client.get(reverse("reporting:dashboard"), {"as_of": as_of.isoformat()})

    html = response.content.decode()
    assert "Records to fix per municipality as of 30 September 2025" in html
    assert "Kerkrade" not in html


def test_snapshot_after_an_evaluation_is_recorded_is_a_new_one(heerlen, lifecycle):
    ran, _cancelled, _later = lifecycle
    as_of = datetime.date(2025, 9, 30)
    first, _ = snapshot_compute(as_of=as_of, trigger="nightly")
    HostEvaluationFactory(placement=ran, evaluated_on=datetime.date(2025, 7, 2))

    second, created = snapshot_compute(as_of=as_of, trigger="data_change")

    assert created is True
    assert first.figures == second.figures  # the outflow figures did not move
    assert first.figures_as_of["completeness"]["GM0917"]["evaluation_missing"] == 1
    assert second.figures_as_of["completeness"]["GM0917"]["evaluation_missing"] == 0


def test_snapshot_stored_before_the_figures_as_of_is_not_shown(heerlen, lifecycle):
    as_of = datetime.date(2025, 9, 30)
    old, _ = snapshot_compute(as_of=as_of, trigger="nightly")
    # As stored before: without these figures, and hashed without them.
    MetricsSnapshot.objects.filter(pk=old.pk).update(figures_as_of={}, data_fingerprint="0" * 64)

    assert latest_snapshot(as_of=as_of) is None
    again, created = snapshot_compute(as_of=as_of, trigger="on_demand")
    assert created is True
    assert latest_snapshot(as_of=as_of) == again
