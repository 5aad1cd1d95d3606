"""The rules of benefit-savings.md at their boundaries, against the pure computation.

No database: the rows are written by hand (the helpers of test_metrics_rules), so each test
shows exactly the facts it is about. Expected amounts are monthly x 12 / 365 x days, worked out
by hand and rounded half up to cents.
"""

from datetime import date
from decimal import Decimal

from reporting.metrics import BenefitPeriodRow
from reporting.savings import savings_as_json_dict, savings_curve
from tests.reporting.test_metrics_rules import (
    HEERLEN,
    JOBSEEKER,
    ZWOLLE,
    JobseekerRow,
    compute,
    placement,
)

# Internship 8 January to 7 June 2024; the benefit ends on 30 June 2024 with work.
INTERNSHIP = (placement(date(2024, 1, 8), date(2024, 6, 7)),)
OUTFLOW = date(2024, 6, 30)


def period(start, end=None, reason="", amount="1200.00", *, benefit_type="participatiewet"):
    return BenefitPeriodRow(
        jobseeker_id=JOBSEEKER.id,
        start_date=start,
        end_date=end,
        end_reason=reason,
        benefit_type=benefit_type,
        monthly_amount=Decimal(amount) if amount is not None else None,
    )


ENDS_WITH_WORK = period(date(2020, 1, 1), OUTFLOW, "work")


def savings_json(*, as_of, periods, placements=INTERNSHIP, **kwargs):
    result = compute(as_of=as_of, placements=placements, periods=periods, **kwargs)
    return savings_as_json_dict(result.savings)


def only_participant(**kwargs):
    output = savings_json(**kwargs)
    assert len(output["participants"]) == 1
    return output["participants"][0]


def test_savings_count_every_day_after_the_outflow_up_to_as_of():
    # 1 July to 31 December 2024: 184 days.
    assert only_participant(as_of=date(2024, 12, 31), periods=[ENDS_WITH_WORK]) == {
        "ref": "HRL-001",
        "municipality_code": "GM0917",
        "outflow_date": "2024-06-30",
        "monthly_amount": "1200.00",
        "days_off_benefits": 184,
        "savings": "7259.18",
    }


def test_savings_as_of_the_outflow_day_are_zero_days_and_zero_euros():
    participant = only_participant(as_of=OUTFLOW, periods=[ENDS_WITH_WORK])

    assert (participant["days_off_benefits"], participant["savings"]) == (0, "0.00")


def test_savings_return_to_benefits_stops_the_count_and_its_end_restarts_it():
    # Back on a WW benefit 1 September to 31 October 2024 (61 days): 184 - 61 = 123 days.
    back = period(date(2024, 9, 1), date(2024, 10, 31), "other", "1700.00", benefit_type="ww")

    participant = only_participant(as_of=date(2024, 12, 31), periods=[ENDS_WITH_WORK, back])

    assert (participant["monthly_amount"], participant["days_off_benefits"]) == ("1200.00", 123)
    assert participant["savings"] == "4852.60"


def test_savings_return_to_benefits_still_running_on_as_of_counts_only_the_days_before():
    # Back from 1 September 2024, still running on 15 October: July and August count (62 days).
    back = period(date(2024, 9, 1), None)

    participant = only_participant(as_of=date(2024, 10, 15), periods=[ENDS_WITH_WORK, back])

    assert (participant["days_off_benefits"], participant["savings"]) == (62, "2446.03")


def test_savings_return_ending_after_as_of_has_not_ended_yet():
    # The return ends on 31 October, after A: as of 15 October it is still running.
    back = period(date(2024, 9, 1), date(2024, 10, 31), "other")

    participant = only_participant(as_of=date(2024, 10, 15), periods=[ENDS_WITH_WORK, back])

    assert participant["days_off_benefits"] == 62


def test_savings_two_benefits_ending_on_the_outflow_day_add_their_amounts():
    periods = [
        ENDS_WITH_WORK,
        period(date(2023, 3, 1), OUTFLOW, "other", "300.00", benefit_type="ww"),
    ]

    participant = only_participant(as_of=date(2024, 12, 31), periods=periods)

    assert (participant["monthly_amount"], participant["savings"]) == ("1500.00", "9073.97")


