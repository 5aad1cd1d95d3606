"""The rules of outflow-metrics.md at their boundaries, against the pure computation.

No database: the rows are written by hand, so each test shows exactly the facts it is about.
"""

import gc
from datetime import date
from decimal import Decimal

import pytest

from reporting.metrics import (
    BenefitPeriodRow,
    Figures,
    JobseekerRow,
    MetricsRows,
    MunicipalityRow,
    ParticipantOutflow,
    PlacementRow,
    metrics_as_json_dict,
    metrics_from_rows,
)

HEERLEN = MunicipalityRow(id=1, code="GM0917", name="Heerlen", planned_places=10)
ZWOLLE = MunicipalityRow(id=2, code="GM0193", name="Zwolle", planned_places=10)
JOBSEEKER = JobseekerRow(id=1, ref="HRL-001", municipality_id=HEERLEN.id)

# The internship most tests use: 8 January to 7 June 2024, so W = 7 June 2025.
S = date(2024, 1, 8)
E = date(2024, 6, 7)
W = date(2025, 6, 7)


def placement(start, end=None, *, status=None, jobseeker=JOBSEEKER):
    if status is None:
        status = "completed" if end else "active"
    return PlacementRow(
        jobseeker_id=jobseeker.id, status=status, actual_start=start, actual_end=end
    )


def period(start, end=None, reason="", *, benefit_type="participatiewet", jobseeker=JOBSEEKER):
    return BenefitPeriodRow(
        jobseeker_id=jobseeker.id,
        start_date=start,
        end_date=end,
        end_reason=reason,
        benefit_type=benefit_type,
    )


def compute(
    *,
    as_of,
    placements=(),
    periods=(),
    jobseekers=(JOBSEEKER,),
    municipalities=(HEERLEN,),
    target_ratio=Decimal("0.5"),
    follow_up_months=12,
    budget=Decimal("100000"),
):
    rows = MetricsRows(
        municipalities=list(municipalities),
        jobseekers=list(jobseekers),
        placements=list(placements),
        benefit_periods=list(periods),
    )
    return metrics_from_rows(
        rows=rows,
        as_of=as_of,
        target_ratio=target_ratio,
        follow_up_months=follow_up_months,
        budget=budget,
    )


ONE_INTERNSHIP = (placement(S, E),)


def only_participant(*, as_of, placements=ONE_INTERNSHIP, periods=(), **kwargs):
    result = compute(as_of=as_of, placements=placements, periods=periods, **kwargs)
    assert len(result.participants) == 1
    return result.participants[0]


def outflow_of(participant: ParticipantOutflow):
    return participant.status, participant.outflow_date, participant.outflow_reason


# --- Window ---------------------------------------------------------------------------------


def test_window_end_is_same_date_one_year_after_internship_end():
    participant = only_participant(as_of=date(2025, 1, 1))

    assert (participant.internship_start, participant.internship_end, participant.window_end) == (
        S,
        E,
        W,
    )


def test_window_end_of_internship_ending_29_february_is_28_february():
    participant = only_participant(
        as_of=date(2025, 3, 1), placements=[placement(date(2023, 11, 1), date(2024, 2, 29))]
    )

    assert participant.window_end == date(2025, 2, 28)


def test_window_end_follows_follow_up_months_setting():
    participant = only_participant(as_of=date(2025, 1, 1), follow_up_months=6)

    assert participant.window_end == date(2024, 12, 7)


def test_outflow_on_window_last_day_counts():
    participant = only_participant(
        as_of=date(2025, 12, 31), periods=[period(date(2020, 1, 1), W, "work")]
    )

    assert outflow_of(participant) == ("outflow", W, "work")


def test_outflow_day_after_window_end_does_not_count():
    participant = only_participant(
        as_of=date(2025, 12, 31), periods=[period(date(2020, 1, 1), date(2025, 6, 8), "work")]
    )

    assert outflow_of(participant) == ("no_outflow", None, None)


def test_outflow_on_29_february_window_last_day_counts_and_1_march_does_not():
    placements = [placement(date(2023, 11, 1), date(2024, 2, 29))]
    on_last_day = only_participant(
        as_of=date(2025, 12, 31),
        placements=placements,
        periods=[period(date(2020, 1, 1), date(2025, 2, 28), "work")],
    )
    day_after = only_participant(
        as_of=date(2025, 12, 31),
        placements=placements,
        periods=[period(date(2020, 1, 1), date(2025, 3, 1), "work")],
    )

    assert outflow_of(on_last_day) == ("outflow", date(2025, 2, 28), "work")
    assert outflow_of(day_after) == ("no_outflow", None, None)


