"""PDF progress reports: the figures in the PDF equal pilot_metrics; the request service is
idempotent; WeasyPrint fetches nothing outside the static files."""

import datetime
import json
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from municipalities.models import Municipality
from placements.enums import BenefitEndReason
from reporting.models import ProgressReport, ReportKind, ReportStatus, ReportTrigger
from reporting.reports.pdf import RefusedURL, html_to_pdf, resolve_static
from reporting.reports.services import report_render, report_request
from reporting.tasks import render_monthly_reports

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AS_OF = datetime.date(2025, 9, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def pilot_small():
    call_command("import_pilot_data", str(FIXTURES / "pilot-small"), stdout=StringIO())


def nl(text: str) -> str:
    # Reports are Dutch: expected texts go through the same catalogue, whatever it holds.
    with translation.override("nl"):
        return translation.gettext(text)


def _of(outflow, target) -> str:
    return nl("%(outflow)s; target: %(target)s") % {"outflow": outflow, "target": f"{target:g}"}


def _pilot_metrics(as_of: datetime.date) -> dict:
    out = StringIO()
    call_command("pilot_metrics", "--as-of", as_of.isoformat(), stdout=out)
    return json.loads(out.getvalue())


def _pdf_text(path) -> str:
    result = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,  # noqa: S607
    )
    return result.stdout


def _render(kind, municipality=None, as_of=AS_OF) -> ProgressReport:
    report, queued = report_request(
        kind=kind, as_of=as_of, municipality=municipality, enqueue=False
    )
    assert queued
    report_render(report_id=report.pk)
    report.refresh_from_db()
    return report


def _figure_row(entry: dict) -> str:
    target = f"{entry['target_outflow']:g}".replace(".", ",")
    cells = [
        entry["planned_places"],
        target,
        entry["participants"],
        entry["outflow"],
        entry["outflow_to_work"],
        entry["sustained_outflow"],
        entry["open"],
        entry["no_outflow"],
    ]
    return r"\s+".join(re.escape(str(cell)) for cell in cells)


def test_funder_report_figures_equal_pilot_metrics(pilot_small):
    expected = _pilot_metrics(AS_OF)
    report = _render(ReportKind.FUNDER)
    assert report.status == ReportStatus.DONE
    assert report.progress == 100
    assert report.snapshot.figures["totals"] == expected["totals"]
    text = _pdf_text(report.file.path)
    for municipality in expected["municipalities"]:
        pattern = rf"{municipality['code']}\s+{municipality['name']}\s+{_figure_row(municipality)}"
        assert re.search(pattern, text), pattern
    assert re.search(re.escape(nl("Total")) + r"\s+" + _figure_row(expected["totals"]), text)
    totals = expected["totals"]
    assert _of(totals["outflow"], totals["target_outflow"]) in text
    assert "€ 33.333" in text  # cost per outflow: 100.000 / 3
    assert "30 september 2025" in text  # Dutch dates
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(  # noqa: S603
                [shutil.which("pdfinfo"), report.file.path],
                capture_output=True,
                text=True,
                check=True,  # noqa: S607
            ).stdout,
        ).group(1)
    )
    assert f"{nl('Page')} {pages} {nl('of')} {pages}" in text
    assert f"{nl('Page')} 1 {nl('of')}" not in text  # the cover carries no page number


def test_research_report_has_cohorts_reasons_and_completeness(pilot_small):
    expected = _pilot_metrics(AS_OF)
    report = _render(ReportKind.RESEARCH)
    text = _pdf_text(report.file.path)
    assert nl("Cohorts by start of the internship") in text
    participants = expected["participants"]
    by_quarter = {}
    for p in participants:
        start = datetime.date.fromisoformat(p["internship_start"])
        key = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        by_quarter[key] = by_quarter.get(key, 0) + 1
    for quarter, count in by_quarter.items():
        assert re.search(rf"{quarter}\s+{count}\s", text), quarter
    reasons = {}
    for p in participants:
        if p["status"] == "outflow":
            reasons[p["outflow_reason"]] = reasons.get(p["outflow_reason"], 0) + 1
    assert sum(reasons.values()) == expected["totals"]["outflow"]
    for reason, count in reasons.items():
        with translation.override("nl"):
            label = str(BenefitEndReason(reason).label)
        assert re.search(rf"{re.escape(label)}\s+{count}\b", text), reason
    assert nl("Data completeness per municipality") in text
    for municipality in expected["municipalities"]:
        assert re.search(rf"{municipality['code']}\s+{municipality['name']}\s+\d", text)
    # No person-level data: no participant refs in the research report.
    for p in participants:
        assert p["ref"] not in text


