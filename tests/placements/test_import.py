import csv
import datetime
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from coaching.models import Entrepreneur
from municipalities.models import AuditEvent, Municipality
from municipalities.processing_enums import Action, Activity
from placements.models import BenefitPeriod, Jobseeker, Placement, PlacementStateChange
from privacy.models import ProcessingEntry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PILOT_SMALL = FIXTURES / "pilot-small"
ERRORS = FIXTURES / "import_errors"

PILOT_SMALL_FIRST_RUN = [
    "municipalities.csv: 2 created, 0 updated, 0 unchanged",
    "entrepreneurs.csv: 8 created, 0 updated, 0 unchanged",
    "jobseekers.csv: 8 created, 0 updated, 0 unchanged",
    "placements.csv: 8 created, 0 updated, 0 unchanged",
    "benefit_periods.csv: 10 created, 0 updated, 0 unchanged",
]
PILOT_SMALL_COUNTS = {
    "municipalities.csv": {"created": 2, "updated": 0, "unchanged": 0},
    "entrepreneurs.csv": {"created": 8, "updated": 0, "unchanged": 0},
    "jobseekers.csv": {"created": 8, "updated": 0, "unchanged": 0},
    "placements.csv": {"created": 8, "updated": 0, "unchanged": 0},
    "benefit_periods.csv": {"created": 10, "updated": 0, "unchanged": 0},
}