def test_status_open_one_day_before_window_end():
    participant = only_participant(as_of=date(2025, 6, 6), periods=[period(date(2020, 1, 1))])

    assert participant.status == "open"


def test_status_no_outflow_on_window_end():
    participant = only_participant(as_of=W, periods=[period(date(2020, 1, 1))])

    assert participant.status == "no_outflow"


def test_outflow_after_window_end_leaves_status_no_outflow_once_window_closed():
    participant = only_participant(
        as_of=date(2025, 9, 30), periods=[period(date(2020, 1, 1), date(2025, 7, 22), "work")]
    )

    assert (participant.status, participant.outflow_date, participant.sustained) == (
        "no_outflow",
        None,
        None,
    )


# --- Events before, during and after the internship ----------------------------------------


def test_outflow_day_before_internship_start_does_not_count():
    participant = only_participant(
        as_of=date(2025, 12, 31), periods=[period(date(2020, 1, 1), date(2024, 1, 7), "work")]
    )

    assert outflow_of(participant) == ("no_outflow", None, None)


def test_outflow_on_internship_start_counts():
    participant = only_participant(
        as_of=date(2025, 12, 31), periods=[period(date(2020, 1, 1), S, "work")]
    )

    assert outflow_of(participant) == ("outflow", S, "work")


def test_outflow_during_internship_counts():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[period(date(2020, 1, 1), date(2024, 3, 15), "education")],
    )

    assert outflow_of(participant) == ("outflow", date(2024, 3, 15), "education")


def test_outflow_on_internship_last_day_counts():
    participant = only_participant(
        as_of=date(2025, 12, 31), periods=[period(date(2020, 1, 1), E, "other_income")]
    )

    assert outflow_of(participant) == ("outflow", E, "other_income")


def test_outflow_before_internship_does_not_hide_later_outflow_in_window():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2020, 1, 1), date(2023, 12, 31), "work"),
            period(date(2024, 1, 2), date(2024, 9, 30), "self_employment"),
        ],
    )

    assert outflow_of(participant) == ("outflow", date(2024, 9, 30), "self_employment")


def test_earliest_outflow_event_is_the_outflow_date():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2020, 1, 1), date(2024, 7, 31), "work"),
            period(date(2024, 10, 1), date(2025, 3, 31), "education"),
        ],
    )

    assert outflow_of(participant) == ("outflow", date(2024, 7, 31), "work")
    assert participant.sustained is False


# --- End reasons ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "to_work"),
    [("work", 1), ("self_employment", 1), ("education", 0), ("other_income", 0)],
)
def test_counted_end_reason_is_outflow(reason, to_work):
    result = compute(
        as_of=date(2025, 12, 31),
        placements=[placement(S, E)],
        periods=[period(date(2020, 1, 1), date(2024, 8, 1), reason)],
    )

    assert outflow_of(result.participants[0]) == ("outflow", date(2024, 8, 1), reason)
    assert (result.totals.outflow, result.totals.outflow_to_work) == (1, to_work)


@pytest.mark.parametrize("reason", ["moved", "deceased", "other"])
def test_uncounted_end_reason_is_not_outflow(reason):
    participant = only_participant(
        as_of=date(2025, 12, 31), periods=[period(date(2020, 1, 1), date(2024, 8, 1), reason)]
    )

    assert outflow_of(participant) == ("no_outflow", None, None)


# --- "Not on benefits on day e + 1" across benefit types -------------------------------------


def test_ww_ending_in_work_then_participatiewet_next_day_is_no_outflow():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2023, 6, 1), date(2024, 5, 31), "work", benefit_type="ww"),
            period(date(2024, 6, 1)),
        ],
    )

    assert outflow_of(participant) == ("no_outflow", None, None)


def test_overlapping_period_of_other_type_covering_next_day_is_no_outflow():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2020, 1, 1), date(2024, 8, 1), "work"),
            period(date(2022, 1, 1), date(2024, 8, 2), "moved", benefit_type="wia"),
        ],
    )

    assert outflow_of(participant) == ("no_outflow", None, None)


def test_overlapping_period_ending_same_day_does_not_block_outflow():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2020, 1, 1), date(2024, 8, 1), "work"),
            period(date(2022, 1, 1), date(2024, 8, 1), "other", benefit_type="wia"),
        ],
    )

    assert outflow_of(participant) == ("outflow", date(2024, 8, 1), "work")