def test_municipality_report_shows_only_that_municipality(pilot_small):
    expected = _pilot_metrics(AS_OF)
    heerlen = Municipality.objects.get(code="GM0917")
    report = _render(ReportKind.MUNICIPALITY, municipality=heerlen)
    text = _pdf_text(report.file.path)
    entry = next(m for m in expected["municipalities"] if m["code"] == "GM0917")
    assert nl("Progress report for %(name)s") % {"name": "Heerlen"} in text
    assert _of(entry["outflow"], entry["target_outflow"]) in text
    assert "Zwolle" not in text
    assert nl("Cost per outflow") not in text


def test_report_request_is_idempotent_unless_rerender(pilot_small):
    first = _render(ReportKind.FUNDER)
    again, queued = report_request(kind=ReportKind.FUNDER, as_of=AS_OF, enqueue=False)
    assert (again.pk, queued) == (first.pk, False)
    assert ProgressReport.objects.count() == 1

    redo, queued = report_request(kind=ReportKind.FUNDER, as_of=AS_OF, rerender=True, enqueue=False)
    assert (redo.pk, queued) == (first.pk, True)
    redo.refresh_from_db()
    assert (redo.status, redo.progress) == (ReportStatus.QUEUED, 0)
    report_render(report_id=redo.pk)
    redo.refresh_from_db()
    assert redo.status == ReportStatus.DONE
    assert ProgressReport.objects.count() == 1
    assert len(list(Path(redo.file.path).parent.iterdir())) == 1  # the old file is gone