def run_import(folder: Path, *args: str) -> list[str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_pilot_data", str(folder), *args, stdout=stdout, stderr=stderr)
    assert stderr.getvalue() == ""
    return stdout.getvalue().splitlines()


def run_failing_import(folder: Path, *args: str) -> list[str]:
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_pilot_data", str(folder), *args, stdout=stdout, stderr=stderr)
    assert exit_info.value.code == 1
    assert stdout.getvalue() == ""
    return stderr.getvalue().splitlines()


def database_snapshot(*, without=()) -> dict[str, list[dict]]:
    """Every row of every table of the project's apps, so that "nothing changed" is exact."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in {"pilot", "municipalities", "coaching", "placements"}
        and model not in without
    }


def copy_of_pilot_small(tmp_path: Path, **replacements: tuple[str, str]) -> Path:
    """pilot-small with some lines replaced: ``placements=(old_line, new_line)``."""
    folder = tmp_path / "later"
    shutil.copytree(PILOT_SMALL, folder)
    for name, (old, new) in replacements.items():
        path = folder / f"{name}.csv"
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_import_pilot_small_creates_every_row():
    output = run_import(PILOT_SMALL)

    assert output == PILOT_SMALL_FIRST_RUN
    assert Municipality.objects.count() == 2
    assert Entrepreneur.objects.count() == 8
    assert Jobseeker.objects.count() == 8
    assert Placement.objects.count() == 8
    assert BenefitPeriod.objects.count() == 10
    assert sorted(
        PlacementStateChange.objects.values_list(
            "placement__ref", "from_status", "to_status", "source", "changed_by"
        )
    ) == [
        ("PL-HRL-001", "", "completed", "import", None),
        ("PL-HRL-002", "", "completed", "import", None),
        ("PL-HRL-003", "", "completed", "import", None),
        ("PL-HRL-004", "", "cancelled", "import", None),
        ("PL-ZWL-001", "", "completed", "import", None),
        ("PL-ZWL-002", "", "terminated", "import", None),
        ("PL-ZWL-003", "", "active", "import", None),
        ("PL-ZWL-004", "", "completed", "import", None),
    ]


@pytest.mark.django_db
def test_import_pilot_small_stores_the_values_of_the_files():
    run_import(PILOT_SMALL)

    zwolle = Municipality.objects.get(code="GM0193")
    assert (zwolle.name, zwolle.planned_places) == ("Zwolle", 10)
    entrepreneur = Entrepreneur.objects.get(ref="ENT-ZWL-1")
    assert (
        entrepreneur.municipality,
        entrepreneur.trade_name,
        entrepreneur.kvk_number,
        entrepreneur.prior_support,
    ) == (zwolle, "Koffiebar De Hoek", "05091188", "bbz_start")
    # ZWL-003's research_consent is "no": a person never recorded as consenting has no
    # consent to withdraw, so nothing is recorded and it reads "unknown" (test_consents.py).
    jobseeker = Jobseeker.objects.get(ref="ZWL-003")
    assert (
        jobseeker.municipality,
        jobseeker.given_name,
        jobseeker.family_name,
        jobseeker.birth_date,
        jobseeker.research_consent,
    ) == (zwolle, "Gül", "Demir", datetime.date(1972, 12, 1), "unknown")
    placement = Placement.objects.get(ref="PL-ZWL-002")
    assert (
        placement.municipality,
        placement.jobseeker.ref,
        placement.entrepreneur.ref,
        placement.status,
        placement.planned_start,
        placement.planned_end,
        placement.actual_start,
        placement.actual_end,
        placement.end_reason,
    ) == (
        zwolle,
        "ZWL-002",
        "ENT-ZWL-2",
        "terminated",
        datetime.date(2024, 2, 12),
        datetime.date(2024, 8, 11),
        datetime.date(2024, 2, 12),
        datetime.date(2024, 4, 30),
        "illness",
    )
    assert list(
        BenefitPeriod.objects.filter(jobseeker__ref="HRL-003")
        .order_by("start_date")
        .values_list(
            "municipality__code",
            "benefit_type",
            "start_date",
            "end_date",
            "end_reason",
            "monthly_amount",
        )
    ) == [
        (
            "GM0917",
            "ww",
            datetime.date(2023, 6, 1),
            datetime.date(2024, 5, 31),
            "work",
            Decimal("1710.00"),
        ),
        ("GM0917", "participatiewet", datetime.date(2024, 6, 1), None, "", Decimal("1285.40")),
    ]


@pytest.mark.django_db
def test_import_records_the_counts_in_the_audit_log():
    run_import(PILOT_SMALL)

    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.detail) == (
        None,
        "import",
        "pilot_data",
        {"files": PILOT_SMALL_COUNTS},
    )


def _logged() -> list[tuple[str, str, str, list[str]]]:
    """Each processing-log entry: its action, actor label, activity and people's refs."""
    return [
        (
            entry.action,
            entry.actor_label,
            entry.activity,
            sorted(entry.subjects.values_list("jobseeker__ref", flat=True)),
        )
        for entry in ProcessingEntry.objects.order_by("pk")
    ]


@pytest.mark.django_db
def test_an_import_of_new_rows_logs_one_entry_naming_each_person_once():
    # New rows only: the set way, which writes the entry in SQL.
    run_import(PILOT_SMALL)

    everyone = sorted(Jobseeker.objects.values_list("ref", flat=True))
    assert len(everyone) == 8
    assert _logged() == [(Action.CREATE, "import_pilot_data", Activity.GUIDANCE, everyone)]


@pytest.mark.django_db
def test_an_import_row_by_row_logs_one_entry_per_kind_of_write(tmp_path):
    run_import(PILOT_SMALL)
    first = ProcessingEntry.objects.count()
    # A changed amount (an update: only the row-by-row way imports it) and a new period of
    # another person.
    folder = copy_of_pilot_small(
        tmp_path,
        benefit_periods=(
            "HRL-003,ww,2023-06-01,2024-05-31,work,1710.00\n",
            "HRL-003,ww,2023-06-01,2024-05-31,work,1720.00\nHRL-002,ww,2025-06-01,,,1500.00\n",
        ),
    )

    output = run_import(folder)

    assert output[-1] == "benefit_periods.csv: 1 created, 1 updated, 9 unchanged"
    assert _logged()[first:] == [
        (Action.UPDATE, "import_pilot_data", Activity.GUIDANCE, ["HRL-003"]),
        (Action.CREATE, "import_pilot_data", Activity.GUIDANCE, ["HRL-002"]),
    ]


@pytest.mark.django_db
def test_import_twice_changes_nothing_the_second_time():
    run_import(PILOT_SMALL)
    before = database_snapshot(without=[AuditEvent])

    output = run_import(PILOT_SMALL)

    assert output == [
        "municipalities.csv: 0 created, 0 updated, 2 unchanged",
        "entrepreneurs.csv: 0 created, 0 updated, 8 unchanged",
        "jobseekers.csv: 0 created, 0 updated, 8 unchanged",
        "placements.csv: 0 created, 0 updated, 8 unchanged",
        "benefit_periods.csv: 0 created, 0 updated, 10 unchanged",
    ]
    assert database_snapshot(without=[AuditEvent]) == before
    assert PlacementStateChange.objects.count() == 8
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_import_later_folder_updates_only_the_changed_rows(tmp_path):
    run_import(PILOT_SMALL)
    before = database_snapshot(without=[AuditEvent])
    later = copy_of_pilot_small(
        tmp_path,
        placements=(
            "PL-ZWL-003,ZWL-003,ENT-ZWL-3,active,2024-09-02,2025-02-28,2024-09-02,,",
            "PL-ZWL-003,ZWL-003,ENT-ZWL-3,completed,2024-09-02,2025-02-28,2024-09-02,2025-02-28,",
        ),
        benefit_periods=(
            "ZWL-003,participatiewet,2022-07-01,,,1285.40",
            "ZWL-003,participatiewet,2022-07-01,2025-03-31,work,1285.40",
        ),
    )

    output = run_import(later)

    assert output == [
        "municipalities.csv: 0 created, 0 updated, 2 unchanged",
        "entrepreneurs.csv: 0 created, 0 updated, 8 unchanged",
        "jobseekers.csv: 0 created, 0 updated, 8 unchanged",
        "placements.csv: 0 created, 1 updated, 7 unchanged",
        "benefit_periods.csv: 0 created, 1 updated, 9 unchanged",
    ]
    placement = Placement.objects.get(ref="PL-ZWL-003")
    assert (placement.status, placement.actual_end) == ("completed", datetime.date(2025, 2, 28))
    assert list(
        placement.state_changes.order_by("changed_at", "id").values_list(
            "from_status", "to_status", "source"
        )
    ) == [("", "active", "import"), ("active", "completed", "import")]
    period = BenefitPeriod.objects.get(jobseeker__ref="ZWL-003")
    assert (period.end_date, period.end_reason) == (datetime.date(2025, 3, 31), "work")
    after = database_snapshot(without=[AuditEvent])
    changed = {
        label: [row for row in rows if row not in before[label]] for label, rows in after.items()
    }
    assert {label: [row["id"] for row in rows] for label, rows in changed.items() if rows} == {
        "placements.Placement": [placement.pk],
        "placements.PlacementStateChange": [placement.state_changes.latest("id").pk],
        "placements.BenefitPeriod": [period.pk],
    }


@pytest.mark.django_db
def test_import_status_may_skip_ahead_along_the_lifecycle(tmp_path):
    proposed = copy_of_pilot_small(
        tmp_path,
        placements=(
            "PL-HRL-001,HRL-001,ENT-HRL-1,completed,2024-01-08,2024-06-07,2024-01-08,2024-06-07,",
            "PL-HRL-001,HRL-001,ENT-HRL-1,proposed,2024-01-08,2024-06-07,,,",
        ),
    )
    run_import(proposed)

    run_import(PILOT_SMALL)

    placement = Placement.objects.get(ref="PL-HRL-001")
    assert list(
        placement.state_changes.order_by("changed_at", "id").values_list("from_status", "to_status")
    ) == [("", "proposed"), ("proposed", "completed")]


@pytest.mark.django_db
def test_import_checks_later_rows_against_the_new_end_dates(tmp_path):
    # The new placement and benefit period come first in their files; they only fit once
    # the earlier ones have ended.
    run_import(PILOT_SMALL)
    folder = tmp_path / "later"
    folder.mkdir()
    (folder / "placements.csv").write_text(
        "ref,jobseeker_ref,entrepreneur_ref,status,planned_start,planned_end,actual_start,"
        "actual_end,end_reason\n"
        "PL-ZWL-005,ZWL-003,ENT-ZWL-3,active,2025-03-03,2025-08-29,2025-03-03,,\n"
        "PL-ZWL-003,ZWL-003,ENT-ZWL-3,completed,2024-09-02,2025-02-28,2024-09-02,2025-02-28,\n",
        encoding="utf-8",
    )
    (folder / "benefit_periods.csv").write_text(
        "jobseeker_ref,benefit_type,start_date,end_date,end_reason,monthly_amount\n"
        "ZWL-003,participatiewet,2025-09-01,,,1300.00\n"
        "ZWL-003,participatiewet,2022-07-01,2025-03-31,work,1285.40\n",
        encoding="utf-8",
    )

    output = run_import(folder)

    assert output == [
        "placements.csv: 1 created, 1 updated, 0 unchanged",
        "benefit_periods.csv: 1 created, 1 updated, 0 unchanged",
    ]
    assert list(
        Placement.objects.filter(jobseeker__ref="ZWL-003")
        .order_by("ref")
        .values_list("ref", "status")
    ) == [("PL-ZWL-003", "completed"), ("PL-ZWL-005", "active")]


@pytest.mark.django_db
def test_import_skips_absent_files(tmp_path):
    folder = tmp_path / "partial"
    folder.mkdir()
    shutil.copy(PILOT_SMALL / "municipalities.csv", folder)

    output = run_import(folder)

    assert output == ["municipalities.csv: 2 created, 0 updated, 0 unchanged"]
    assert Municipality.objects.count() == 2


@pytest.mark.django_db
def test_import_dry_run_writes_nothing():
    before = database_snapshot()

    output = run_import(PILOT_SMALL, "--dry-run")

    assert output == [*PILOT_SMALL_FIRST_RUN, "(dry run, nothing written)"]
    assert database_snapshot() == before


@pytest.mark.django_db
def test_import_dry_run_reports_problems_as_a_real_run_does():
    problems = run_failing_import(ERRORS / "bad_kvk_number", "--dry-run")

    assert problems == ["entrepreneurs.csv:2: kvk_number: A KvK number is exactly 8 digits."]


@pytest.mark.django_db
def test_import_accepts_a_byte_order_mark(tmp_path):
    folder = tmp_path / "bom"
    folder.mkdir()
    for source in PILOT_SMALL.iterdir():
        (folder / source.name).write_bytes(b"\xef\xbb\xbf" + source.read_bytes())

    output = run_import(folder)

    assert output == PILOT_SMALL_FIRST_RUN
    assert list(Municipality.objects.values_list("code", flat=True)) == ["GM0193", "GM0917"]


@pytest.mark.django_db
def test_import_accepts_windows_line_ends_and_empty_rows(tmp_path):
    # What a spreadsheet writes: CRLF line ends, and rows of empty cells after the data.
    folder = tmp_path / "spreadsheet"
    folder.mkdir()
    for source in PILOT_SMALL.iterdir():
        text = source.read_text(encoding="utf-8").replace("\n", "\r\n")
        empty_row = "," * text.splitlines()[0].count(",")
        (folder / source.name).write_bytes(f"{text}{empty_row}\r\n\r\n".encode())

    output = run_import(folder)

    assert output == PILOT_SMALL_FIRST_RUN
    assert list(Municipality.objects.values_list("name", flat=True)) == ["Zwolle", "Heerlen"]


@pytest.mark.django_db
def test_import_counts_lines_of_the_file_not_rows(tmp_path):
    # A quoted cell may hold a line break; problems name the line the row starts on.
    folder = tmp_path / "multiline"
    folder.mkdir()
    shutil.copy(ERRORS / "bad_kvk_number" / "municipalities.csv", folder)
    (folder / "entrepreneurs.csv").write_text(
        "ref,municipality_code,trade_name,kvk_number,prior_support\n"
        'ENT-1,GM0917,"Bakkerij\nHet Zuiden",14092231,bbz_start\n'
        "ENT-2,GM0917,Kapsalon Knip,1411098,bbz_start\n",
        encoding="utf-8",
    )

    problems = run_failing_import(folder)

    assert problems == ["entrepreneurs.csv:4: kvk_number: A KvK number is exactly 8 digits."]


@pytest.mark.django_db
def test_import_accepts_columns_in_any_order(tmp_path):
    folder = tmp_path / "reversed"
    folder.mkdir()
    for source in PILOT_SMALL.iterdir():
        with source.open(encoding="utf-8", newline="") as reader:
            rows = [list(reversed(row)) for row in csv.reader(reader)]
        with (folder / source.name).open("w", encoding="utf-8", newline="") as writer:
            csv.writer(writer).writerows(rows)

    output = run_import(folder)

    assert output == PILOT_SMALL_FIRST_RUN
    placement = Placement.objects.get(ref="PL-HRL-004")
    assert (
        placement.jobseeker.ref,
        placement.entrepreneur.ref,
        placement.status,
        placement.actual_start,
        placement.end_reason,
    ) == ("HRL-004", "ENT-HRL-4", "cancelled", None, "jobseeker_withdrew")


@pytest.mark.django_db
def test_import_rejects_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_pilot_data", str(tmp_path / "nowhere"), stdout=StringIO())


@pytest.mark.django_db
def test_import_rejects_a_folder_without_import_files(tmp_path):
    (tmp_path / "placement.csv").write_text("ref\n", encoding="utf-8")

    with pytest.raises(CommandError, match="holds none of municipalities.csv"):
        call_command("import_pilot_data", str(tmp_path), stdout=StringIO())


FUTURE = "This date lies in the future; record it on or after the day it happens."
BEFORE_1900 = "A date before 1 January 1900 cannot be right; check the year."

ERROR_CASES = {
    "empty_file": ["municipalities.csv:1: -: The file is empty; it needs a header row."],
    "bad_municipality_code": [
        "municipalities.csv:3: code: GM917 is not a CBS municipality code (GM followed by 4 "
        "digits).",
        "entrepreneurs.csv:3: municipality_code: Municipality GM917 has errors in "
        "municipalities.csv.",
    ],
    "bad_whole_number": [
        "municipalities.csv:3: planned_places: ten is not a whole number.",
        "municipalities.csv:4: planned_places: Ensure this value is greater than or equal to 0.",
    ],
    "unknown_column": [
        "entrepreneurs.csv:1: notes: Unknown column; the columns are ref, municipality_code, "
        "trade_name, kvk_number, prior_support.",
    ],
    "missing_column": [
        "jobseekers.csv:1: research_consent: The column is missing.",
        "placements.csv:2: jobseeker_ref: Jobseeker JS-1 has errors in jobseekers.csv.",
    ],
    "duplicate_column": ["municipalities.csv:1: name: The column appears more than once."],
    "row_cell_count": [
        "municipalities.csv:3: -: The row has 4 cells; the header has 3.",
        "municipalities.csv:4: -: The row has 2 cells; the header has 3.",
    ],
    "invalid_utf8": [
        "jobseekers.csv:3: given_name: This is not valid UTF-8; save the file as UTF-8 (in "
        "Excel: CSV UTF-8).",
    ],
    "nul_character": [
        "municipalities.csv:2: name: This contains a NUL character, which is not text.",
    ],
    "bad_date_format": [
        "jobseekers.csv:2: birth_date: 12-04-1988 is not a date; write dates as YYYY-MM-DD.",
        "placements.csv:2: planned_end: 20240607 is not a date; write dates as YYYY-MM-DD.",
        "placements.csv:2: actual_start: 2024-02-30 is not a date; write dates as YYYY-MM-DD.",
    ],
    "unknown_enum_value": [
        "entrepreneurs.csv:2: prior_support: Value 'bbz' is not a valid choice.",
        "jobseekers.csv:2: research_consent: Value 'ja' is not a valid choice.",
        "placements.csv:2: status: Value 'running' is not a valid choice.",
        "placements.csv:3: end_reason: Value 'quit' is not a valid choice.",
        "benefit_periods.csv:2: benefit_type: Value 'bijstand' is not a valid choice.",
        "benefit_periods.csv:3: end_reason: Value 'job' is not a valid choice.",
    ],
    "bad_kvk_number": ["entrepreneurs.csv:2: kvk_number: A KvK number is exactly 8 digits."],
    "planned_duration": [
        "placements.csv:2: planned_end: The planned end must be at least 3 months after the start.",
        "placements.csv:3: planned_end: The planned end may be at most 6 months after the start.",
    ],
    "actual_dates_status": [
        "placements.csv:2: actual_start: An active, completed or terminated placement needs its "
        "actual start.",
        "placements.csv:3: actual_start: A placement that has not started has no actual start.",
        "placements.csv:4: actual_end: A completed internship ran at least 3 months; one that "
        "ended earlier is terminated.",
        "placements.csv:5: actual_end: An internship lasts at most 6 months.",
        "placements.csv:6: actual_end: The actual end cannot be before the actual start.",
    ],
    "end_reason_status": [
        "placements.csv:2: end_reason: A terminated or cancelled placement needs an end reason.",
        "placements.csv:3: end_reason: Only a terminated or cancelled placement has an end reason.",
        "placements.csv:4: end_reason: A terminated or cancelled placement needs an end reason.",
    ],
    "unknown_reference": [
        "jobseekers.csv:3: municipality_code: No municipality with code GM0001.",
        "placements.csv:2: jobseeker_ref: No jobseeker with ref JS-9.",
        "placements.csv:2: entrepreneur_ref: No entrepreneur with ref ENT-9.",
        "benefit_periods.csv:2: jobseeker_ref: No jobseeker with ref JS-8.",
    ],
    "failed_reference": [
        "entrepreneurs.csv:2: trade_name: This field is required.",
        "jobseekers.csv:2: given_name: This field is required.",
        "placements.csv:2: jobseeker_ref: Jobseeker JS-1 has errors in jobseekers.csv.",
        "placements.csv:2: entrepreneur_ref: Entrepreneur ENT-1 has errors in entrepreneurs.csv.",
        "benefit_periods.csv:2: jobseeker_ref: Jobseeker JS-1 has errors in jobseekers.csv.",
    ],
    "duplicate_key": [
        "entrepreneurs.csv:3: ref: Line 2 has the same ref.",
        "benefit_periods.csv:4: start_date: Line 2 has the same jobseeker_ref, benefit_type, "
        "start_date.",
    ],
    "benefit_overlap": [
        "benefit_periods.csv:2: start_date: Overlaps the Participatiewet (bijstand) period that "
        "started on 2020-01-01.",
    ],
    "benefit_end_before_start": [
        "benefit_periods.csv:2: end_date: The end date cannot be before the start date.",
    ],
    "benefit_end_reason": [
        "benefit_periods.csv:2: end_reason: Only a benefit that ended has an end reason.",
        "benefit_periods.csv:3: end_reason: A benefit that ended needs an end reason.",
    ],
    "bad_amount": [
        "benefit_periods.csv:2: monthly_amount: Ensure this value is greater than or equal to 0.",
        "benefit_periods.csv:3: monthly_amount: 1.285,40 is not an amount; write euros with a "
        "'.' decimal point, e.g. 1285.40.",
        "benefit_periods.csv:4: monthly_amount: Ensure that there are no more than 2 decimal "
        "places.",
    ],
    "birth_date_future": ["jobseekers.csv:2: birth_date: The birth date must be in the past."],
    "two_running_placements": [
        "placements.csv:3: actual_start: The jobseeker already has placement PL-1 running in "
        "this period.",
        "placements.csv:5: actual_start: The jobseeker already has placement PL-3 running in "
        "this period.",
    ],
    # Facts dated after today are refused; planned dates may lie ahead (PL-3 is fine).
    "future_facts": [
        f"placements.csv:2: actual_start: {FUTURE}",
        f"placements.csv:3: actual_start: {FUTURE}",
        f"placements.csv:3: actual_end: {FUTURE}",
        f"benefit_periods.csv:2: start_date: {FUTURE}",
        f"benefit_periods.csv:3: end_date: {FUTURE}",
    ],
    "date_before_1900": [
        f"jobseekers.csv:2: birth_date: {BEFORE_1900}",
        f"placements.csv:2: planned_start: {BEFORE_1900}",
        f"placements.csv:2: planned_end: {BEFORE_1900}",
        f"placements.csv:2: actual_start: {BEFORE_1900}",
        f"placements.csv:2: actual_end: {BEFORE_1900}",
        f"benefit_periods.csv:2: start_date: {BEFORE_1900}",
    ],
    # A proposal holds the jobseeker and a place at the entrepreneur for its planned dates; a
    # cancelled one holds nothing.
    "overlapping_proposals": [
        "placements.csv:3: planned_start: The jobseeker already has placement PL-1 (proposed) "
        "in this period.",
        "placements.csv:4: entrepreneur_ref: The entrepreneur already hosts 1 intern(s) in this "
        "period (PL-1).",
    ],
    "entrepreneur_full": [
        "placements.csv:3: entrepreneur_ref: The entrepreneur already hosts 1 intern(s) in this "
        "period (PL-1).",
    ],
    "several_files": [
        "municipalities.csv:3: planned_places: ten is not a whole number.",
        "entrepreneurs.csv:3: municipality_code: Municipality GM0193 has errors in "
        "municipalities.csv.",
        "entrepreneurs.csv:3: kvk_number: A KvK number is exactly 8 digits.",
        "jobseekers.csv:1: bsn: Unknown column; the columns are ref, municipality_code, "
        "given_name, family_name, birth_date, research_consent.",
        "placements.csv:2: jobseeker_ref: No jobseeker with ref JS-2.",
        "placements.csv:2: planned_end: The planned end must be at least 3 months after the start.",
        "placements.csv:2: actual_start: An active, completed or terminated placement needs its "
        "actual start.",
        "placements.csv:3: jobseeker_ref: No jobseeker with ref JS-3.",
        "placements.csv:3: entrepreneur_ref: Entrepreneur ENT-2 has errors in entrepreneurs.csv.",
        "placements.csv:3: end_reason: Only a terminated or cancelled placement has an end reason.",
        "benefit_periods.csv:2: jobseeker_ref: No jobseeker with ref JS-9.",
        "benefit_periods.csv:3: jobseeker_ref: No jobseeker with ref JS-3.",
        "benefit_periods.csv:3: start_date: 2020-1-1 is not a date; write dates as YYYY-MM-DD.",
        "benefit_periods.csv:3: monthly_amount: Ensure this value is greater than or equal to 0.",
    ],
}


def test_import_error_cases_cover_every_fixture_folder():
    folders = {path.name for path in ERRORS.iterdir() if path.is_dir()}
    assert folders == {*ERROR_CASES, "backward_status"}


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "expected"), ERROR_CASES.items(), ids=list(ERROR_CASES))
def test_import_with_problems_lists_them_and_writes_nothing(kind, expected):
    before = database_snapshot()

    problems = run_failing_import(ERRORS / kind)

    assert problems == expected
    assert database_snapshot() == before


@pytest.mark.django_db
def test_import_never_moves_a_placement_back():
    run_import(PILOT_SMALL)
    before = database_snapshot()

    problems = run_failing_import(ERRORS / "backward_status")

    assert problems == [
        "placements.csv:2: status: A placement cannot go from completed to active.",
        "placements.csv:3: status: A placement cannot go from active to agreed.",
    ]
    assert database_snapshot() == before
