"""A researcher exports the pilot for the effect study: CSV and SPSS, built by a real Celery worker,
downloaded in the browser and opened, with the pilot's own outflow figures and no names."""

import csv
import io
import re
import zipfile
from datetime import date
from io import StringIO
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from municipalities.enums import Role
from placements.models import Jobseeker
from reporting.exports import variables as v
from reporting.exports.pseudonyms import Pseudonymiser
from reporting.models import ResearchExport
from reporting.selectors import compute_metrics
from tests.factories import user_with_role

from .helpers import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PILOT_SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "pilot-small"
PSEUDONYM = re.compile(r"^P-[0-9a-f]{16}$")


def _export_in_the_browser(page, a11y, format_label: str, language: str) -> bytes:
    page.goto("/exports/")
    page.get_by_label("Export date").fill("2025-09-30")
    page.get_by_label(format_label).check()
    page.get_by_label("Language of the labels").select_option(label=language)
    page.get_by_role("button", name="Start export").click()
    # The worker builds it while the row polls its status; then the link appears.
    link = page.get_by_role("link", name=f"Download zip – {format_label} 2025-09-30")
    expect(link).to_have_count(1, timeout=60_000)
    a11y.check(page, f"export done ({format_label})")
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_bytes()


def test_researcher_exports_csv_and_spss_and_finds_the_pilots_figures(
    page, a11y, celery_worker_process, tmp_path
):
    call_command("import_pilot_data", PILOT_SMALL, stdout=StringIO())
    researcher = user_with_role(Role.RESEARCHER, email="onderzoeker@regioplan.example")
    names = {
        name for row in Jobseeker.objects.values_list("given_name", "family_name") for name in row
    }
    # What pilot_metrics says of each consented participant, under their pseudonym.
    expected = {}
    for participant in compute_metrics(as_of=date(2025, 9, 30)).participants:
        jobseeker = Jobseeker.objects.get(ref=participant.ref)
        if jobseeker.research_consent == "yes":
            expected[Pseudonymiser().participant(jobseeker.pk)] = (
                v.OUTFLOW_STATUS.code(participant.status),
                participant.outflow_date,
            )
    sign_in(page, researcher)
    try:
        csv_zip = _export_in_the_browser(page, a11y, "CSV", "English")
        screenshot(page, "research-exports")
        sav_zip = _export_in_the_browser(page, a11y, "SPSS (.sav)", "Dutch")
    finally:
        for export in ResearchExport.objects.exclude(file=""):
            (Path(settings.MEDIA_ROOT) / export.file.name).unlink(missing_ok=True)

    with zipfile.ZipFile(io.BytesIO(csv_zip)) as archive:
        assert {f"{table.name}.csv" for table in v.TABLES} | {
            "codebook.csv",
            "codebook.html",
        } == set(archive.namelist())
        participants = list(
            csv.DictReader(io.StringIO(archive.read("participants.csv").decode("utf-8")))
        )
        everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(sav_zip)) as archive:
        path = tmp_path / "participants.sav"
        path.write_bytes(archive.read("participants.sav"))
    frame, meta = pyreadstat.read_sav(str(path))

    # Five participants gave consent (HRL-003 and ZWL-003 said no), as pseudonyms only, with
    # the pilot's own outflow status and date in both files.
    assert len(expected) == 5
    assert all(PSEUDONYM.match(pseudonym) for pseudonym in expected)
    assert {
        row["participant_id"]: (
            int(row["status"]),
            date.fromisoformat(row["outflow_date"]) if row["outflow_date"] else None,
        )
        for row in participants
    } == expected
    assert {
        pseudonym: (int(status), None if pd.isna(outflow) else outflow)
        for pseudonym, status, outflow in zip(
            frame["participant_id"], frame["status"], frame["outflow_date"], strict=True
        )
    } == expected
    assert meta.variable_value_labels["status"][v.OUTFLOW_STATUS.code("outflow")] == "uitgestroomd"
    assert meta.column_names_to_labels["sustained"]
    assert not [name for name in names if re.search(rf"\b{re.escape(name)}\b", everything)]
