"""The whole of the home page's benefit-check and progress-review to-do lists."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kernel.dates import add_months
from municipalities.enums import Role
from placements.enums import PlacementStatus
from placements.selectors import benefit_checks_due, reviews_due
from tests.factories import (
    BenefitCheckFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    ProgressReviewFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def heerlen():
    return MunicipalityFactory(code="GM0917", name="Heerlen")


@pytest.fixture
def zwolle():
    return MunicipalityFactory(code="GM0193", name="Zwolle")


def _ended(municipality, ref: str, actual_end: datetime.date):
    start = actual_end - timedelta(days=120)
    return PlacementFactory(
        jobseeker=JobseekerFactory(municipality=municipality, ref=ref, given_name=f"Given{ref}"),
        ref=f"{ref}-P",
        status=PlacementStatus.COMPLETED,
        planned_start=start,
        planned_end=actual_end,
        actual_start=start,
        actual_end=actual_end,
    )


def _running(municipality, ref: str, start: datetime.date):
    return PlacementFactory(
        jobseeker=JobseekerFactory(municipality=municipality, ref=ref, given_name=f"Given{ref}"),
        ref=f"{ref}-P",
        status=PlacementStatus.ACTIVE,
        planned_start=start,
        planned_end=start + timedelta(days=150),
        actual_start=start,
        actual_end=None,
    )


def _signed_in(client, user):
    client.force_login(user)
    client.get(reverse("home"))  # the session's first request checks the second factor
    return client


def test_benefit_checks_due_lists_every_open_check_of_the_jobcoachs_municipality(
    client, heerlen, zwolle
):
    today = timezone.localdate()
    # 20 people whose internship ended 13 months ago (a day more each): three open checks each.
    for n in range(20):
        _ended(heerlen, f"HRL{n:02}", add_months(today, -13) - timedelta(days=n))
    recorded = _ended(heerlen, "HRLDONE", add_months(today, -13) - timedelta(days=30))
    BenefitCheckFactory(placement=recorded, months=3)
    _ended(zwolle, "ZWL00", add_months(today, -13))
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    client = _signed_in(client, jobcoach)

    first = client.get(reverse("placements:benefit_checks_due"))
    second = client.get(reverse("placements:benefit_checks_due") + "?page=2")

    expected = benefit_checks_due(user=jobcoach, today=today)
    assert len(expected) == 20 * 3 + 2
    shown = [*first.context["rows"], *second.context["rows"]]
    assert [(c.placement_id, c.months) for c in shown] == [
        (c.placement_id, c.months) for c in expected
    ]
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 12
    page = first.content.decode()
    assert "62 checks due." in page
    assert "Page 1 of 2" in page
    # The most urgent first: the oldest 3-month check, overdue, linked to its form; the
    # recorded check is not listed, its person's others are.
    oldest = expected[0]
    assert (oldest.jobseeker.ref, oldest.months, oldest.overdue) == ("HRL19", 3, True)
    link = reverse("placements:benefit_check", args=[oldest.placement_id, 3])
    assert f'href="{link}">GivenHRL19' in page
    assert [c.months for c in expected if c.jobseeker.ref == "HRLDONE"] == [6, 12]
    assert "overdue" in page
    # The other municipality's person is on neither page.
    assert "ZWL00" not in page + second.content.decode()
    assert "GivenZWL00" not in page + second.content.decode()
    # The paging is plain links (the page has no htmx results block to swap).
    assert "hx-get" not in page


def test_reviews_due_lists_every_due_review_of_the_jobcoachs_municipality(client, heerlen, zwolle):
    today = timezone.localdate()
    for n in range(3):
        _running(heerlen, f"HRL{n}", today - timedelta(days=40 + n))
    reviewed = _running(heerlen, "HRLREV", today - timedelta(days=60))
    ProgressReviewFactory(
        placement=reviewed, held_on=today - timedelta(days=10), next_review_on=today
    )
    not_due = _running(heerlen, "HRLNOT", today - timedelta(days=60))
    ProgressReviewFactory(
        placement=not_due, held_on=today - timedelta(days=5), next_review_on=today + timedelta(1)
    )
    _running(zwolle, "ZWL0", today - timedelta(days=60))
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    client = _signed_in(client, jobcoach)

    response = client.get(reverse("placements:reviews_due"))

    rows = response.context["rows"]
    assert [p.ref for p in rows] == [p.ref for p in reviews_due(user=jobcoach, today=today)]
    assert [p.ref for p in rows] == ["HRL2-P", "HRL1-P", "HRL0-P", "HRLREV-P"]
    page = response.content.decode()
    assert "4 reviews due." in page
    assert f'href="{reverse("placements:placement_review", args=[reviewed.pk])}"' in page
    assert "none yet" in page
    assert "HRLNOT" not in page and "GivenZWL0" not in page


def test_the_due_lists_log_the_people_they_show(client, heerlen):
    from privacy.models import ProcessingEntry

    today = timezone.localdate()
    shown = {_ended(heerlen, f"HRL{n}", add_months(today, -4)).jobseeker_id for n in range(2)}
    _running(heerlen, "HRLRUN", today - timedelta(days=5))  # no check, no review due
    client = _signed_in(client, user_with_role(Role.JOBCOACH, heerlen))
    last = ProcessingEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client.get(reverse("placements:benefit_checks_due"))

    entry = ProcessingEntry.objects.get(pk__gt=last)
    assert set(entry.subjects.values_list("jobseeker_id", flat=True)) == shown


@pytest.mark.parametrize(
    "role", [Role.PROGRAMME_ADMIN, Role.FUNDER, Role.RESEARCHER, Role.IMK_COACH]
)
@pytest.mark.parametrize("name", ["placements:benefit_checks_due", "placements:reviews_due"])
def test_the_due_lists_are_a_jobcoachs_only(client, heerlen, role, name):
    client = _signed_in(client, user_with_role(role))
    assert client.get(reverse(name)).status_code == 403


def test_home_links_to_the_whole_lists_when_it_shows_only_the_most_urgent(client, heerlen):
    today = timezone.localdate()
    for n in range(11):
        _ended(heerlen, f"HRL{n:02}", add_months(today, -4) - timedelta(days=n))
        _running(heerlen, f"RUN{n:02}", today - timedelta(days=40 + n))
    client = _signed_in(client, user_with_role(Role.JOBCOACH, heerlen))

    page = client.get(reverse("home")).content.decode()

    checks, reviews = reverse("placements:benefit_checks_due"), reverse("placements:reviews_due")
    assert f'href="{checks}">All benefit checks due</a>' in page
    assert f'href="{reviews}">All progress reviews due</a>' in page


def test_the_due_lists_speak_dutch(client, settings, heerlen):
    settings.LANGUAGE_CODE = "nl"
    today = timezone.localdate()
    _ended(heerlen, "HRL0", add_months(today, -4))
    _running(heerlen, "RUN0", today - timedelta(days=40))
    client = _signed_in(client, user_with_role(Role.JOBCOACH, heerlen))

    checks = client.get(reverse("placements:benefit_checks_due")).content.decode()
    reviews = client.get(reverse("placements:reviews_due")).content.decode()

    assert "Uitkeringscontroles die aan de beurt zijn" in checks
    assert "1 controle aan de beurt." in checks
    assert "3 maanden na de stage" in checks
    assert "1 gesprek aan de beurt." in reviews
    assert "Laatste gesprek" in reviews and "nog geen" in reviews
