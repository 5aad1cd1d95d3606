"""A large import from the browser runs as a job on a real Celery worker, with its progress."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from municipalities.enums import Role
from placements.imports.browser import upload_folder
from placements.models import BenefitPeriod, ImportRun, Jobseeker
from tests.factories import MunicipalityFactory, user_with_role

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PEOPLE = 4000


def large_folder() -> dict[str, bytes]:
    jobseekers = ["ref,municipality_code,given_name,family_name,birth_date,research_consent"]
    periods = ["jobseeker_ref,benefit_type,start_date,end_date,end_reason,monthly_amount"]
    for number in range(PEOPLE):
        jobseekers.append(f"P-{number:05d},GM0917,Naam{number},Achternaam,1980-01-01,yes")
        periods.append(f"P-{number:05d},participatiewet,2022-01-01,,,1285.40")
    return {
        "jobseekers.csv": ("\n".join(jobseekers) + "\n").encode(),
        "benefit_periods.csv": ("\n".join(periods) + "\n").encode(),
    }


def follow(client, run: ImportRun) -> list[int]:
    """Poll the run's status block as the page does until it says to reload; return the
    progress percentages it showed."""
    seen: list[int] = []
    status_url = reverse("placements:import_status", args=[run.pk])
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        answer = client.get(status_url, HTTP_HX_REQUEST="true")
        match = re.search(r'<progress max="100" value="(\d+)"', answer.content.decode())
        if match:
            seen.append(int(match.group(1)))
        if answer.has_header("HX-Refresh"):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"still running after 240 s: {seen}")


def test_a_large_import_runs_on_the_worker_with_its_progress(celery_worker_process, client):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    client.force_login(jobcoach)
    files = [
        SimpleUploadedFile(name, data, content_type="text/csv")
        for name, data in large_folder().items()
    ]

    started = time.monotonic()
    response = client.post(reverse("placements:import_list"), {"folder": files})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    checks = follow(client, run)
    checked_in = time.monotonic() - started
    run.refresh_from_db()
    assert (run.phase, run.status) == ("check", "checked"), run.problems[:3]
    assert Jobseeker.objects.count() == 0
    assert run.check_counts == {
        "jobseekers.csv": {"created": PEOPLE, "updated": 0, "unchanged": 0},
        "benefit_periods.csv": {"created": PEOPLE, "updated": 0, "unchanged": 0},
    }
    folder = upload_folder(run)

    started = time.monotonic()
    assert client.post(reverse("placements:import_confirm", args=[run.pk])).status_code == 302
    seen = follow(client, run)
    imported_in = time.monotonic() - started

    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == ("done", 100, ""), run.problems[:3]
    assert run.counts == run.check_counts
    assert run.worker.startswith("test-")
    assert (Jobseeker.objects.count(), BenefitPeriod.objects.count()) == (PEOPLE, PEOPLE)
    # The worker deletes the uploaded files right after the import commits, which the page
    # may report a moment before: give it that moment.
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
    # The page followed both jobs: their progress grew while the worker ran.
    for percents in (checks, seen):
        assert percents == sorted(percents)
        assert any(0 < percent < 100 for percent in percents), percents
    print(f"\n{2 * PEOPLE} rows: checked in {checked_in:.1f} s, imported in {imported_in:.1f} s")
