"""The national (compact) reports: above COMPACT_ABOVE municipalities the long per-municipality
tables print one line of text per municipality and travel whole inside the PDF as CSV; the
research report's outflow per benefit type is one aggregate query; a report reads the snapshot
without the parts it never shows."""

import csv
import datetime
import io
import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from municipalities.db_scope import pilot_wide
from municipalities.models import Municipality
from placements.enums import COUNTED_END_REASONS
from placements.models import BenefitPeriod
from reporting.completeness import GAP_KINDS
from reporting.dashboard import WHOLE_PILOT
from reporting.models import ReportKind
from reporting.reports.compact import COMPLETENESS_CSV, FIGURES_CSV, SAVINGS_COLUMNS
from reporting.reports.content import COMPACT_ABOVE
from reporting.reports.line_tables import NAME_MAX, line_table
from reporting.reports.research import all_municipalities_outflow_benefit_types
from reporting.reports.services import report_render, report_request, report_snapshot
from reporting.savings_figures import snapshot_savings
from reporting.snapshots import latest_snapshot, snapshot_compute

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AS_OF = datetime.date(2025, 9, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def pilot_small():
    call_command("import_pilot_data", str(FIXTURES / "pilot-small"), stdout=StringIO())


@pytest.fixture
def national(pilot_small):
    """The small pilot and enough empty municipalities to pass COMPACT_ABOVE."""
    Municipality.objects.bulk_create(
        [
            Municipality(code=f"GM9{i:03d}", name=f"Gemeente {i}", planned_places=10)
            for i in range(1, COMPACT_ABOVE + 1)
        ]
    )
    # One name longer than a line's name column takes: printed shortened, attached whole.
    Municipality.objects.filter(code="GM9001").update(name="=Gemeente " + "lang " * 10)
    assert Municipality.objects.count() > COMPACT_ABOVE
    return snapshot_compute(as_of=AS_OF, trigger="on_demand")[0]


def nl(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def _render(kind):
    report, _queued = report_request(kind=kind, as_of=AS_OF, enqueue=False)
    report_render(report_id=report.pk)
    report.refresh_from_db()
    return report


def _pdf_text(path) -> str:
    return subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def _attachments(path, tmp_path) -> dict[str, list[dict]]:
    """Every file attached to the PDF, read as CSV (pdfdetach, as a reader's PDF viewer)."""
    out = tmp_path / "attachments"
    out.mkdir()
    subprocess.run(  # noqa: S603
        [shutil.which("pdfdetach"), "-saveall", "-o", str(out), str(path)],
        capture_output=True,
        check=True,
    )
    return {
        found.name: list(csv.DictReader(io.StringIO(found.read_text(encoding="utf-8"))))
        for found in out.iterdir()
    }


def test_national_funder_report_prints_a_line_per_municipality_and_attaches_every_figure(
    national, tmp_path
):
    report = _render(ReportKind.FUNDER)
    text = _pdf_text(report.file.path)
    figures = national.figures
    savings = {row.code: row for row in snapshot_savings(national, WHOLE_PILOT).municipalities}
    for m in figures["municipalities"]:
        if m["code"] == "GM9001":
            continue
        row = savings[m["code"]]
        money = [f"€ {row.savings:,.0f}".replace(",", "."), f"€ {row.net:,.0f}".replace(",", ".")]
        cells = [
            m["participants"],
            m["outflow"],
            f"{m['target_outflow']:g}".replace(".", ","),
            m["outflow_to_work"],
            m["sustained_outflow"],
        ]
        pattern = (
            rf"{m['code']} {re.escape(m['name'])}\s+"
            + r"\s+".join(re.escape(str(c)) for c in cells)
            + r"\s+"
            + r"\s+".join(re.escape(c) for c in money)
        )
        assert re.search(pattern, text), pattern
    # The long name is cut on the page, with the code whole before it.
    shortened = ("GM9001 =Gemeente " + "lang " * 10)[: NAME_MAX - 1] + "…"
    assert shortened in text
    totals = figures["totals"]
    assert re.search(
        re.escape(nl("Total")) + rf"\s+{totals['participants']}\s+{totals['outflow']}\s+",
        text,
    )
    assert FIGURES_CSV in text.replace("\n", " ")

    attached = _attachments(report.file.path, tmp_path)
    assert list(attached) == [FIGURES_CSV]
    rows = attached[FIGURES_CSV]
    assert [r["code"] for r in rows] == [m["code"] for m in figures["municipalities"]]
    for r, m in zip(rows, figures["municipalities"], strict=True):
        # Formula-safe like the exports: a name starting with "=" gets a quote in front.
        assert r["name"] == ("'" + m["name"] if m["name"].startswith("=") else m["name"])
        for key in (
            "planned_places",
            "participants",
            "outflow",
            "outflow_to_work",
            "sustained_outflow",
            "open",
            "no_outflow",
        ):
            assert int(r[key]) == m[key], key
        assert float(r["target_outflow"]) == m["target_outflow"]
        row = savings[m["code"]]
        for key in SAVINGS_COLUMNS:
            value = getattr(row, key)
            assert r[key] == ("" if value is None else str(value)), key
    assert sum(int(r["outflow"]) for r in rows) == totals["outflow"]
    assert (
        sum(Decimal(r["savings"]) for r in rows) == snapshot_savings(national, WHOLE_PILOT).savings
    )


def test_national_research_report_prints_and_attaches_the_completeness_per_municipality(
    national, tmp_path
):
    report = _render(ReportKind.RESEARCH)
    text = _pdf_text(report.file.path)
    completeness = dict(national.figures_as_of["completeness"])
    names = {m["code"]: m["name"] for m in national.figures["municipalities"]}
    assert nl("Data completeness per municipality") in text
    for code, counts in completeness.items():
        if code == "GM9001":
            continue
        values = r"\s+".join(str(counts.get(kind, 0)) for kind in GAP_KINDS)
        assert re.search(rf"{code} {re.escape(names[code])}\s+{values}\n", text), code
    rows = _attachments(report.file.path, tmp_path)[COMPLETENESS_CSV]
    assert [r["code"] for r in rows] == list(completeness)
    for r in rows:
        assert {kind: int(r[kind]) for kind in GAP_KINDS} == {
            kind: completeness[r["code"]].get(kind, 0) for kind in GAP_KINDS
        }


def test_small_pilot_reports_keep_their_tables_and_attach_nothing(pilot_small, tmp_path):
    for kind in (ReportKind.FUNDER, ReportKind.RESEARCH):
        report = _render(kind)
        listing = subprocess.run(  # noqa: S603
            [shutil.which("pdfdetach"), "-list", report.file.path],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        assert listing.startswith("0 embedded files"), listing
        assert FIGURES_CSV not in _pdf_text(report.file.path)


def test_line_table_pads_columns_to_their_widest_cell_and_wraps_headings_between_words():
    table = line_table(
        "Caption",
        [("Gemeente", False), ("Deelnemers", True), ("Bespaard op uitkeringen", True)],
        [["GM0001 Aa", "7", "€ 1.234"], ["GM0002 Bbbbbbbbbbbb", "1234", "-"]],
        ["Totaal", "1241", "€ 1.234"],
    )
    # Name column: the longest name and a space; numbers: the longest value and two spaces,
    # at least the heading's longest word ("uitkeringen") and a space.
    assert [c.width for c in table.columns] == [20, 11, 12]
    assert table.lines == (
        "GM0001 Aa                     7     € 1.234",
        "GM0002 Bbbbbbbbbbbb        1234           -",
    )
    assert table.total == "Totaal                     1241     € 1.234"
    assert table.characters == 43
    # Five lines to a table row (a rule under each five).
    many = line_table("C", [("Gemeente", False)], [[f"GM{i:04d}"] for i in range(1, 12)])
    assert many.rows == (
        "GM0001\nGM0002\nGM0003\nGM0004\nGM0005",
        "GM0006\nGM0007\nGM0008\nGM0009\nGM0010",
        "GM0011",
    )
    # 8 points unless the line would not fit the page; written for CSS, never localised.
    assert table.style == "width: 43ch; font-size: 8.00pt"
    wide = line_table("C", [("Gemeente", False)] + [("x", True)] * 20, [["a"] + ["123456"] * 20])
    assert wide.style == "width: 169ch; font-size: 4.81pt"


def _outflow_types_in_python(participants, as_of, municipality_ids=None) -> Counter:
    """The rule as plainly as it reads: per outflow event, the period that ended that day with a
    counted reason; of several, the earliest start, then the benefit type."""
    wanted = {(p["ref"], p["outflow_date"]) for p in participants if p["status"] == "outflow"}
    chosen = {}
    with pilot_wide("test oracle"):
        periods = BenefitPeriod.objects.filter(
            end_date__lte=as_of, end_reason__in=[str(r) for r in COUNTED_END_REASONS]
        )
        if municipality_ids is not None:
            periods = periods.filter(municipality_id__in=municipality_ids)
        for ref, end, start, kind in periods.values_list(
            "jobseeker__ref", "end_date", "start_date", "benefit_type"
        ):
            key = (ref, end.isoformat())
            if key in wanted and (key not in chosen or (start, kind) < chosen[key]):
                chosen[key] = (start, kind)
    return Counter(kind for _start, kind in chosen.values())


def test_outflow_per_benefit_type_is_the_period_that_ended_with_the_outflow(pilot_small):
    snapshot = snapshot_compute(as_of=AS_OF, trigger="on_demand")[0]
    participants = snapshot.figures["participants"]
    outflow = [p for p in participants if p["status"] == "outflow"]
    assert outflow
    # A second period of another type that ended with the same outflow event and started
    # earlier: it is the one counted (the earliest start first).
    first = outflow[0]
    with pilot_wide("test data"):
        ended = BenefitPeriod.objects.get(
            jobseeker__ref=first["ref"], end_date=first["outflow_date"]
        )
        other_type = "ww" if ended.benefit_type != "ww" else "participatiewet"
        BenefitPeriod.objects.create(
            municipality_id=ended.municipality_id,
            jobseeker_id=ended.jobseeker_id,
            benefit_type=other_type,
            start_date=ended.start_date - datetime.timedelta(days=1),
            end_date=ended.end_date,
            end_reason=ended.end_reason,
        )
    counted = all_municipalities_outflow_benefit_types(participants=participants, as_of=AS_OF)
    assert counted == _outflow_types_in_python(participants, AS_OF)
    assert sum(counted.values()) == len(outflow)
    assert counted[other_type] >= 1
    heerlen = Municipality.objects.get(code="GM0917").pk
    assert all_municipalities_outflow_benefit_types(
        participants=participants, as_of=AS_OF, municipality_ids=[heerlen]
    ) == _outflow_types_in_python(participants, AS_OF, [heerlen])
    assert all_municipalities_outflow_benefit_types(participants=[], as_of=AS_OF) == Counter()


def test_a_report_reads_the_snapshot_without_what_it_never_shows(pilot_small):
    stored = snapshot_compute(as_of=AS_OF, trigger="on_demand")[0]
    snapshot = report_snapshot(as_of=AS_OF)
    assert snapshot == latest_snapshot(as_of=AS_OF) == stored
    assert snapshot.get_deferred_fields() == {"dashboard_html", "pilot_figures", "pilot_savings"}
    full = latest_snapshot(as_of=AS_OF).savings
    assert "participants" in full
    assert snapshot.savings == {k: v for k, v in full.items() if k != "participants"}
    assert snapshot.figures == stored.figures
    assert report_snapshot(as_of=AS_OF + datetime.timedelta(days=1)) is None
