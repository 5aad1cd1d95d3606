"""``manage.py export_research``: the same zip from the command line, with clear errors."""

import zipfile
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from municipalities.models import AuditEvent
from tests.factories import JobseekerFactory, PlacementFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("export_research", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("format", ["csv", "xlsx", "sav", "dta"])
def test_export_research_command_writes_the_zip(tmp_path, format):
    PlacementFactory()
    PlacementFactory(jobseeker=JobseekerFactory(research_consent="no"))
    output = tmp_path / "export.zip"

    printed = _run("--as-of", "2025-06-30", "--format", format, "--output", str(output))

    assert "participants: 1\n" in printed
    assert sorted(zipfile.ZipFile(output).namelist()) == sorted(
        [
            f"{name}.{format}"
            for name in (
                "participants",
                "placements",
                "benefit_periods",
                "progress_reviews",
                "entrepreneurs",
                "guidance_sessions",
                "host_evaluations",
            )
        ]
        + ["codebook.csv", "codebook.html"]
    )
    event = AuditEvent.objects.get(action="research_export.command")
    assert event.actor is None
    assert event.detail["rows"]["participants"] == 1
    assert event.detail["format"] == format


def test_export_research_command_refuses_a_future_date(tmp_path):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(CommandError, match="cannot be in the future"):
        _run(
            "--as-of", tomorrow.isoformat(), "--format", "csv", "--output", str(tmp_path / "x.zip")
        )
    assert not (tmp_path / "x.zip").exists()


def test_export_research_command_refuses_a_date_before_the_first_internship(tmp_path):
    PlacementFactory(actual_start=date(2024, 1, 8))

    with pytest.raises(CommandError, match="before 2024-01-08, when the first internship"):
        _run("--as-of", "2024-01-07", "--format", "csv", "--output", str(tmp_path / "x.zip"))


def test_export_research_command_refuses_dates_before_2020_without_data(tmp_path):
    with pytest.raises(CommandError, match=r"cannot be before 2020-01-01\.$"):
        _run("--as-of", "2019-12-31", "--format", "csv", "--output", str(tmp_path / "x.zip"))


def test_export_research_command_without_consented_participants_writes_headers(tmp_path):
    PlacementFactory(jobseeker=JobseekerFactory(research_consent="unknown"))
    output = tmp_path / "export.zip"

    _run("--as-of", "2025-06-30", "--format", "csv", "--output", str(output))

    assert zipfile.ZipFile(output).read("placements.csv").decode().count("\r\n") == 1


@pytest.mark.parametrize("value", ["20250630", "2025-6-30", "yesterday"])
def test_export_research_command_refuses_other_date_forms(tmp_path, value):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("--as-of", value, "--format", "csv", "--output", str(tmp_path / "x.zip"))


def test_export_research_command_refuses_an_unknown_format(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'pdf'"):
        _run("--as-of", "2025-06-30", "--format", "pdf", "--output", str(tmp_path / "x.zip"))


def test_export_research_command_needs_a_zip_in_an_existing_folder(tmp_path):
    PlacementFactory()
    with pytest.raises(CommandError, match=r"\.zip"):
        _run("--as-of", "2025-06-30", "--format", "csv", "--output", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="does not exist"):
        _run("--as-of", "2025-06-30", "--format", "csv", "--output", str(tmp_path / "no/x.zip"))