def test_report_request_sends_the_task_after_commit(
    pilot_small, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report, queued = report_request(kind=ReportKind.RESEARCH, as_of=AS_OF)
    assert queued
    assert len(callbacks) == 1
    assert report.status == ReportStatus.QUEUED


def test_report_request_rejects_a_municipality_on_pilot_reports(pilot_small):
    heerlen = Municipality.objects.get(code="GM0917")
    with pytest.raises(ValueError):
        report_request(kind=ReportKind.FUNDER, as_of=AS_OF, municipality=heerlen, enqueue=False)
    with pytest.raises(ValueError):
        report_request(kind=ReportKind.MUNICIPALITY, as_of=AS_OF, enqueue=False)


def test_funder_report_lists_changes_since_the_previous_funder_report(pilot_small):
    _render(ReportKind.FUNDER, as_of=datetime.date(2024, 12, 31))
    report = _render(ReportKind.FUNDER)
    text = _pdf_text(report.file.path)
    before = _pilot_metrics(datetime.date(2024, 12, 31))["totals"]
    now = _pilot_metrics(AS_OF)["totals"]
    compared = nl("Compared with the funder report as of %(day)s:") % {"day": "31 december 2024"}
    assert compared in text
    if before["outflow"] != now["outflow"]:
        delta = now["outflow"] - before["outflow"]
        change = nl("%(label)s: from %(old)s to %(new)s (%(delta)+d).") % {
            "label": nl("Outflow"),
            "old": before["outflow"],
            "new": now["outflow"],
            "delta": delta,
        }
        assert change in text


def test_monthly_reports_are_queued_as_of_the_end_of_the_previous_month(
    pilot_small, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = render_monthly_reports.run(as_of="2025-09-30")
    reports = ProgressReport.objects.filter(pk__in=ids)
    assert sorted(reports.values_list("kind", "municipality__code")) == [
        ("funder", None),
        ("municipality", "GM0193"),
        ("municipality", "GM0917"),
        ("research", None),
    ]
    assert set(reports.values_list("as_of", "trigger")) == {(AS_OF, ReportTrigger.MONTHLY)}
    assert len(callbacks) == 4
    # A second run stores nothing new and queues nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sorted(render_monthly_reports.run(as_of="2025-09-30")) == sorted(ids)
    assert len(callbacks) == 0


def test_monthly_reports_default_to_the_last_day_of_the_previous_month(
    pilot_small, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=False):
        render_monthly_reports.run()
    expected = today.replace(day=1) - datetime.timedelta(days=1)
    assert set(ProgressReport.objects.values_list("as_of", flat=True)) == {expected}


def test_pdf_fetcher_serves_static_files_only():
    assert resolve_static("static:reporting/report.css").name == "report.css"
    for url in (
        "https://example.com/x.css",
        "http://127.0.0.1/x.png",
        "file:///etc/passwd",
        "static:../pilot/settings/base.py",
        "static:reporting/missing.css",
        "data:text/css,body{}",
        "ftp://example.com/x",
    ):
        with pytest.raises(RefusedURL):
            resolve_static(url)


def test_pdf_rendering_skips_network_resources():
    pdf = html_to_pdf(
        '<link rel="stylesheet" href="https://example.com/evil.css">'
        '<img src="http://127.0.0.1:9/x.png"><p>Hallo</p>'
    )
    assert pdf.startswith(b"%PDF-")


def test_render_report_command_writes_the_pdf(pilot_small, tmp_path):
    output = tmp_path / "out" / "funder.pdf"
    call_command(
        "render_report",
        "--kind",
        "funder",
        "--as-of",
        "2025-09-30",
        "--output",
        str(output),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert output.read_bytes().startswith(b"%PDF-")
    report = ProgressReport.objects.get()
    assert (report.kind, report.trigger, report.status) == ("funder", "command", "done")
    # Again: the stored report is written out, not rendered anew.
    finished = report.finished_at
    call_command(
        "render_report",
        "--kind",
        "funder",
        "--as-of",
        "2025-09-30",
        "--output",
        str(output),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    report.refresh_from_db()
    assert report.finished_at == finished

    municipal = tmp_path / "heerlen.pdf"
    call_command(
        "render_report",
        "--municipality",
        "GM0917",
        "--as-of",
        "2025-09-30",
        "--output",
        str(municipal),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert "Heerlen" in _pdf_text(municipal)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--kind", "funder", "--municipality", "GM0917"], "--municipality goes with"),
        (["--kind", "municipality"], "needs --municipality"),
        (["--municipality", "GM9999"], "No municipality with code GM9999"),
        (["--kind", "funder", "--as-of", "30-09-2025"], "--as-of must be a date"),
        ([], "Give --kind"),
    ],
)
def test_render_report_command_refuses_bad_arguments(pilot_small, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_report", *arguments, "--output", str(tmp_path / "x.pdf"))


def test_funder_report_for_many_municipalities_prints_the_compact_table():
    from municipalities.models import Municipality as M
    from reporting.snapshots import snapshot_compute

    M.objects.bulk_create(
        [M(code=f"GM{i:04d}", name=f"Gemeente {i}", planned_places=10) for i in range(1, 32)]
    )
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    report = _render(ReportKind.FUNDER)
    text = _pdf_text(report.file.path)
    assert re.search(r"GM0031 Gemeente 31\s+0\s+0\s+5\s+0\s+0", text)
    assert re.search(re.escape(nl("Total")) + r"\s+0\s+0\s+155\s+0\s+0", text)


@pytest.mark.django_db(transaction=True)
def test_render_report_command_prints_a_few_lines_and_no_library_logging(pilot_small, tmp_path):
    """The command as a person runs it (its own process, the project's logging): the file, the
    render time and our own log lines, never WeasyPrint's or fontTools' notes."""
    import os
    import sys

    from django.db import connection

    db = connection.settings_dict
    output = tmp_path / "funder.pdf"
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "render_report",
            "--kind",
            "funder",
            "--as-of",
            "2025-09-30",
            "--output",
            str(output),
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pilot.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@"
            f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = (result.stdout + result.stderr).splitlines()
    assert result.stdout.strip() == str(output)
    assert output.read_bytes().startswith(b"%PDF-")
    assert len(lines) <= 4, "\n".join(lines)
    assert not [line for line in lines if "weasyprint" in line or "fontTools" in line]


def _pdf_words(path) -> list[tuple[str, float, float, float]]:
    """Every word of the PDF with its box: (word, x right, y top, page)."""
    result = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-bbox", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,  # noqa: S607
    )
    words = []
    page = 0
    for raw in result.stdout.splitlines():
        if "<page " in raw:
            page += 1
        found = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            raw,
        )
        if found:
            words.append((found[4], float(found[3]), float(found[2]), page))
    return words


def test_pdf_tables_put_numbers_under_their_headings(pilot_small):
    """The funder report's guidance table: each number ends where its heading ends."""
    report = _render(ReportKind.FUNDER)
    path = Path(report.file.path)
    words = _pdf_words(path)
    headings = [nl("Entrepreneurs"), nl("Sessions"), nl("Hours")]

    def on_line(target, y, page):
        return any(w == target and abs(y2 - y) < 1 and p == page for w, _x, y2, p in words)

    # The heading row of "Municipality, Entrepreneurs, Sessions, Hours" (the last such table).
    heading_row = [
        (y, page)
        for word, _x, y, page in words
        if word == headings[0]
        and on_line(headings[2], y, page)
        and on_line(nl("Municipality"), y, page)
    ][-1]
    heading_right = [
        x for word, x, y, page in words if (y, page) == heading_row and word in headings
    ]
    # The row of Heerlen under it: the three numbers after the name.
    heerlen = next(
        (y, page)
        for word, _x, y, page in words
        if word == "(GM0917)" and page == heading_row[1] and y > heading_row[0]
    )
    numbers = [
        x
        for word, x, y, page in words
        if (page == heerlen[1] and abs(y - heerlen[0]) < 1 and re.fullmatch(r"[\d.,]+", word))
    ]
    assert len(numbers) == 3
    for number_right, heading_right_edge in zip(numbers, heading_right, strict=True):
        assert abs(number_right - heading_right_edge) < 3, (numbers, heading_right)