def test_later_end_of_overlapping_period_is_the_outflow():
    # Participatiewet ends in work but WW runs on; leaving WW a month later leaves benefits.
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2020, 1, 1), date(2024, 8, 1), "work"),
            period(date(2024, 3, 1), date(2024, 9, 1), "education", benefit_type="ww"),
        ],
    )

    assert outflow_of(participant) == ("outflow", date(2024, 9, 1), "education")


def test_two_counted_ends_on_one_day_take_the_earlier_started_period():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2022, 1, 1), date(2024, 8, 1), "education", benefit_type="wia"),
            period(date(2020, 1, 1), date(2024, 8, 1), "work"),
        ],
    )

    assert outflow_of(participant) == ("outflow", date(2024, 8, 1), "work")


def test_new_period_two_days_after_end_keeps_the_outflow():
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[period(date(2020, 1, 1), date(2024, 8, 1), "work"), period(date(2024, 8, 3))],
    )

    assert outflow_of(participant) == ("outflow", date(2024, 8, 1), "work")
    assert participant.sustained is False


# --- Sustained ------------------------------------------------------------------------------

OUTFLOW = date(2024, 8, 31)
SIX_MONTHS_LATER = date(2025, 2, 28)  # 31 August + 6 months, clamped to the month's end


def sustained(*, as_of, return_on=None):
    periods = [period(date(2020, 1, 1), OUTFLOW, "work")]
    if return_on is not None:
        periods.append(period(return_on, benefit_type="ww"))
    participant = only_participant(as_of=as_of, periods=periods)
    assert participant.outflow_date == OUTFLOW
    return participant.sustained


def test_sustained_false_when_benefits_resume_exactly_six_months_after_outflow():
    assert sustained(as_of=date(2025, 12, 31), return_on=SIX_MONTHS_LATER) is False


def test_sustained_true_when_benefits_resume_one_day_after_six_months():
    assert sustained(as_of=date(2025, 12, 31), return_on=date(2025, 3, 1)) is True


def test_sustained_false_when_benefits_resume_two_days_after_outflow():
    assert sustained(as_of=date(2025, 12, 31), return_on=date(2024, 9, 2)) is False


def test_sustained_true_on_the_day_six_months_after_outflow():
    assert sustained(as_of=SIX_MONTHS_LATER) is True


def test_sustained_unknown_one_day_before_six_months_after_outflow():
    assert sustained(as_of=date(2025, 2, 27)) is None


def test_sustained_ignores_return_dated_after_as_of():
    # As of 27 February the return on 28 February has not happened yet.
    assert sustained(as_of=date(2025, 2, 27), return_on=SIX_MONTHS_LATER) is None


def test_sustained_ignores_period_starting_on_the_outflow_date():
    # A one-day WW period on the outflow date itself is not a return: the window opens after it.
    participant = only_participant(
        as_of=date(2025, 12, 31),
        periods=[
            period(date(2020, 1, 1), OUTFLOW, "work"),
            period(OUTFLOW, OUTFLOW, "other", benefit_type="ww"),
        ],
    )

    assert (participant.outflow_date, participant.sustained) == (OUTFLOW, True)


def test_sustained_false_as_soon_as_return_is_on_or_before_as_of():
    assert sustained(as_of=date(2024, 10, 1), return_on=date(2024, 10, 1)) is False


def test_sustained_figure_counts_only_sustained_true():
    second = JobseekerRow(id=2, ref="HRL-002", municipality_id=HEERLEN.id)
    third = JobseekerRow(id=3, ref="HRL-003", municipality_id=HEERLEN.id)
    result = compute(
        as_of=date(2025, 1, 31),
        jobseekers=[JOBSEEKER, second, third],
        placements=[placement(S, E, jobseeker=js) for js in (JOBSEEKER, second, third)],
        periods=[
            period(date(2020, 1, 1), date(2024, 3, 1), "work"),  # sustained true
            period(date(2020, 1, 1), date(2024, 3, 1), "work", jobseeker=second),
            period(date(2024, 5, 1), jobseeker=second),  # back on benefits: false
            period(date(2020, 1, 1), date(2024, 12, 1), "work", jobseeker=third),  # not yet known
        ],
    )

    assert [p.sustained for p in result.participants] == [True, False, None]
    assert (result.totals.outflow, result.totals.sustained_outflow) == (3, 1)


