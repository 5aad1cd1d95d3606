"""The home page and the jobcoach's to-do selectors behind it."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kernel.dates import add_months
from municipalities.enums import Role
from placements.enums import PlacementStatus
from placements.selectors import (
    benefit_checks_bounded,
    benefit_checks_due,
    jobcoach_todo,
    placements_ending_soon,
    proposals_waiting,
    reviews_due,
)
from tests.factories import (
    BenefitCheckFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    ProgressReviewFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 16)
D = datetime.date
START = D(2025, 3, 3)
PLANNED_END = D(2025, 8, 1)


@pytest.fixture
def heerlen():
    return MunicipalityFactory(code="GM0917", name="Heerlen")


@pytest.fixture
def zwolle():
    return MunicipalityFactory(code="GM0193", name="Zwolle")


@pytest.fixture
def jobcoach(heerlen):
    return user_with_role(Role.JOBCOACH, heerlen)


def _active(municipality, ref, *, start=START, planned_end=PLANNED_END):
    return PlacementFactory(
        jobseeker=JobseekerFactory(municipality=municipality, ref=f"J-{ref}"),
        ref=ref,
        status=PlacementStatus.ACTIVE,
        planned_start=start,
        planned_end=planned_end,
        actual_start=start,
        actual_end=None,
    )


def _ended(jobseeker, ref, actual_end, status=PlacementStatus.COMPLETED):
    start = actual_end - timedelta(days=120)
    return PlacementFactory(
        jobseeker=jobseeker,
        ref=ref,
        status=status,
        planned_start=start,
        planned_end=actual_end,
        actual_start=start,
        actual_end=actual_end,
        end_reason="illness" if status == PlacementStatus.TERMINATED else "",
    )


def _proposal(municipality, ref, planned_start, status=PlacementStatus.PROPOSED):
    return PlacementFactory(
        jobseeker=JobseekerFactory(municipality=municipality, ref=f"J-{ref}"),
        ref=ref,
        status=status,
        planned_start=planned_start,
        planned_end=planned_start + timedelta(days=120),
        actual_start=None,
        actual_end=None,
    )


# --- selectors with exact dates ---------------------------------------------------------------


def test_placements_ending_soon_within_14_days_and_overdue(heerlen, zwolle, jobcoach):
    _active(heerlen, "ON-EDGE", planned_end=D(2025, 6, 30))
    _active(heerlen, "ONE-DAY-LATER", planned_end=D(2025, 7, 1))
    _active(heerlen, "OVERDUE", planned_end=D(2025, 6, 1))
    _active(heerlen, "TODAY", planned_end=TODAY)
    _ended(JobseekerFactory(municipality=heerlen), "DONE", D(2025, 6, 20))
    _active(zwolle, "OTHER-TOWN", planned_end=D(2025, 6, 20))
    rows = placements_ending_soon(user=jobcoach, today=TODAY)
    assert [p.ref for p in rows] == ["OVERDUE", "TODAY", "ON-EDGE"]


def test_reviews_due_from_start_last_review_or_planned_date(heerlen, zwolle, jobcoach):
    _active(heerlen, "START-4W", start=D(2025, 5, 19))
    _active(heerlen, "START-3W6D", start=D(2025, 5, 20))
    p3 = _active(heerlen, "REVIEW-4W", start=D(2025, 1, 6))
    ProgressReviewFactory(placement=p3, held_on=D(2025, 5, 19))
    p4 = _active(heerlen, "REVIEW-3W6D", start=D(2025, 1, 6))
    ProgressReviewFactory(placement=p4, held_on=D(2025, 5, 20))
    p5 = _active(heerlen, "PLANNED-PASSED", start=D(2025, 1, 6))
    ProgressReviewFactory(placement=p5, held_on=D(2025, 6, 1), next_review_on=D(2025, 6, 10))
    p6 = _active(heerlen, "PLANNED-LATER", start=D(2025, 1, 6))
    ProgressReviewFactory(placement=p6, held_on=D(2025, 4, 1), next_review_on=D(2025, 7, 1))
    p7 = _active(heerlen, "OLD-PLAN-REPLACED", start=D(2025, 1, 6))
    ProgressReviewFactory(placement=p7, held_on=D(2025, 4, 1), next_review_on=D(2025, 5, 1))
    ProgressReviewFactory(placement=p7, held_on=D(2025, 6, 10))
    done = _ended(JobseekerFactory(municipality=heerlen), "DONE", D(2025, 6, 1))
    ProgressReviewFactory(placement=done, held_on=D(2025, 2, 1))
    _active(zwolle, "OTHER-TOWN", start=D(2025, 1, 6))
    rows = reviews_due(user=jobcoach, today=TODAY)
    assert [(p.ref, p.review_due_on) for p in rows] == [
        ("PLANNED-PASSED", D(2025, 6, 10)),
        ("REVIEW-4W", D(2025, 6, 16)),
        ("START-4W", D(2025, 6, 16)),
    ]


def test_benefit_checks_due_3_6_12_months_after_the_internship(heerlen, zwolle, jobcoach):
    def person(ref, municipality=heerlen):
        return JobseekerFactory(municipality=municipality, ref=ref)

    _ended(person("J1"), "J1-P1", D(2025, 3, 16))  # + 3 months = 16 June
    j2 = _ended(person("J2"), "J2-P1", D(2024, 12, 30))  # + 6 months = 30 June, the window's end
    BenefitCheckFactory(placement=j2, months=3, checked_on=D(2025, 3, 31))  # done: not listed
    _ended(person("J3"), "J3-P1", D(2024, 6, 2))  # + 12 months = 2 June: 14 days, not overdue
    _ended(person("J4"), "J4-P1", D(2024, 6, 1))  # + 12 months = 1 June: overdue, still listed
    # 31 March + 3 months is 30 June (the month has no 31st).
    _ended(person("J5"), "J5-P1", D(2025, 3, 31), PlacementStatus.TERMINATED)
    j6 = person("J6")  # ended once, but running again: no internship end yet
    _ended(j6, "J6-P1", D(2025, 3, 16), PlacementStatus.TERMINATED)
    PlacementFactory(
        jobseeker=j6,
        ref="J6-P2",
        status=PlacementStatus.ACTIVE,
        planned_start=D(2025, 5, 1),
        planned_end=D(2025, 9, 1),
        actual_start=D(2025, 5, 1),
        actual_end=None,
    )
    j7 = person("J7")  # the latest end counts: 10 March + 3, not 10 June 2024 + 3, 6 or 12
    older = _ended(j7, "J7-P1", D(2024, 6, 10), PlacementStatus.TERMINATED)
    # A check of the earlier internship does not close the latest one's.
    BenefitCheckFactory(placement=older, months=3, checked_on=D(2024, 9, 10))
    _ended(j7, "J7-P2", D(2025, 3, 10))
    _ended(person("J8", zwolle), "J8-P1", D(2025, 3, 16))
    checks = benefit_checks_due(user=jobcoach, today=TODAY)
    assert [
        (c.jobseeker.ref, c.internship_end, c.months, c.check_on, c.overdue) for c in checks
    ] == [
        ("J4", D(2024, 6, 1), 3, D(2024, 9, 1), True),
        ("J3", D(2024, 6, 2), 3, D(2024, 9, 2), True),
        ("J4", D(2024, 6, 1), 6, D(2024, 12, 1), True),
        ("J3", D(2024, 6, 2), 6, D(2024, 12, 2), True),
        ("J4", D(2024, 6, 1), 12, D(2025, 6, 1), True),
        ("J3", D(2024, 6, 2), 12, D(2025, 6, 2), False),
        ("J7", D(2025, 3, 10), 3, D(2025, 6, 10), False),
        ("J1", D(2025, 3, 16), 3, D(2025, 6, 16), False),
        ("J2", D(2024, 12, 30), 6, D(2025, 6, 30), False),
        ("J5", D(2025, 3, 31), 3, D(2025, 6, 30), False),
    ]
    assert {c.placement_id for c in checks if c.jobseeker.ref == "J7"} == {
        j7.placements.get(ref="J7-P2").pk
    }


def test_benefit_check_recorded_leaves_the_todo_list(heerlen, jobcoach):
    placement = _ended(JobseekerFactory(municipality=heerlen, ref="J1"), "J1-P1", D(2025, 3, 16))
    before = [c.months for c in benefit_checks_due(user=jobcoach, today=D(2026, 3, 20))]

    BenefitCheckFactory(placement=placement, months=6, checked_on=D(2025, 9, 16))

    after = [c.months for c in benefit_checks_due(user=jobcoach, today=D(2026, 3, 20))]
    assert (before, after) == ([3, 6, 12], [3, 12])


def test_proposals_waiting_for_agreement(heerlen, zwolle, jobcoach):
    _proposal(heerlen, "LATER", D(2025, 7, 1))
    _proposal(heerlen, "PASSED", D(2025, 6, 1))
    _proposal(heerlen, "AGREED", D(2025, 7, 1), PlacementStatus.AGREED)
    _proposal(zwolle, "OTHER-TOWN", D(2025, 7, 1))
    rows = proposals_waiting(user=jobcoach, today=TODAY)
    assert [(p.ref, p.start_passed) for p in rows] == [("PASSED", True), ("LATER", False)]


def test_jobcoach_todo_is_empty_for_an_imk_coach_with_placements(heerlen):
    # The IMK coach can read their entrepreneurs' placements, but the to-do is jobcoach work.
    coach = user_with_role(Role.IMK_COACH)
    placement = _active(heerlen, "P1", planned_end=TODAY)
    placement.entrepreneur.imk_coach = coach
    placement.entrepreneur.save()
    assert jobcoach_todo(user=coach, today=TODAY).is_empty


# --- the page ---------------------------------------------------------------------------------


def test_home_shows_the_jobcoachs_todo_with_links(client, heerlen, zwolle, jobcoach):
    today = timezone.localdate()
    ending = _active(heerlen, "ENDING", start=today - timedelta(days=100), planned_end=today)
    proposal = _proposal(heerlen, "PROPOSED", today + timedelta(days=30))
    person = JobseekerFactory(municipality=heerlen, ref="CHECK")
    _ended(person, "CHECK-P1", add_months(today, -3))
    _active(zwolle, "OTHER-TOWN", planned_end=today)
    client.force_login(jobcoach)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    todo = response.context["todo"]
    assert [p.ref for p in todo.ending_soon] == ["ENDING"]
    assert [p.ref for p in todo.reviews_due] == ["ENDING"]
    assert [c.jobseeker.ref for c in todo.benefit_checks] == ["CHECK"]
    assert [p.ref for p in todo.proposals] == ["PROPOSED"]
    assert f'href="{reverse("placements:placement_detail", args=[ending.pk])}"' in page
    assert f'href="{reverse("placements:placement_review", args=[ending.pk])}"' in page
    check_url = reverse("placements:benefit_check", args=[todo.benefit_checks[0].placement_id, 3])
    assert f'href="{check_url}"' in page
    assert f'href="{reverse("placements:placement_agree", args=[proposal.pk])}"' in page
    assert "OTHER-TOWN" not in page


def test_home_for_a_jobcoach_with_nothing_to_do(client, jobcoach):
    client.force_login(jobcoach)
    page = client.get(reverse("home")).content.decode()
    assert "Nothing needs doing right now." in page


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        (
            Role.PROGRAMME_ADMIN,
            ["/jobseekers/", "/placements/", "/admin/"],
            ["What needs doing"],
        ),
        (Role.IMK_COACH, ["Your entrepreneurs and their guidance sessions"], ["/jobseekers/"]),
        (
            Role.FUNDER,
            ["aggregate figures and reports", "/dashboard/", "/reports/"],
            ["/jobseekers/", "What needs doing", "/exports/"],
        ),
        (
            Role.RESEARCHER,
            ["aggregate figures and reports", "/dashboard/", "/exports/"],
            ["/jobseekers/", "What needs doing"],
        ),
    ],
)
def test_home_gives_other_roles_a_short_start(client, role, present, absent):
    client.force_login(user_with_role(role))
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.context["todo"] is None
    for text in present:
        assert text in page, text
    for text in absent:
        assert text not in page, text


# --- bounded lists: at national scale a list can hold hundreds ---------------------------------


def _many_todos(heerlen, today, count, prefix="M"):
    """``count`` of each jobcoach to-do kind; every ended jobseeker has three open checks."""
    for n in range(count):
        _active(
            heerlen,
            f"{prefix}END{n:02}",
            start=today - timedelta(days=100),
            planned_end=today - timedelta(days=n),
        )
        _proposal(heerlen, f"{prefix}PROP{n:02}", today + timedelta(days=30 + n))
        person = JobseekerFactory(municipality=heerlen, ref=f"{prefix}CHECK{n:02}")
        # 13 months ago (and a day more per person): the 3, 6 and 12 months checks are all open.
        _ended(person, f"{prefix}CHECK{n:02}-P", add_months(today, -13) - timedelta(days=n))


def test_home_shows_at_most_ten_of_each_list_with_the_total_and_a_link(client, heerlen, jobcoach):
    from placements.selectors import HOME_LIST_LIMIT

    today = timezone.localdate()
    _many_todos(heerlen, today, 12)
    # One of the checks is recorded: it leaves the list and the count.
    recorded = JobseekerFactory(municipality=heerlen, ref="MCHECK-DONE")
    done = _ended(recorded, "MCHECK-DONE-P", add_months(today, -13) - timedelta(days=40))
    BenefitCheckFactory(placement=done, months=3)
    client.force_login(jobcoach)
    response = client.get(reverse("home"))
    page = response.content.decode()
    todo = response.context["todo"]

    assert HOME_LIST_LIMIT == 10
    assert (todo.ending_soon.total, todo.reviews_due.total, todo.proposals.total) == (12, 12, 12)
    assert todo.benefit_checks.total == 12 * 3 + 2
    for items in (todo.ending_soon, todo.reviews_due, todo.benefit_checks, todo.proposals):
        assert len(items) == 10 and items.more
    # The same rows and order as the whole lists' first ten, and the same number.
    full_checks = benefit_checks_due(user=jobcoach, today=today)
    assert len(full_checks) == todo.benefit_checks.total
    assert [(c.placement_id, c.months, c.check_on, c.overdue) for c in todo.benefit_checks] == [
        (c.placement_id, c.months, c.check_on, c.overdue) for c in full_checks[:10]
    ]
    full_reviews = reviews_due(user=jobcoach, today=today)
    assert len(full_reviews) == todo.reviews_due.total
    assert [(p.ref, p.review_due_on) for p in todo.reviews_due] == [
        (p.ref, p.review_due_on) for p in full_reviews[:10]
    ]
    assert [p.ref for p in todo.ending_soon] == [
        p.ref for p in placements_ending_soon(user=jobcoach, today=today)[:10]
    ]
    assert [p.ref for p in todo.proposals] == [
        p.ref for p in proposals_waiting(user=jobcoach, today=today)[:10]
    ]
    # The most urgent first: the oldest planned end is on the page, the newest is not.
    assert todo.ending_soon[0].ref == "MEND11"
    assert "MEND01" not in [p.ref for p in todo.ending_soon]

    assert "12 in all; these are the 10 most urgent." in page
    assert "38 in all; these are the 10 most urgent." in page
    assert "Placements ending within two weeks (12)" in page
    placements = reverse("placements:placement_list")
    assert f'href="{placements}?status=active">All running placements</a>' in page
    assert f'href="{placements}?status=proposed">All proposed placements</a>' in page
    checks = reverse("placements:benefit_checks_due")
    assert f'href="{checks}">All benefit checks due</a>' in page
    assert f'href="{reverse("placements:reviews_due")}">All progress reviews due</a>' in page


def test_home_with_a_list_within_the_bound_shows_no_more_link(client, heerlen, jobcoach):
    today = timezone.localdate()
    _many_todos(heerlen, today, 2)
    client.force_login(jobcoach)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.context["todo"].proposals.total == 2
    assert "most urgent" not in page and "All proposed placements" not in page


def test_home_logs_only_the_people_it_shows(client, heerlen, jobcoach):
    from privacy.models import ProcessingEntry

    today = timezone.localdate()
    _many_todos(heerlen, today, 12)
    client.force_login(jobcoach)
    client.get(reverse("home"))
    last = ProcessingEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("home"))
    todo = response.context["todo"]
    shown = {
        *(p.jobseeker_id for p in todo.ending_soon),
        *(p.jobseeker_id for p in todo.reviews_due),
        *(c.jobseeker.pk for c in todo.benefit_checks),
        *(p.jobseeker_id for p in todo.proposals),
    }
    entries = list(ProcessingEntry.objects.filter(pk__gt=last))
    assert len(entries) == 1
    logged = set(entries[0].subjects.values_list("jobseeker_id", flat=True))
    assert logged == shown
    assert len(shown) < 36  # not every jobseeker with a to-do


def test_home_queries_do_not_grow_with_the_number_of_todos(client, heerlen, jobcoach):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    client.force_login(jobcoach)
    client.get(reverse("home"))  # the session's first request checks the second factor

    def queries(prefix, count):
        _many_todos(heerlen, today, count, prefix=prefix)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return len(captured)

    # Past the bound (11 each), then far past it: the same number of queries.
    assert queries("A", 11) == queries("B", 14)


def test_the_home_pages_benefit_checks_are_one_query_with_their_total(
    heerlen, jobcoach, django_assert_num_queries
):
    """The first few checks and the number of all of them come from one query (a window
    count): the load test's jobcoach home page at national scale built and ran the same
    expressions twice."""
    today = timezone.localdate()
    benefit_checks_bounded(user=jobcoach, today=today)  # reads the jobcoach's roles once
    with django_assert_num_queries(1):
        nothing = benefit_checks_bounded(user=jobcoach, today=today)
    assert (nothing.rows, nothing.total) == ([], 0)
    _many_todos(heerlen, today, 12)
    with django_assert_num_queries(1):
        checks = benefit_checks_bounded(user=jobcoach, today=today)
    full = benefit_checks_due(user=jobcoach, today=today)
    assert (len(checks), checks.total, len(full)) == (10, 36, 36)
    assert [(c.placement_id, c.months) for c in checks] == [
        (c.placement_id, c.months) for c in full[:10]
    ]
