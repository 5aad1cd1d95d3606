"""What goes into a research export: who, which facts, and the same figures as pilot_metrics."""

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DataError

from coaching.models import GuidanceSession
from kernel.dates import add_months
from placements.models import BenefitPeriod, Jobseeker, Placement
from reporting.exports import variables as v
from reporting.exports.pseudonyms import Pseudonymiser
from reporting.exports.rows import (
    ROW_SOURCES,
    ResearchScope,
    all_municipalities_research_participants,
    whole_months,
)
from reporting.exports.rows import benefit_at_start as _benefit_at_start
from reporting.metrics import metrics_as_json_dict, period_as_of
from reporting.selectors import compute_metrics
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    GuidanceSessionFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    PlacementFactory,
    ProgressReviewFactory,
)

pytestmark = pytest.mark.django_db

PILOT_SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "pilot-small"
# The per-participant keys of the metrics JSON, except the ref (the export has a pseudonym).
FIGURES = (
    "municipality_code",
    "status",
    "internship_start",
    "internship_end",
    "window_end",
    "outflow_date",
    "outflow_reason",
    "sustained",
)


def _import_example() -> None:
    call_command("import_pilot_data", PILOT_SMALL, stdout=StringIO())


def _table(name: str, as_of: date, batch_size: int = 2000) -> list[dict]:
    scope = ResearchScope(as_of=as_of, batch_size=batch_size)
    names = v.TABLES_BY_NAME[name].names
    return [
        dict(zip(names, row, strict=True))
        for batch in ROW_SOURCES[name](scope=scope, pseudonyms=Pseudonymiser())
        for row in batch.rows
    ]


def _pseudonym_of_ref(ref: str) -> str:
    return Pseudonymiser().participant(Jobseeker.objects.get(ref=ref).pk)


def _decode(value_set: v.ValueSet, code: int | None) -> str | None:
    if code is None:
        return None
    return next(label.value for label in value_set.labels if label.code == code)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- Who is in it ----------------------------------------------------------------------------


def test_research_participants_consent_yes_only_on_the_example():
    _import_example()

    rows = _table("participants", date(2025, 9, 30))

    # HRL-003 and ZWL-003 said no; HRL-004 (unknown) never started an internship.
    assert {row["participant_id"] for row in rows} == {
        _pseudonym_of_ref(ref) for ref in ("HRL-001", "HRL-002", "ZWL-001", "ZWL-002", "ZWL-004")
    }


def test_research_tables_exclude_no_and_unknown_consent_everywhere():
    kept = PlacementFactory(jobseeker=JobseekerFactory(research_consent="yes"))
    refused = PlacementFactory(jobseeker=JobseekerFactory(research_consent="no"))
    unknown = PlacementFactory(jobseeker=JobseekerFactory(research_consent="unknown"))
    for placement in (kept, refused, unknown):
        BenefitPeriodFactory(jobseeker=placement.jobseeker)
        ProgressReviewFactory(placement=placement)
        GuidanceSessionFactory(entrepreneur=placement.entrepreneur)
    pseudonyms = Pseudonymiser()
    as_of = date(2025, 1, 31)

    assert [row["participant_id"] for row in _table("participants", as_of)] == [
        pseudonyms.participant(kept.jobseeker_id)
    ]
    assert [row["placement_id"] for row in _table("placements", as_of)] == [
        pseudonyms.placement(kept.pk)
    ]
    assert [row["participant_id"] for row in _table("benefit_periods", as_of)] == [
        pseudonyms.participant(kept.jobseeker_id)
    ]
    assert [row["placement_id"] for row in _table("progress_reviews", as_of)] == [
        pseudonyms.placement(kept.pk)
    ]
    assert [row["entrepreneur_id"] for row in _table("entrepreneurs", as_of)] == [
        pseudonyms.entrepreneur(kept.entrepreneur_id)
    ]
    assert [row["entrepreneur_id"] for row in _table("guidance_sessions", as_of)] == [
        pseudonyms.entrepreneur(kept.entrepreneur_id)
    ]


def test_research_participants_exclude_internships_not_started_as_of_the_date():
    PlacementFactory(actual_start=date(2024, 1, 8))

    assert _table("participants", date(2024, 1, 7)) == []
    assert len(_table("participants", date(2024, 1, 8))) == 1