# --- Facts as of A --------------------------------------------------------------------------


def test_placement_starting_after_as_of_is_not_a_participant():
    result = compute(as_of=date(2024, 1, 7), placements=[placement(S, E)])

    assert (result.participants, result.totals.participants) == ([], 0)


def test_placement_starting_on_as_of_makes_a_participant():
    participant = only_participant(as_of=S, placements=[placement(S, E)])

    assert (participant.status, participant.internship_end, participant.window_end) == (
        "open",
        None,
        None,
    )


def test_placement_ending_after_as_of_is_still_running():
    participant = only_participant(as_of=date(2024, 6, 6))

    assert (participant.internship_end, participant.window_end, participant.status) == (
        None,
        None,
        "open",
    )


def test_internship_still_running_counts_outflow_during_it():
    participant = only_participant(
        as_of=date(2024, 12, 31),
        placements=[placement(date(2024, 9, 2))],
        periods=[period(date(2020, 1, 1), date(2024, 10, 31), "work")],
    )

    assert participant == ParticipantOutflow(
        ref="HRL-001",
        municipality_code="GM0917",
        status="outflow",
        internship_start=date(2024, 9, 2),
        internship_end=None,
        window_end=None,
        outflow_date=date(2024, 10, 31),
        outflow_reason="work",
        sustained=None,
    )


def test_internship_still_running_without_outflow_is_open_whatever_the_date():
    participant = only_participant(
        as_of=date(2030, 1, 1), placements=[placement(date(2024, 9, 2))], periods=[]
    )

    assert (participant.status, participant.window_end) == ("open", None)


def test_benefit_end_after_as_of_is_not_an_end():
    participant = only_participant(
        as_of=date(2024, 7, 31), periods=[period(date(2020, 1, 1), date(2024, 8, 1), "work")]
    )

    assert outflow_of(participant) == ("open", None, None)


def test_benefit_end_on_as_of_counts():
    participant = only_participant(
        as_of=date(2024, 8, 1), periods=[period(date(2020, 1, 1), date(2024, 8, 1), "work")]
    )

    assert outflow_of(participant) == ("outflow", date(2024, 8, 1), "work")


def test_period_ending_after_as_of_still_covers_the_next_day():
    # WW ended in work on 1 August, Participatiewet (ending later, after A) covers 2 August.
    participant = only_participant(
        as_of=date(2024, 9, 30),
        periods=[
            period(date(2023, 6, 1), date(2024, 8, 1), "work", benefit_type="ww"),
            period(date(2024, 1, 1), date(2024, 10, 31), "work"),
        ],
    )

    assert outflow_of(participant) == ("open", None, None)


def test_benefit_period_starting_after_as_of_does_not_exist_yet():
    periods = [
        period(date(2023, 6, 1), date(2024, 8, 1), "work", benefit_type="ww"),
        period(date(2024, 8, 2)),
    ]

    on_the_day = only_participant(as_of=date(2024, 8, 1), periods=periods)
    next_day = only_participant(as_of=date(2024, 8, 2), periods=periods)

    assert outflow_of(on_the_day) == ("outflow", date(2024, 8, 1), "work")
    assert outflow_of(next_day) == ("open", None, None)


# --- Placements that make (or do not make) a participant -----------------------------------


def test_two_placements_start_at_earliest_and_end_at_latest_end():
    participant = only_participant(
        as_of=date(2025, 1, 1),
        placements=[
            placement(date(2024, 5, 1), date(2024, 9, 30)),
            placement(date(2024, 1, 8), date(2024, 3, 1), status="terminated"),
        ],
    )

    assert (participant.internship_start, participant.internship_end, participant.window_end) == (
        date(2024, 1, 8),
        date(2024, 9, 30),
        date(2025, 9, 30),
    )


def test_two_placements_end_unknown_while_one_still_runs():
    participant = only_participant(
        as_of=date(2025, 1, 1),
        placements=[
            placement(date(2024, 1, 8), date(2024, 3, 1), status="terminated"),
            placement(date(2024, 11, 1)),
        ],
    )

    assert (participant.internship_start, participant.internship_end, participant.window_end) == (
        date(2024, 1, 8),
        None,
        None,
    )


def test_two_placements_end_unknown_while_later_one_ends_after_as_of():
    participant = only_participant(
        as_of=date(2024, 7, 31),
        placements=[
            placement(date(2024, 1, 8), date(2024, 3, 1), status="terminated"),
            placement(date(2024, 4, 1), date(2024, 8, 1)),
        ],
    )

    assert (participant.internship_end, participant.window_end, participant.status) == (
        None,
        None,
        "open",
    )


