"""Export files: nothing that identifies a person, labels inside, safe cells, valid when empty."""

import csv
import io
import math
import re
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pyreadstat
import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from coaching.enums import GuidanceTopic, PriorSupport, SessionMode
from coaching.models import Entrepreneur, GuidanceSession
from municipalities.models import User
from placements.enums import (
    BenefitEndReason,
    BenefitType,
    EvaluationHelped,
    EvaluationMissing,
    EvaluationOffer,
    PlacementEndReason,
    PlacementStatus,
    WouldHostAgain,
)
from placements.models import BenefitPeriod, HostEvaluation, Jobseeker, Placement, ProgressReview
from reporting.exports import long_tables
from reporting.exports import variables as v
from reporting.exports.build import build_research_export
from reporting.exports.codebook import CODEBOOK_COLUMNS
from reporting.exports.pseudonyms import Pseudonymiser
from reporting.exports.rows import ROW_SOURCES, ResearchScope
from reporting.exports.variables import VarType
from reporting.exports.writers import open_writer, safe_cell
from reporting.metrics import OutflowStatus
from tests.factories import (
    GuidanceSessionFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    PlacementFactory,
    ProgressReviewFactory,
)

pytestmark = pytest.mark.django_db

PILOT_SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "pilot-small"
FORMATS = ("csv", "xlsx", "sav", "dta")
AS_OF = date(2025, 9, 30)
PSEUDONYM = re.compile(r"^[PEI]-[0-9a-f]{16}$")


def _example_with_identifying_details() -> None:
    """The example data set, with every identifying field filled in and notes everywhere."""
    call_command("import_pilot_data", PILOT_SMALL, stdout=StringIO())
    for number, jobseeker in enumerate(Jobseeker.objects.order_by("ref"), start=1):
        Jobseeker.objects.filter(pk=jobseeker.pk).update(
            client_number=f"KLNT{number:05d}",
            email=f"{jobseeker.given_name.lower()}.{number}@voorbeeld.nl",
            phone=f"06-9988{number:04d}",
        )
    for number, entrepreneur in enumerate(Entrepreneur.objects.order_by("ref"), start=1):
        Entrepreneur.objects.filter(pk=entrepreneur.pk).update(
            contact_name=f"Contactpersoon Vanderbroek{number}",
            contact_phone=f"045-77{number:05d}",
            contact_email=f"info{number}@zaak.example",
        )
    for number, placement in enumerate(Placement.objects.exclude(actual_start=None), start=1):
        ProgressReviewFactory(
            placement=placement,
            held_on=placement.actual_start,
            notes=f"Vertrouwelijke notitie stage nummer {number}: loopt goed.",
        )
        GuidanceSessionFactory(
            entrepreneur=placement.entrepreneur,
            held_on=placement.actual_start,
            notes=f"Geheime begeleidingsnotitie {number} over de zaak.",
            topics=["onboarding", "finances"],
        )
    ended = Placement.objects.filter(actual_end__lte=AS_OF).order_by("ref")
    for number, placement in enumerate(ended, start=1):
        HostEvaluationFactory(
            placement=placement,
            evaluated_on=placement.actual_end,
            would_host_again=("yes", "no", "unsure")[number % 3],
            work_readiness=1 + number % 5,
            offer=("none", "contract", "job_offer")[number % 3],
            helped=["imk_coach", "colleagues"],
            missing=["compensation"],
            remark=f"Geheime opmerking ondernemer {number} over de stagiair.",
        )


