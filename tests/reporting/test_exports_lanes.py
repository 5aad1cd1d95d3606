"""A research export's lanes: forked copies write the tables on their own connections, all
reading one snapshot of the database.

These tests commit their rows (transaction=True): a lane reads on its own database connection,
which cannot see a test's uncommitted transaction.
"""

import contextlib
import os
import threading
import zipfile
from datetime import date

import pytest
from django.db import connection

from kernel.models import PilotSettings
from placements.models import Jobseeker
from reporting.exports import lanes, long_tables
from reporting.exports import variables as v
from reporting.exports.build import SECOND_LANE, build_research_export
from tests.factories import BenefitPeriodFactory, JobseekerFactory, PlacementFactory
from tests.reporting.test_exports_files import (
    AS_OF,
    _example_with_identifying_details,
    _rows_in_file,
)

FORMATS = ("csv", "xlsx", "sav", "dta")


@pytest.fixture
def forks(monkeypatch):
    """The process ids of the lanes that build_research_export forks."""
    pids: list[int] = []

    class RecordingLane(lanes.ForkedLane):
        def __init__(self, work, *, snapshot):
            super().__init__(work, snapshot=snapshot)
            pids.append(self._pid)

    monkeypatch.setattr(lanes, "ForkedLane", RecordingLane)
    return pids


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("format", FORMATS)
def test_an_export_in_two_lanes_equals_one_in_a_single_lane(tmp_path, forks, format):
    _example_with_identifying_details()
    seen: list[int] = []

    parallel_counts = build_research_export(
        as_of=AS_OF, format=format, path=tmp_path / "two.zip", parallel=True, progress=seen.append
    )
    single_counts = build_research_export(
        as_of=AS_OF, format=format, path=tmp_path / "one.zip", parallel=False
    )

    assert len(forks) == 2 and not {0, os.getpid()} & set(forks)
    assert parallel_counts == single_counts
    assert parallel_counts["placements"] == 5  # the lane's tables are counted too
    two, one = zipfile.ZipFile(tmp_path / "two.zip"), zipfile.ZipFile(tmp_path / "one.zip")
    # Members go into the zip as the lanes finish them: the same files, maybe in another order.
    assert sorted(two.namelist()) == sorted(one.namelist())
    for table in v.TABLES:
        rows = _rows_in_file(two, table, format, tmp_path)
        assert rows, table.name
        assert rows == _rows_in_file(one, table, format, tmp_path), table.name
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(set(seen))
    # The copy left this process's database session alone.
    assert Jobseeker.objects.count() == 8


@pytest.mark.django_db(transaction=True)
def test_a_failing_lane_fails_the_export_and_leaves_no_file(tmp_path, forks, monkeypatch):
    _example_with_identifying_details()
    real_batches = long_tables.batches

    def failing(table, **kwargs):
        if table.name == "benefit_periods":
            raise RuntimeError("the lane broke")
        return real_batches(table, **kwargs)

    monkeypatch.setattr(long_tables, "batches", failing)
    assert "benefit_periods" in SECOND_LANE["default"]

    with pytest.raises(lanes.LaneFailed, match="RuntimeError: the lane broke"):
        build_research_export(as_of=AS_OF, format="sav", path=tmp_path / "e.zip", parallel=True)

    assert len(forks) == 2
    assert list(tmp_path.iterdir()) == []
    assert Jobseeker.objects.count() == 8
    # Both lanes were ended and waited for: no child process is left behind.
    for pid in forks:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@pytest.mark.django_db(transaction=True)
def test_a_lane_is_forked_by_default_outside_a_transaction(tmp_path, forks, monkeypatch):
    _example_with_identifying_details()
    # As in a Celery worker's pool process. (This test process may run the browser tests'
    # live server in a thread, which the next test is about.)
    monkeypatch.setattr(lanes, "_single_threaded", lambda: True)
    assert lanes.can_fork() is True

    build_research_export(as_of=date(2025, 9, 30), format="csv", path=tmp_path / "e.zip")

    assert len(forks) == 2


@pytest.mark.django_db(transaction=True)
def test_no_lane_while_another_thread_runs(tmp_path, forks):
    _example_with_identifying_details()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert lanes.can_fork() is False
        counts = build_research_export(as_of=AS_OF, format="csv", path=tmp_path / "e.zip")
    finally:
        stop.set()
        other.join()

    assert forks == []
    assert counts["placements"] == 5


@pytest.mark.django_db
def test_no_lane_inside_a_transaction(tmp_path, forks):
    # A copy on another connection would not see this test's uncommitted rows.
    assert connection.in_atomic_block
    assert lanes.can_fork() is False
    _example_with_identifying_details()

    counts = build_research_export(as_of=AS_OF, format="csv", path=tmp_path / "e.zip")

    assert forks == []
    assert counts["placements"] == 5


@pytest.mark.django_db(transaction=True)
def test_no_lane_when_switched_off(tmp_path, forks, settings, monkeypatch):
    _example_with_identifying_details()
    monkeypatch.setattr(lanes, "_single_threaded", lambda: True)
    assert lanes.can_fork() is True
    settings.RESEARCH_EXPORT_PARALLEL = False

    assert lanes.can_fork() is False
    counts = build_research_export(as_of=AS_OF, format="csv", path=tmp_path / "e.zip")

    assert forks == []
    assert counts["placements"] == 5


@pytest.mark.django_db(transaction=True)
def test_every_lane_reads_the_moment_the_export_started(tmp_path, forks, monkeypatch):
    # A change committed after the snapshot was taken, before the lanes read anything, is in
    # none of the tables: not the new internship, not its participant, not their benefits.
    _example_with_identifying_details()
    before = build_research_export(
        as_of=AS_OF, format="csv", path=tmp_path / "before.zip", parallel=False
    )
    real_snapshot = lanes.exported_snapshot

    @contextlib.contextmanager
    def snapshot_then_a_change():
        with real_snapshot() as snapshot:
            placement = PlacementFactory(jobseeker=JobseekerFactory(research_consent="yes"))
            BenefitPeriodFactory(jobseeker=placement.jobseeker, start_date=date(2024, 1, 1))
            yield snapshot

    monkeypatch.setattr(lanes, "exported_snapshot", snapshot_then_a_change)

    during = build_research_export(
        as_of=AS_OF, format="csv", path=tmp_path / "during.zip", parallel=True
    )
    after = build_research_export(
        as_of=AS_OF, format="csv", path=tmp_path / "after.zip", parallel=False
    )

    assert len(forks) == 2
    assert during == before
    assert after["participants"] == before["participants"] + 1
    assert after["placements"] == before["placements"] + 1
    assert after["benefit_periods"] == before["benefit_periods"] + 1


@pytest.mark.django_db(transaction=True)
def test_lanes_work_on_a_pilot_whose_settings_row_does_not_exist_yet(tmp_path, forks):
    # The lanes read in a read-only transaction: the settings row is made before it starts.
    PlacementFactory(jobseeker=JobseekerFactory(research_consent="yes"))
    assert not PilotSettings.objects.exists()

    counts = build_research_export(
        as_of=date(2025, 1, 31), format="csv", path=tmp_path / "e.zip", parallel=True
    )

    assert len(forks) == 2
    assert (counts["participants"], counts["placements"]) == (1, 1)