# --- The figures -----------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [date(2024, 12, 31), date(2025, 9, 30)])
def test_research_participant_figures_equal_pilot_metrics_on_the_example(as_of):
    _import_example()
    expected = {
        _pseudonym_of_ref(p["ref"]): p
        for p in metrics_as_json_dict(compute_metrics(as_of=as_of))["participants"]
    }
    # The stored expectation of the example agrees with the same computation.
    stored = json.loads(
        (PILOT_SMALL.parent / f"pilot-small.expected.{as_of}.json").read_text(encoding="utf-8")
    )
    assert (
        stored["participants"] == metrics_as_json_dict(compute_metrics(as_of=as_of))["participants"]
    )

    # A batch of 2 splits the participants over three batches: the figures do not change.
    rows = _table("participants", as_of, batch_size=2)

    assert len(rows) == 5
    for row in rows:
        figures = expected[row["participant_id"]]
        assert {
            "municipality_code": row["municipality_code"],
            "status": _decode(v.OUTFLOW_STATUS, row["status"]),
            "internship_start": _iso(row["internship_start"]),
            "internship_end": _iso(row["internship_end"]),
            "window_end": _iso(row["window_end"]),
            "outflow_date": _iso(row["outflow_date"]),
            "outflow_reason": _decode(v.BENEFIT_END_REASON, row["outflow_reason"]),
            "sustained": None if row["sustained"] is None else row["sustained"] == 1,
        } == {key: figures[key] for key in FIGURES}


def test_research_participant_row_of_the_example_in_full():
    _import_example()

    rows = {row["participant_id"]: row for row in _table("participants", date(2025, 9, 30))}

    # ZWL-002: Participatiewet since 2018-05-01, internship 2024-02-12 to 2024-04-30
    # (terminated, illness), left benefits for self-employment on 2024-10-15.
    assert rows[_pseudonym_of_ref("ZWL-002")] == {
        "participant_id": _pseudonym_of_ref("ZWL-002"),
        "municipality_code": "GM0193",
        "birth_year": 1984,
        "benefit_type_start": v.BENEFIT_TYPE.code("participatiewet"),
        "benefit_months_start": 69,
        "internship_start": date(2024, 2, 12),
        "internship_end": date(2024, 4, 30),
        "placements_started": 1,
        "last_placement_status": v.PLACEMENT_STATUS.code("terminated"),
        "last_placement_end_reason": v.PLACEMENT_END_REASON.code("illness"),
        "status": v.OUTFLOW_STATUS.code("outflow"),
        "outflow_date": date(2024, 10, 15),
        "outflow_reason": v.BENEFIT_END_REASON.code("self_employment"),
        "outflow_to_work": 1,
        "sustained": 0,
        "window_end": date(2025, 4, 30),
        # Back on benefits from 2025-01-06: 2024-10-16 to 2025-01-05 off, 82 days.
        "days_off_benefits": 82,
        "savings_monthly_amount": Decimal("1285.40"),
        "savings": Decimal("3465.30"),
    }


@pytest.mark.parametrize("as_of", [date(2024, 12, 31), date(2025, 9, 30)])
def test_research_participant_savings_equal_pilot_savings_on_the_example(as_of):
    _import_example()
    expected = json.loads(
        (PILOT_SMALL.parent / f"pilot-small.savings.{as_of}.json").read_text(encoding="utf-8")
    )

    rows = _table("participants", as_of, batch_size=2)

    # Every consenting outflow participant of the example is in the spec's list, with its figures.
    with_savings = {
        row["participant_id"]: (
            row["days_off_benefits"],
            str(row["savings_monthly_amount"]),
            str(row["savings"]),
        )
        for row in rows
        if row["status"] == v.OUTFLOW_STATUS.code("outflow")
    }
    assert with_savings == {
        _pseudonym_of_ref(p["ref"]): (p["days_off_benefits"], p["monthly_amount"], p["savings"])
        for p in expected["participants"]
    }
    assert all(
        (row["days_off_benefits"], row["savings_monthly_amount"], row["savings"])
        == (None, None, None)
        for row in rows
        if row["participant_id"] not in with_savings
    )


def test_research_participant_last_placement_running_as_of_the_date_is_active():
    placement = PlacementFactory(actual_start=date(2024, 1, 8), actual_end=date(2024, 6, 7))

    (row,) = _table("participants", date(2024, 3, 1))

    assert row["last_placement_status"] == v.PLACEMENT_STATUS.code("active")
    assert row["last_placement_end_reason"] is None
    assert row["internship_end"] is None
    (long_row,) = _table("placements", date(2024, 3, 1))
    assert long_row["placement_id"] == Pseudonymiser().placement(placement.pk)
    assert long_row["status"] == v.PLACEMENT_STATUS.code("active")
    assert long_row["actual_end"] is None