def _identifying_strings() -> set[str]:
    strings: set[str] = set()
    for row in Jobseeker.objects.values(
        "ref", "given_name", "family_name", "birth_date", "client_number", "email", "phone"
    ):
        strings |= {str(value) for value in row.values() if value}
    for row in Entrepreneur.objects.values(
        "ref", "trade_name", "kvk_number", "contact_name", "contact_phone", "contact_email"
    ):
        strings |= {str(value) for value in row.values() if value}
    strings |= set(Placement.objects.values_list("ref", flat=True))
    strings |= set(ProgressReview.objects.values_list("notes", flat=True))
    strings |= set(GuidanceSession.objects.values_list("notes", flat=True))
    strings |= set(HostEvaluation.objects.values_list("remark", flat=True))
    strings |= set(User.objects.values_list("email", flat=True))
    strings |= {name for name in User.objects.values_list("full_name", flat=True) if name}
    return strings


def _export(tmp_path: Path, format: str, language: str = "nl") -> zipfile.ZipFile:
    path = tmp_path / f"export-{format}-{language}.zip"
    build_research_export(as_of=AS_OF, format=format, path=path, language=language)
    return zipfile.ZipFile(path)


def _cells(archive: zipfile.ZipFile, member: str, tmp_path: Path) -> list[str]:
    """Every cell, header and label of one file, as text, plus the file's raw content."""
    raw = archive.read(member)
    texts = [raw.decode("latin-1")]
    suffix = member.rsplit(".", 1)[1]
    if suffix in ("csv", "html"):
        texts.append(raw.decode("utf-8"))
    if suffix == "xlsx":
        workbook = load_workbook(io.BytesIO(raw), read_only=True)
        for sheet in workbook.worksheets:
            texts += [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
        with zipfile.ZipFile(io.BytesIO(raw)) as inner:
            texts += [inner.read(name).decode("utf-8") for name in inner.namelist()]
    if suffix in ("sav", "dta"):
        path = tmp_path / member
        path.write_bytes(raw)
        reader = pyreadstat.read_sav if suffix == "sav" else pyreadstat.read_dta
        frame, meta = reader(str(path))
        texts += [str(cell) for column in frame.columns for cell in frame[column]]
        texts += list(meta.column_names_to_labels.values())
        texts += [str(meta.file_label)]
        for labels in meta.variable_value_labels.values():
            texts += list(labels.values())
    return texts


@pytest.mark.parametrize("format", FORMATS)
def test_export_files_hold_no_identifying_text(tmp_path, format):
    _example_with_identifying_details()
    forbidden = _identifying_strings()
    assert len(forbidden) > 60  # the scan has something to find

    archive = _export(tmp_path, format)

    found = set()
    for member in archive.namelist():
        for text in _cells(archive, member, tmp_path):
            for value in forbidden:
                if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text):
                    found.add((member, value))
    assert found == set()


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_export_identifier_columns_hold_pseudonyms_only(tmp_path, format):
    _example_with_identifying_details()

    archive = _export(tmp_path, format)

    checked = 0
    for table in v.TABLES:
        rows = _read_table(archive, table, format, tmp_path)
        for name in table.names:
            if name.endswith("_id"):
                for row in rows:
                    assert PSEUDONYM.match(row[name]), (table.name, name, row[name])
                    checked += 1
    assert checked > 40