def test_second_placement_starting_after_as_of_is_ignored():
    participant = only_participant(
        as_of=date(2024, 7, 1),
        placements=[
            placement(date(2024, 1, 8), date(2024, 3, 1), status="terminated"),
            placement(date(2024, 7, 2), date(2024, 11, 1)),
        ],
    )

    assert (participant.internship_end, participant.window_end) == (
        date(2024, 3, 1),
        date(2025, 3, 1),
    )


def test_cancelled_placement_only_is_not_a_participant():
    result = compute(
        as_of=date(2025, 1, 1),
        placements=[placement(None, status="cancelled"), placement(None, status="agreed")],
    )

    assert (result.participants, result.totals.participants) == ([], 0)


def test_cancelled_placement_with_dates_is_not_a_participant():
    # The database forbids dates on a cancelled placement; the rule does not rely on that.
    result = compute(as_of=date(2025, 1, 1), placements=[placement(S, E, status="cancelled")])

    assert result.participants == []


def test_cancelled_placement_beside_a_started_one_does_not_change_the_dates():
    participant = only_participant(
        as_of=date(2025, 1, 1),
        placements=[placement(None, status="cancelled"), placement(S, E)],
    )

    assert (participant.internship_start, participant.internship_end) == (S, E)


# --- Figures per municipality and in total --------------------------------------------------


def test_municipality_without_participants_appears_with_zeros():
    result = compute(
        as_of=date(2025, 1, 1), municipalities=[HEERLEN, ZWOLLE], placements=[placement(S, E)]
    )

    assert [(m.code, m.name, m.figures) for m in result.municipalities] == [
        ("GM0193", "Zwolle", Figures(10, Decimal("5.0"), 0, 0, 0, 0, 0, 0)),
        ("GM0917", "Heerlen", Figures(10, Decimal("5.0"), 1, 0, 0, 0, 1, 0)),
    ]
    assert result.totals == Figures(20, Decimal("10.0"), 1, 0, 0, 0, 1, 0)


def test_no_municipalities_gives_zero_totals():
    result = compute(as_of=date(2025, 1, 1), municipalities=[], jobseekers=[])

    assert (result.municipalities, result.totals) == (
        [],
        Figures(0, Decimal("0"), 0, 0, 0, 0, 0, 0),
    )


def test_participant_belongs_to_jobseekers_municipality_and_lists_are_sorted():
    zwolle_jobseeker = JobseekerRow(id=2, ref="ZWL-001", municipality_id=ZWOLLE.id)
    early = JobseekerRow(id=3, ref="AAA-001", municipality_id=HEERLEN.id)
    result = compute(
        as_of=date(2025, 1, 1),
        municipalities=[HEERLEN, ZWOLLE],
        jobseekers=[JOBSEEKER, zwolle_jobseeker, early],
        placements=[placement(S, E, jobseeker=js) for js in (zwolle_jobseeker, JOBSEEKER, early)],
    )

    assert [(p.ref, p.municipality_code) for p in result.participants] == [
        ("AAA-001", "GM0917"),
        ("HRL-001", "GM0917"),
        ("ZWL-001", "GM0193"),
    ]
    assert [(m.code, m.figures.participants) for m in result.municipalities] == [
        ("GM0193", 1),
        ("GM0917", 2),
    ]


def test_rows_of_jobseekers_outside_the_given_municipalities_are_ignored():
    stranger = JobseekerRow(id=9, ref="ZWL-009", municipality_id=ZWOLLE.id)
    result = compute(
        as_of=date(2025, 1, 1),
        municipalities=[HEERLEN],
        jobseekers=[JOBSEEKER, stranger],
        placements=[placement(S, E), placement(S, E, jobseeker=stranger)],
    )

    assert [p.ref for p in result.participants] == ["HRL-001"]
    assert result.totals.participants == 1


def test_target_outflow_is_planned_places_times_target_ratio():
    big = MunicipalityRow(id=3, code="GM0363", name="Amsterdam", planned_places=25)
    result = compute(
        as_of=date(2025, 1, 1),
        municipalities=[HEERLEN, big],
        jobseekers=[],
        target_ratio=Decimal("0.4"),
    )

    assert [m.figures.target_outflow for m in result.municipalities] == [
        Decimal("10.0"),
        Decimal("4.0"),
    ]
    assert result.totals.target_outflow == Decimal("14.0")