# --- Months on benefits at internship start --------------------------------------------------


def benefit_at_start(*, periods, internship_start, as_of):
    # Periods as (start, end, type), seen as of A the way the outflow rules see them.
    return _benefit_at_start(
        [
            period_as_of(start, end, "other" if end else "", benefit_type, as_of)
            for start, end, benefit_type in periods
            if start <= as_of
        ],
        internship_start,
    )


def test_benefit_at_start_counts_whole_months_of_the_running_period():
    assert benefit_at_start(
        periods=[(date(2024, 3, 15), None, "ww")],
        internship_start=date(2024, 4, 14),
        as_of=date(2025, 1, 1),
    ) == ("ww", 0)
    assert benefit_at_start(
        periods=[(date(2024, 3, 15), None, "ww")],
        internship_start=date(2024, 4, 15),
        as_of=date(2025, 1, 1),
    ) == ("ww", 1)


def test_benefit_at_start_joins_periods_without_a_day_off_benefits():
    periods = [
        (date(2020, 1, 1), date(2021, 6, 30), "ww"),
        (date(2021, 7, 1), None, "participatiewet"),  # the next day: one spell
    ]

    assert benefit_at_start(
        periods=periods, internship_start=date(2024, 1, 1), as_of=date(2025, 1, 1)
    ) == ("participatiewet", 48)


def test_benefit_at_start_a_gap_day_starts_a_new_spell():
    periods = [
        (date(2020, 1, 1), date(2021, 6, 29), "ww"),
        (date(2021, 7, 1), None, "participatiewet"),  # 30 June off benefits
    ]

    assert benefit_at_start(
        periods=periods, internship_start=date(2024, 1, 1), as_of=date(2025, 1, 1)
    ) == ("participatiewet", 30)


def test_benefit_at_start_missing_without_a_period_on_that_day():
    assert benefit_at_start(
        periods=[(date(2020, 1, 1), date(2023, 12, 31), "ww")],
        internship_start=date(2024, 1, 1),
        as_of=date(2025, 1, 1),
    ) == (None, None)


def test_benefit_at_start_an_end_after_the_export_date_has_not_happened():
    # Ended on 31 December 2023 in the data, but as of 2023-06-30 it was running: the
    # internship start is irrelevant here, only what existed on A counts.
    assert benefit_at_start(
        periods=[(date(2020, 1, 1), date(2023, 12, 31), "ww")],
        internship_start=date(2023, 6, 1),
        as_of=date(2023, 6, 30),
    ) == ("ww", 41)


def test_benefit_at_start_two_periods_on_the_day_take_the_earliest():
    periods = [
        (date(2022, 1, 1), None, "wia"),
        (date(2021, 1, 1), None, "ww"),
    ]

    assert benefit_at_start(
        periods=periods, internship_start=date(2024, 1, 1), as_of=date(2025, 1, 1)
    ) == ("ww", 36)


# --- Long tables as of the date --------------------------------------------------------------


def test_research_benefit_periods_as_of_the_date():
    placement = PlacementFactory()
    BenefitPeriodFactory(
        jobseeker=placement.jobseeker,
        start_date=date(2020, 1, 1),
        end_date=date(2024, 5, 31),
        end_reason="work",
        monthly_amount=Decimal("1285.40"),
    )
    BenefitPeriodFactory(jobseeker=placement.jobseeker, start_date=date(2024, 9, 1))

    rows = _table("benefit_periods", date(2024, 5, 30))

    # The end lies after A: running then, no reason yet. The later period does not exist yet.
    assert rows == [
        {
            "participant_id": Pseudonymiser().participant(placement.jobseeker_id),
            "benefit_type": v.BENEFIT_TYPE.code("participatiewet"),
            "start_date": date(2020, 1, 1),
            "end_date": None,
            "end_reason": None,
            "monthly_amount": Decimal("1285.40"),
        }
    ]