def _read_table(archive, table, format, tmp_path) -> list[dict]:
    if format == "csv":
        text = archive.read(f"{table.name}.csv").decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))
    workbook = load_workbook(io.BytesIO(archive.read(f"{table.name}.xlsx")))
    header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("format", ["sav", "dta"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_export_stats_files_carry_variable_and_value_labels(tmp_path, format, language):
    _example_with_identifying_details()
    archive = _export(tmp_path, format, language)
    reader = pyreadstat.read_sav if format == "sav" else pyreadstat.read_dta

    for table in v.TABLES:
        path = tmp_path / f"{table.name}.{format}"
        path.write_bytes(archive.read(path.name))
        frame, meta = reader(str(path))

        assert list(frame.columns) == table.names
        assert meta.column_names_to_labels == {
            variable.name: variable.label(language) for variable in table.variables
        }
        assert {
            name: {int(code): label for code, label in labels.items()}
            for name, labels in meta.variable_value_labels.items()
        } == {
            variable.name: variable.values.labels_in(language)
            for variable in table.variables
            if variable.values is not None
        }


@pytest.mark.parametrize("format", ["sav", "dta"])
def test_export_stats_files_read_back_values_and_dates(tmp_path, format):
    _example_with_identifying_details()
    archive = _export(tmp_path, format)
    path = tmp_path / f"participants.{format}"
    path.write_bytes(archive.read(path.name))

    frame, meta = (pyreadstat.read_sav if format == "sav" else pyreadstat.read_dta)(str(path))

    zwl_002 = Pseudonymiser().participant(Jobseeker.objects.get(ref="ZWL-002").pk)
    row = frame[frame["participant_id"] == zwl_002].iloc[0]
    assert row["birth_year"] == 1984
    assert row["internship_start"] == date(2024, 2, 12)
    assert row["outflow_date"] == date(2024, 10, 15)
    assert row["status"] == v.OUTFLOW_STATUS.code("outflow")
    assert meta.variable_value_labels["status"][row["status"]] == "uitgestroomd"
    # ZWL-001 and ZWL-004 had no outflow: system missing, not a made-up date.
    assert frame["outflow_date"].isna().sum() == 2


@pytest.mark.parametrize("format", FORMATS)
def test_export_without_consented_participants_has_headers_only(tmp_path, format):
    archive = _export(tmp_path, format)

    assert sorted(archive.namelist()) == sorted(
        [f"{table.name}.{format}" for table in v.TABLES] + ["codebook.csv", "codebook.html"]
    )
    for table in v.TABLES:
        raw = archive.read(f"{table.name}.{format}")
        if format == "csv":
            assert raw.decode("utf-8") == ",".join(table.names) + "\r\n"
        elif format == "xlsx":
            rows = list(load_workbook(io.BytesIO(raw)).worksheets[0].iter_rows(values_only=True))
            assert rows == [tuple(table.names)]
        else:
            path = tmp_path / f"{table.name}.{format}"
            path.write_bytes(raw)
            reader = pyreadstat.read_sav if format == "sav" else pyreadstat.read_dta
            frame, meta = reader(str(path))
            assert list(frame.columns) == table.names
            assert len(frame) == 0
            assert meta.column_names_to_labels == {
                variable.name: variable.nl for variable in table.variables
            }


def test_export_codebook_lists_every_variable_in_both_languages(tmp_path):
    archive = _export(tmp_path, "csv")

    rows = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode("utf-8"))))

    assert list(rows[0]) == CODEBOOK_COLUMNS
    assert [(row["table"], row["variable"]) for row in rows] == [
        (table.name, variable.name) for table in v.TABLES for variable in table.variables
    ]
    assert all(row["label_nl"] and row["label_en"] and row["definition"] for row in rows)
    status = next(r for r in rows if r["table"] == "participants" and r["variable"] == "status")
    assert status["values_en"] == "1 = outflow; 2 = open (not yet known); 3 = no outflow"
    html = archive.read("codebook.html").decode("utf-8")
    assert all(
        f"<code>{variable.name}</code>" in html for t in v.TABLES for variable in t.variables
    )


# --- The codebook itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_set", "choices"),
    [
        (v.BENEFIT_TYPE, BenefitType),
        (v.BENEFIT_END_REASON, BenefitEndReason),
        (v.PLACEMENT_STATUS, PlacementStatus),
        (v.PLACEMENT_END_REASON, PlacementEndReason),
        (v.OUTFLOW_STATUS, OutflowStatus),
        (v.PRIOR_SUPPORT, PriorSupport),
        (v.SESSION_MODE, SessionMode),
        (v.WOULD_HOST_AGAIN, WouldHostAgain),
        (v.EVALUATION_OFFER, EvaluationOffer),
    ],
)
def test_codebook_value_labels_cover_every_choice_with_unique_codes(value_set, choices):
    assert set(value_set.codes) == set(choices.values)
    assert len(set(value_set.codes.values())) == len(value_set.labels)
    assert all(label.nl and label.en for label in value_set.labels)