def test_status_counts_add_up_per_municipality():
    jobseekers = [
        JobseekerRow(id=i, ref=f"HRL-{i:03d}", municipality_id=HEERLEN.id) for i in (1, 2, 3)
    ]
    result = compute(
        as_of=date(2025, 9, 30),
        jobseekers=jobseekers,
        placements=[
            placement(S, E, jobseeker=jobseekers[0]),
            placement(S, E, jobseeker=jobseekers[1]),
            placement(date(2025, 6, 2), jobseeker=jobseekers[2]),
        ],
        periods=[
            period(date(2020, 1, 1), date(2024, 8, 1), "education", jobseeker=jobseekers[0]),
            period(date(2020, 1, 1), jobseeker=jobseekers[1]),
        ],
    )

    assert [p.status for p in result.participants] == ["outflow", "no_outflow", "open"]
    assert result.municipalities[0].figures == Figures(10, Decimal("5.0"), 3, 1, 0, 1, 1, 1)


# --- JSON -----------------------------------------------------------------------------------


def test_json_dict_has_documented_keys_order_and_types():
    result = compute(
        as_of=date(2025, 1, 31),
        placements=[placement(S, E)],
        periods=[period(date(2020, 1, 1), date(2024, 5, 31), "work")],
    )

    data = metrics_as_json_dict(result)

    assert data == {
        "as_of": "2025-01-31",
        "target_ratio": 0.5,
        "totals": {
            "planned_places": 10,
            "target_outflow": 5.0,
            "participants": 1,
            "outflow": 1,
            "outflow_to_work": 1,
            "sustained_outflow": 1,
            "open": 0,
            "no_outflow": 0,
        },
        "municipalities": [
            {
                "code": "GM0917",
                "name": "Heerlen",
                "planned_places": 10,
                "target_outflow": 5.0,
                "participants": 1,
                "outflow": 1,
                "outflow_to_work": 1,
                "sustained_outflow": 1,
                "open": 0,
                "no_outflow": 0,
            }
        ],
        "participants": [
            {
                "ref": "HRL-001",
                "municipality_code": "GM0917",
                "status": "outflow",
                "internship_start": "2024-01-08",
                "internship_end": "2024-06-07",
                "window_end": "2025-06-07",
                "outflow_date": "2024-05-31",
                "outflow_reason": "work",
                "sustained": True,
            }
        ],
    }
    assert list(data) == ["as_of", "target_ratio", "totals", "municipalities", "participants"]
    assert list(data["totals"]) == [
        "planned_places",
        "target_outflow",
        "participants",
        "outflow",
        "outflow_to_work",
        "sustained_outflow",
        "open",
        "no_outflow",
    ]
    assert list(data["municipalities"][0])[:2] == ["code", "name"]
    assert list(data["municipalities"][0])[2:] == list(data["totals"])
    assert list(data["participants"][0]) == [
        "ref",
        "municipality_code",
        "status",
        "internship_start",
        "internship_end",
        "window_end",
        "outflow_date",
        "outflow_reason",
        "sustained",
    ]
    assert type(data["target_ratio"]) is float
    assert type(data["totals"]["target_outflow"]) is float


def test_json_dict_writes_unknown_dates_and_outcomes_as_null():
    result = compute(as_of=date(2024, 3, 1), placements=[placement(S)])

    assert metrics_as_json_dict(result)["participants"] == [
        {
            "ref": "HRL-001",
            "municipality_code": "GM0917",
            "status": "open",
            "internship_start": "2024-01-08",
            "internship_end": None,
            "window_end": None,
            "outflow_date": None,
            "outflow_reason": None,
            "sustained": None,
        }
    ]


# --- The cyclic garbage collector, paused for speed, comes back as it was -------------------


def test_computation_switches_garbage_collector_back_on():
    compute(as_of=date(2025, 1, 1), placements=[placement(S, E)])

    assert gc.isenabled() is True


def test_computation_switches_garbage_collector_back_on_after_an_error():
    with pytest.raises(ValueError):
        compute(as_of=date(2025, 1, 1), placements=[("not", "a", "placement")])

    assert gc.isenabled() is True


def test_computation_leaves_a_paused_garbage_collector_paused():
    gc.disable()
    try:
        compute(as_of=date(2025, 1, 1), placements=[placement(S, E)])
        enabled_after = gc.isenabled()
    finally:
        gc.enable()

    assert enabled_after is False