def test_savings_a_benefit_ending_earlier_does_not_add_its_amount():
    periods = [
        period(date(2019, 1, 1), date(2019, 12, 31), "other", "999.00", benefit_type="ww"),
        ENDS_WITH_WORK,
    ]

    assert only_participant(as_of=date(2024, 12, 31), periods=periods)["monthly_amount"] == (
        "1200.00"
    )


def test_savings_missing_amount_on_one_ending_period_makes_the_participant_unknown():
    periods = [
        ENDS_WITH_WORK,
        period(date(2023, 3, 1), OUTFLOW, "other", None, benefit_type="ww"),
    ]

    participant = only_participant(as_of=date(2024, 12, 31), periods=periods)

    assert participant == {
        "ref": "HRL-001",
        "municipality_code": "GM0917",
        "outflow_date": "2024-06-30",
        "monthly_amount": None,
        "days_off_benefits": 184,
        "savings": None,
    }


def test_savings_unknown_amount_counts_days_and_without_amount_but_no_euros():
    second = JobseekerRow(id=2, ref="ZWL-001", municipality_id=ZWOLLE.id)
    periods = [
        ENDS_WITH_WORK,
        BenefitPeriodRow(second.id, date(2020, 1, 1), OUTFLOW, "work", "participatiewet", None),
    ]
    placements = [*INTERNSHIP, placement(date(2024, 1, 8), date(2024, 6, 7), jobseeker=second)]

    output = savings_json(
        as_of=date(2024, 12, 31),
        periods=periods,
        placements=placements,
        jobseekers=(JOBSEEKER, second),
        municipalities=(HEERLEN, ZWOLLE),
    )

    assert output["totals"] == {
        "outflow": 2,
        "without_amount": 1,
        "days_off_benefits": 368,
        "savings": "7259.18",
        "return_ratio": 0.0726,
    }
    assert output["municipalities"] == [
        {
            "code": "GM0193",
            "name": "Zwolle",
            "outflow": 1,
            "without_amount": 1,
            "days_off_benefits": 184,
            "savings": "0.00",
        },
        {
            "code": "GM0917",
            "name": "Heerlen",
            "outflow": 1,
            "without_amount": 0,
            "days_off_benefits": 184,
            "savings": "7259.18",
        },
    ]


def test_savings_leap_day_is_a_day_off_benefits_and_the_year_still_has_365_days():
    internship = (placement(date(2023, 9, 1), date(2024, 1, 31)),)
    ends = period(date(2020, 1, 1), date(2024, 2, 28), "work", "1000.00")

    # 29 February and 1 March 2024.
    participant = only_participant(as_of=date(2024, 3, 1), periods=[ends], placements=internship)

    assert (participant["days_off_benefits"], participant["savings"]) == (2, "65.75")


def test_savings_over_a_whole_leap_year_are_366_days_of_twelve_365ths():
    internship = (placement(date(2023, 6, 1), date(2023, 11, 30)),)
    ends = period(date(2020, 1, 1), date(2023, 12, 31), "work", "1000.00")

    participant = only_participant(as_of=date(2024, 12, 31), periods=[ends], placements=internship)

    assert (participant["days_off_benefits"], participant["savings"]) == (366, "12032.88")


def test_savings_leave_out_participants_without_outflow():
    running = period(date(2020, 1, 1), None)

    output = savings_json(as_of=date(2024, 12, 31), periods=[running])

    assert (output["participants"], output["totals"]["outflow"]) == ([], 0)


def test_savings_curve_marks_the_first_day_the_budget_is_reached():
    # 1200.00 a month is 39.45 a day (rounded per participant): 5000.00 is reached on day 127,
    # 4 November 2024 (5010.41 after 127 days, 4970.96 after 126).
    result = compute(
        as_of=date(2024, 12, 31),
        placements=INTERNSHIP,
        periods=[ENDS_WITH_WORK],
        budget=Decimal("5000"),
    )

    curve = savings_curve(result.savings)

    assert curve["break_even"] == "2024-11-04"
    assert curve["points"][0] == {"date": "2024-06-30", "savings": "0.00"}
    assert curve["points"][-1] == {"date": "2024-12-31", "savings": "7259.18"}
    assert len(curve["points"]) == 7


def test_savings_curve_without_reaching_the_budget_has_no_break_even():
    result = compute(as_of=date(2024, 12, 31), placements=INTERNSHIP, periods=[ENDS_WITH_WORK])

    assert savings_curve(result.savings)["break_even"] is None