def test_codebook_topics_cover_every_guidance_topic():
    assert set(v.TOPICS) == set(GuidanceTopic.values) == set(v.TOPIC_LABELS)


def test_codebook_evaluation_choices_cover_every_choice():
    assert set(v.HELPED) == set(EvaluationHelped.values) == set(v.HELPED_LABELS)
    assert set(v.MISSING) == set(EvaluationMissing.values) == set(v.MISSING_LABELS)
    assert set(v.WORK_READINESS.codes.values()) == {1, 2, 3, 4, 5}


@pytest.mark.parametrize("format", FORMATS)
def test_export_host_evaluations_are_coded_with_codebook_labels_and_no_remark(tmp_path, format):
    placement = PlacementFactory()
    HostEvaluationFactory(
        placement=placement,
        would_host_again="unsure",
        work_readiness=2,
        offer="work_learn",
        helped=["imk_coach"],
        missing=["language", "time"],
        remark="Opmerking die het bedrijf niet mag verlaten.",
    )
    pseudonyms = Pseudonymiser()
    archive = _export(tmp_path, format)

    (row,) = _rows_in_file(archive, v.HOST_EVALUATIONS, format, tmp_path)
    assert dict(zip(v.HOST_EVALUATIONS.names, row, strict=True)) == {
        "placement_id": pseudonyms.placement(placement.pk),
        "participant_id": pseudonyms.participant(placement.jobseeker_id),
        "entrepreneur_id": pseudonyms.entrepreneur(placement.entrepreneur_id),
        "evaluated_on": date(2024, 6, 14),
        "would_host_again": 2,
        "work_readiness": 2,
        "offer": 3,
        **{f"helped_{c}": int(c == "imk_coach") for c in v.HELPED},
        **{f"missing_{c}": int(c in {"language", "time"}) for c in v.MISSING},
    }
    for member in archive.namelist():
        for text in _cells(archive, member, tmp_path):
            assert "Opmerking die het bedrijf" not in text, member
    codebook = list(csv.DictReader(io.StringIO(archive.read("codebook.csv").decode("utf-8"))))
    labels = {
        row["variable"]: row["values_nl"] for row in codebook if row["table"] == "host_evaluations"
    }
    assert labels["would_host_again"] == "0 = nee; 1 = ja; 2 = weet niet"
    assert labels["offer"] == (
        "0 = niets aangeboden; 1 = arbeidscontract; 2 = baan aangeboden, (nog) niet getekend; "
        "3 = leerwerkplek (bijv. BBL); 4 = aanbevolen bij andere werkgever"
    )
    assert (
        labels["work_readiness"]
        == "1 = 1 ver van werk; 2 = 2; 3 = 3; 4 = 4; 5 = 5 klaar voor regulier werk"
    )
    assert labels["missing_language"] == "0 = nee; 1 = ja"
    if format in ("sav", "dta"):
        path = tmp_path / f"host_evaluations.{format}"
        _frame, meta = (pyreadstat.read_sav if format == "sav" else pyreadstat.read_dta)(str(path))
        assert meta.variable_value_labels["offer"][3] == "leerwerkplek (bijv. BBL)"
        assert meta.column_names_to_labels["work_readiness"] == "werkfitheid stagiair (1-5)"


def test_codebook_variable_names_fit_spss_and_stata():
    for table in v.TABLES:
        assert len(set(table.names)) == len(table.names)
        for name in table.names:
            assert re.fullmatch(r"[a-z][a-z0-9_]{0,31}", name), name


# --- Safe cells ------------------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@x", "\tx", "\rx"]


@pytest.mark.parametrize("value", FORMULAS)
def test_safe_cell_prefixes_formula_starts_with_a_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["", "GM0917", "P-0123456789abcdef", "1-2", "a=b"])
def test_safe_cell_leaves_other_text_alone(value):
    assert safe_cell(value) == value


