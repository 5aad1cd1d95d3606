"""The programme admin imports the pilot's CSV folder from the browser (issue 15, item 5): the
first upload has an error, the check shows it at its file, line and column in Dutch, the file
is fixed, uploaded again, confirmed, and the worker imports it with a progress bar."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coaching.models import Entrepreneur
from municipalities.enums import Role
from municipalities.models import Municipality
from placements.models import BenefitPeriod, ImportRun, Jobseeker, Placement
from tests.factories import user_with_role

from .helpers import PHONE, assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PILOT_SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "pilot-small"


def _check(page, folder: Path) -> None:
    page.get_by_role("link", name="Importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gegevens importeren")
    page.get_by_label("Kies de map met de CSV-bestanden").set_input_files(folder)
    page.get_by_role("button", name="Bestanden controleren").click()
    # The worker checks the files while the page polls; then the page shows the result.
    expect(page.locator("#import-status .utrecht-badge-status")).not_to_have_text(
        "in de wachtrij", timeout=60_000
    )
    expect(page.locator("#import-status .utrecht-badge-status")).not_to_have_text(
        "bezig", timeout=60_000
    )


def test_admin_uploads_a_folder_fixes_the_error_and_imports(
    page, a11y, celery_worker_process, tmp_path
):
    admin = user_with_role(Role.PROGRAMME_ADMIN, email="beheer@imk.example")
    folder = tmp_path / "pilot-small"
    shutil.copytree(PILOT_SMALL, folder)
    jobseekers = folder / "jobseekers.csv"
    good = jobseekers.read_text(encoding="utf-8")
    jobseekers.write_text(good.replace("1965-06-30", "30-06-1965"), encoding="utf-8")

    sign_in(page, admin)
    page.locator("#language-select-bar").select_option("nl")
    page.get_by_role("button", name="Switch").click()
    _check(page, folder)

    expect(page.locator("#import-status")).to_contain_text("fouten gevonden")
    problem = page.locator("tr.import-problem").filter(has_text="30-06-1965")
    expect(problem.locator("td")).to_have_text(
        [
            "jobseekers.csv",
            "4",
            "birth_date",
            "30-06-1965 is geen datum; schrijf datums als JJJJ-MM-DD.",
        ]
    )
    # The internship and benefits of that person say why they cannot be checked.
    expect(page.locator("tr.import-problem").filter(has_text="HRL-003")).to_have_count(3)
    expect(page.get_by_role("button", name="Deze bestanden importeren")).to_have_count(0)
    a11y.check(page, "problems")
    page.set_viewport_size(PHONE)
    assert_fits_width(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert Jobseeker.objects.count() == 0

    jobseekers.write_text(good, encoding="utf-8")
    _check(page, folder)
    expect(page.locator("#import-status")).to_contain_text("gecontroleerd, wacht op bevestiging")
    expect(page.locator('tr.import-counts[data-file="jobseekers.csv"] td')).to_have_text(
        ["8", "0", "0"]
    )
    a11y.check(page, "checked")
    assert Jobseeker.objects.count() == 0

    page.get_by_role("button", name="Deze bestanden importeren").click()
    expect(page.get_by_text("De import is gestart.")).to_be_visible()
    expect(page.get_by_role("heading", name="Wat de import deed")).to_be_visible(timeout=60_000)
    expect(page.locator("#import-status")).to_contain_text("De bestanden zijn geïmporteerd.")
    for file, created in (
        ("municipalities.csv", "2"),
        ("entrepreneurs.csv", "8"),
        ("jobseekers.csv", "8"),
        ("placements.csv", "8"),
        ("benefit_periods.csv", "10"),
    ):
        expect(page.locator(f'tr.import-counts[data-file="{file}"] td')).to_have_text(
            [created, "0", "0"]
        )
    a11y.check(page, "imported")

    assert (
        Municipality.objects.count(),
        Entrepreneur.objects.count(),
        Jobseeker.objects.count(),
        Placement.objects.count(),
        BenefitPeriod.objects.count(),
    ) == (2, 8, 8, 8, 10)
    # Both uploads are kept on the imports page.
    page.get_by_role("link", name="Alle imports").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody tr").first).to_contain_text("geïmporteerd")
    expect(page.locator("tbody tr").last).to_contain_text("fouten gevonden")
    a11y.check(page, "list")
    assert [run.status for run in ImportRun.objects.order_by("pk")] == ["problems", "done"]
    a11y.assert_clean()