def test_research_reviews_and_sessions_dates_only_and_as_of_the_date():
    placement = PlacementFactory()
    ProgressReviewFactory(placement=placement, held_on=date(2024, 2, 8))
    ProgressReviewFactory(placement=placement, held_on=date(2024, 3, 8))
    GuidanceSessionFactory(
        entrepreneur=placement.entrepreneur,
        held_on=date(2024, 2, 1),
        minutes=45,
        mode="video",
        topics=["onboarding", "hiring"],
    )
    GuidanceSessionFactory(entrepreneur=placement.entrepreneur, held_on=date(2024, 3, 1))
    pseudonyms = Pseudonymiser()
    as_of = date(2024, 2, 29)

    assert _table("progress_reviews", as_of) == [
        {
            "placement_id": pseudonyms.placement(placement.pk),
            "participant_id": pseudonyms.participant(placement.jobseeker_id),
            "held_on": date(2024, 2, 8),
            "next_review_on": None,
        }
    ]
    (session,) = _table("guidance_sessions", as_of)
    assert session == {
        "entrepreneur_id": pseudonyms.entrepreneur(placement.entrepreneur_id),
        "held_on": date(2024, 2, 1),
        "minutes": 45,
        "mode": v.SESSION_MODE.code("video"),
        **{f"topic_{topic}": int(topic in {"onboarding", "hiring"}) for topic in v.TOPICS},
    }
    assert _table("entrepreneurs", as_of) == [
        {
            "entrepreneur_id": pseudonyms.entrepreneur(placement.entrepreneur_id),
            "municipality_code": placement.entrepreneur.municipality.code,
            "prior_support": v.PRIOR_SUPPORT.code("bbz_start"),
            "guidance_sessions": 1,
            "guidance_minutes": 45,
        }
    ]


def test_research_entrepreneurs_only_those_of_exported_internships():
    PlacementFactory()
    EntrepreneurFactory()  # hosts nobody

    assert len(_table("entrepreneurs", date(2025, 1, 1))) == 1


def test_research_participants_stream_in_batches():
    for _ in range(5):
        PlacementFactory()
    scope = ResearchScope(as_of=date(2025, 1, 1), batch_size=2)

    batches = list(
        all_municipalities_research_participants(scope=scope, pseudonyms=Pseudonymiser())
    )

    assert [len(batch.rows) for batch in batches] == [2, 2, 1]
    assert [batch.done for batch in batches] == sorted(batch.done for batch in batches)
    assert batches[-1].done == 1.0


@pytest.mark.parametrize(
    "start",
    [date(2023, 1, 31), date(2023, 3, 31), date(2024, 2, 29), date(2023, 5, 15), date(2023, 12, 1)],
)
def test_whole_months_agrees_with_add_months(start):
    for offset in range(0, 800, 1):
        end = start + timedelta(days=offset)
        n = whole_months(start, end)
        assert add_months(start, n) <= end < add_months(start, n + 1), (start, end, n)


@pytest.mark.parametrize("name", ["placements", "benefit_periods", "guidance_sessions"])
def test_a_value_the_codebook_does_not_know_fails_the_table_rather_than_going_missing(name):
    # Written around the model's choices (an old value, a hand-made fix in the database).
    placement = PlacementFactory()
    BenefitPeriodFactory(jobseeker=placement.jobseeker)
    GuidanceSessionFactory(entrepreneur=placement.entrepreneur)
    if name == "placements":
        Placement.objects.filter(pk=placement.pk).update(status="terminated", end_reason="left")
    elif name == "benefit_periods":
        BenefitPeriod.objects.update(benefit_type="bijstand-oud")
    else:
        GuidanceSession.objects.update(mode="carrier-pigeon")

    with pytest.raises(DataError, match="invalid input syntax for type integer"):
        _table(name, date(2025, 1, 31))


def test_research_host_evaluations_only_of_consented_participants_and_on_or_before_a():
    evaluated = HostEvaluationFactory(evaluated_on=date(2024, 6, 10), offer="contract")
    HostEvaluationFactory(
        placement=PlacementFactory(jobseeker=JobseekerFactory(research_consent="no"))
    )
    HostEvaluationFactory(evaluated_on=date(2024, 7, 1))  # after A
    pseudonyms = Pseudonymiser()

    rows = _table("host_evaluations", date(2024, 6, 30))

    assert [(r["placement_id"], r["offer"], r["helped_jobcoach"]) for r in rows] == [
        (pseudonyms.placement(evaluated.placement_id), v.EVALUATION_OFFER.code("contract"), 1)
    ]
    assert "remark" not in rows[0]


def test_research_host_evaluation_of_an_internship_running_as_of_a_is_left_out():
    HostEvaluationFactory(evaluated_on=date(2024, 6, 1))  # the internship ends 2024-06-07

    assert _table("host_evaluations", date(2024, 6, 5)) == []
    assert len(_table("host_evaluations", date(2024, 6, 7))) == 1