TEXT_TABLE = v.Table(
    "cells",
    "cellen",
    "cells",
    "A table to test the writers with.",
    (
        v.Variable("text", "tekst", "text", v.VarType.STRING, "Free text.", width=40),
        v.Variable("number", "getal", "number", v.VarType.INTEGER, "A number."),
    ),
)


def test_csv_writer_neutralises_formulas(tmp_path):
    writer = open_writer(format="csv", table=TEXT_TABLE, directory=tmp_path, language="en")
    writer.write_rows([(value, -1) for value in FORMULAS] + [("plain", 2)])
    writer.close()

    with (tmp_path / "cells.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))

    assert rows == [["text", "number"]] + [["'" + value, "-1"] for value in FORMULAS] + [
        ["plain", "2"]
    ]


def test_xlsx_writer_neutralises_formulas(tmp_path):
    writer = open_writer(format="xlsx", table=TEXT_TABLE, directory=tmp_path, language="en")
    writer.write_rows([(value, -1) for value in FORMULAS])
    writer.close()

    sheet = load_workbook(tmp_path / "cells.xlsx").worksheets[0]
    cells = list(sheet.iter_rows(min_row=2))

    # XML reads a carriage return back as a line feed; the quote in front is what matters.
    assert [row[0].value for row in cells] == [
        "'" + value.replace("\r", "\n") for value in FORMULAS
    ]
    assert {row[0].data_type for row in cells} == {"s"}  # text, never a formula ("f")
    assert [row[1].value for row in cells] == [-1] * len(FORMULAS)  # numbers stay numbers


def test_export_build_reports_progress_up_to_100_and_counts_rows(tmp_path):
    _example_with_identifying_details()
    seen: list[int] = []

    counts = build_research_export(
        as_of=AS_OF, format="csv", path=tmp_path / "e.zip", batch_size=2, progress=seen.append
    )

    assert counts == {
        "participants": 5,
        "placements": 5,
        "benefit_periods": 6,
        "progress_reviews": 5,
        "entrepreneurs": 5,
        "guidance_sessions": 5,
        "host_evaluations": 5,
    }
    assert seen[0] == 0
    assert seen[-1] == 100
    assert seen == sorted(set(seen))
    assert len(seen) > 5  # batches of 2 report along the way
    assert not (tmp_path / "e.zip.part").exists()


# --- Every format holds the same values --------------------------------------------------------


def _normalised(value, variable: v.Variable):
    """A cell as read back from any format, as the Python value the row sources give."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if variable.type == VarType.STRING:
        return str(value)
    if variable.type == VarType.DATE:
        if isinstance(value, str):
            return date.fromisoformat(value)
        return value.date() if isinstance(value, datetime) else value
    if variable.type == VarType.NUMBER:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return int(value)  # integers and codes: "3" in CSV, 3.0 in SPSS and Stata


def _rows_in_file(archive, table, format, tmp_path) -> list[tuple]:
    if format in ("csv", "xlsx"):
        records = [tuple(row.values()) for row in _read_table(archive, table, format, tmp_path)]
    else:
        path = tmp_path / f"{table.name}.{format}"
        path.write_bytes(archive.read(path.name))
        frame, _meta = (pyreadstat.read_sav if format == "sav" else pyreadstat.read_dta)(str(path))
        assert list(frame.columns) == table.names
        records = list(frame.itertuples(index=False, name=None))
    return [
        tuple(_normalised(cell, var) for cell, var in zip(row, table.variables, strict=True))
        for row in records
    ]


@pytest.mark.parametrize("format", FORMATS)
def test_every_format_holds_exactly_the_rows_of_the_row_sources(tmp_path, format):
    # CSV's long tables come from PostgreSQL's COPY, the other formats from Python tuples, and
    # SPSS stores missing numbers in its own way: all of them must read back as the same rows.
    _example_with_identifying_details()
    first, second = BenefitPeriod.objects.order_by("pk")[:2]
    BenefitPeriod.objects.filter(pk=first.pk).update(monthly_amount=Decimal("1234.56"))
    BenefitPeriod.objects.filter(pk=second.pk).update(monthly_amount=None)
    scope = ResearchScope(as_of=AS_OF)
    archive = _export(tmp_path, format)

    for table in v.TABLES:
        expected = [
            tuple(_normalised(cell, var) for cell, var in zip(row, table.variables, strict=True))
            for batch in ROW_SOURCES[table.name](scope=scope, pseudonyms=Pseudonymiser())
            for row in batch.rows
        ]
        assert expected, table.name  # the example has rows in every table
        assert _rows_in_file(archive, table, format, tmp_path) == expected, table.name
    amounts = {row[-1] for row in _rows_in_file(archive, v.BENEFIT_PERIODS, format, tmp_path)}
    assert Decimal("1234.56") in amounts
    assert None in amounts  # missing survives every format


def test_csv_lines_end_with_crlf_in_every_table(tmp_path):
    _example_with_identifying_details()
    archive = _export(tmp_path, "csv")

    for table in v.TABLES:
        raw = archive.read(f"{table.name}.csv")
        assert raw.count(b"\r\n") == raw.count(b"\n") > 1, table.name
        assert raw.startswith(",".join(table.names).encode() + b"\r\n")


def test_copy_writes_byte_for_byte_what_the_csv_writer_writes_from_python_rows(tmp_path):
    _example_with_identifying_details()
    first, second = BenefitPeriod.objects.order_by("pk")[:2]
    BenefitPeriod.objects.filter(pk=first.pk).update(monthly_amount=Decimal("1234.50"))
    BenefitPeriod.objects.filter(pk=second.pk).update(monthly_amount=None)
    scope = ResearchScope(as_of=AS_OF)

    for name, long_table in long_tables.LONG_TABLES.items():
        table = v.TABLES_BY_NAME[name]
        copied = tmp_path / f"{name}-copied.csv"
        rows = long_tables.copy_csv(
            long_table, scope=scope, pseudonyms=Pseudonymiser(), path=copied, header=table.names
        )
        writer = open_writer(format="csv", table=table, directory=tmp_path, language="nl")
        for batch in long_tables.batches(long_table, scope=scope, pseudonyms=Pseudonymiser()):
            writer.write_rows(batch.rows)
        writer.close()

        assert rows > 0, name
        assert copied.read_bytes() == (tmp_path / f"{name}.csv").read_bytes(), name
    assert b",1234.50\r\n" in (tmp_path / "benefit_periods.csv").read_bytes()


def test_progress_that_saves_to_the_database_works_while_tables_are_copied(tmp_path):
    # The worker saves each percentage with an UPDATE on the connection that also runs the
    # COPY of the long tables: no progress may be reported while a COPY is still running.
    placement = PlacementFactory(jobseeker=JobseekerFactory(research_consent="yes"))
    BenefitPeriod.objects.bulk_create(
        BenefitPeriod(
            jobseeker=placement.jobseeker,
            municipality=placement.jobseeker.municipality,
            benefit_type="ww",
            start_date=date(2010, 1, 1) + timedelta(days=day),
            end_date=date(2010, 1, 1) + timedelta(days=day),
            end_reason="other",
        )
        for day in range(5000)
    )
    saved: list[int] = []

    def save_progress(percent: int) -> None:
        User.objects.filter(pk=-1).update(full_name=str(percent))  # a write, as the worker's
        saved.append(percent)

    counts = build_research_export(
        as_of=date(2025, 1, 31), format="csv", path=tmp_path / "e.zip", progress=save_progress
    )

    assert counts["benefit_periods"] == 5000
    assert saved[-1] == 100
