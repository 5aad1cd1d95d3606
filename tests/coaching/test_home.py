"""The IMK coach's home page: what needs doing at their own entrepreneurs, with the intern's
given name only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.enums import Role
from placements.enums import PlacementStatus
from tests.factories import (
    EntrepreneurFactory,
    GuidanceSessionFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _placement(entrepreneur, given, status, start, end, actual=True):
    return PlacementFactory(
        jobseeker=JobseekerFactory(
            municipality=entrepreneur.municipality, given_name=given, family_name="Verborgen"
        ),
        entrepreneur=entrepreneur,
        status=status,
        planned_start=start,
        planned_end=end,
        actual_start=start if actual else None,
        actual_end=end if status in (PlacementStatus.COMPLETED,) else None,
    )


def test_imk_coach_home_lists_sessions_evaluations_and_interns_starting_or_ending(client):
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    coach = user_with_role(Role.IMK_COACH, email="joost@imk.example", full_name="Joost Bakker")
    other = user_with_role(Role.IMK_COACH, email="ria@imk.example")
    bakery = EntrepreneurFactory(municipality=heerlen, trade_name="Bakkerij", imk_coach=coach)
    garage = EntrepreneurFactory(municipality=heerlen, trade_name="Garage", imk_coach=coach)
    florist = EntrepreneurFactory(municipality=heerlen, trade_name="Bloemist", imk_coach=coach)
    theirs = EntrepreneurFactory(municipality=heerlen, trade_name="Kapper", imk_coach=other)
    # Running, ending in a week, last spoken five weeks ago: a session and an ending.
    _placement(bakery, "Sanne", PlacementStatus.ACTIVE, today - 90 * DAY, today + 7 * DAY)
    GuidanceSessionFactory(entrepreneur=bakery, coach=coach, held_on=today - 35 * DAY)
    # Running, spoken last week, ending in months: nothing to do.
    _placement(garage, "Ahmed", PlacementStatus.ACTIVE, today - 30 * DAY, today + 120 * DAY)
    GuidanceSessionFactory(entrepreneur=garage, coach=coach, held_on=today - 7 * DAY)
    # Ended without the entrepreneur's evaluation; agreed and starting in five days.
    _placement(florist, "Fleur", PlacementStatus.COMPLETED, today - 200 * DAY, today - 20 * DAY)
    _placement(
        florist, "Bram", PlacementStatus.AGREED, today + 5 * DAY, today + 100 * DAY, actual=False
    )
    # Another coach's entrepreneur: not on this home page.
    _placement(theirs, "Kees", PlacementStatus.ACTIVE, today - 90 * DAY, today + 3 * DAY)

    client.force_login(coach)
    html = client.get(reverse("home")).content.decode()

    assert "Guidance sessions due (1)" in html
    assert "Log session – Bakkerij</a>" in html
    assert "Evaluations to record (1)" in html
    assert "Bloemist – Fleur</a>" in html
    assert "Interns starting within two weeks (1)" in html
    assert "Bloemist – Bram</a>" in html
    assert "Internships ending within two weeks (1)" in html
    assert "Bakkerij – Sanne</a>" in html
    assert "Kapper" not in html and "Kees" not in html
    assert "Verborgen" not in html  # the intern's family name is never shown


def test_imk_coach_filters_their_entrepreneurs_by_internship(client):
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    coach = user_with_role(Role.IMK_COACH, email="joost@imk.example")
    running = EntrepreneurFactory(municipality=heerlen, trade_name="Bakkerij", imk_coach=coach)
    ended = EntrepreneurFactory(municipality=heerlen, trade_name="Garage", imk_coach=coach)
    upcoming = EntrepreneurFactory(municipality=heerlen, trade_name="Bloemist", imk_coach=coach)
    EntrepreneurFactory(municipality=heerlen, trade_name="Kapper", imk_coach=coach)
    _placement(running, "Sanne", PlacementStatus.ACTIVE, today - 30 * DAY, today + 60 * DAY)
    _placement(ended, "Ahmed", PlacementStatus.COMPLETED, today - 200 * DAY, today - 20 * DAY)
    _placement(
        upcoming, "Bram", PlacementStatus.AGREED, today + 5 * DAY, today + 100 * DAY, actual=False
    )
    client.force_login(coach)

    def names(value):
        response = client.get(reverse("coaching:entrepreneur_list"), {"internship": value})
        return [e.trade_name for e in response.context["entrepreneurs"]]

    assert names("") == ["Bakkerij", "Bloemist", "Garage", "Kapper"]
    assert names("running") == ["Bakkerij"]
    assert names("upcoming") == ["Bloemist"]
    assert names("ended") == ["Garage"]
    assert names("none") == ["Kapper"]
    html = client.get(reverse("coaching:entrepreneur_list")).content.decode()
    assert "utrecht-status-badge--active" in html and "utrecht-status-badge--success" in html


def test_imk_coach_home_queries_do_not_grow_with_its_interns(client):
    # The processing log names every intern on the page by their jobseeker id: read with the
    # placements, not one query per placement (the load test found a page of 600 take 30 s).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    coach = user_with_role(Role.IMK_COACH, email="joost@imk.example")
    client.force_login(coach)
    client.get(reverse("home"))  # the session's first request checks the second factor

    def queries_with_evaluations_due(count):
        for n in range(count):
            shop = EntrepreneurFactory(municipality=heerlen, trade_name=f"Winkel {n}")
            shop.imk_coach = coach
            shop.save()
            _placement(shop, "Fleur", PlacementStatus.COMPLETED, today - 200 * DAY, today - DAY)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return len(queries)

    few = queries_with_evaluations_due(2)
    assert queries_with_evaluations_due(6) == few


def test_imk_coach_home_shows_at_most_ten_of_each_list_with_the_total_and_a_link(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    coach = user_with_role(Role.IMK_COACH, email="joost@imk.example")
    client.force_login(coach)
    client.get(reverse("home"))  # the session's first request checks the second factor

    def add(prefix, count):
        for n in range(count):
            shop = EntrepreneurFactory(municipality=heerlen, trade_name=f"{prefix} Winkel {n:02}")
            shop.imk_coach = coach
            shop.save()
            ended = today - (n + 1) * DAY
            _placement(shop, "Fleur", PlacementStatus.COMPLETED, today - 200 * DAY, ended)
            _placement(shop, "Sem", PlacementStatus.ACTIVE, today - 100 * DAY, today + n * DAY)
            _placement(
                shop, "Noor", PlacementStatus.AGREED, today + n * DAY, today + 99 * DAY, False
            )

    def get():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return response, len(captured)

    add("A", 11)
    _, few = get()
    add("B", 3)
    response, many = get()
    assert many == few
    todo = response.context["coach_todo"]
    for items in (todo.sessions_due, todo.evaluations_due, todo.starting_soon, todo.ending_soon):
        assert len(items) == 10 and items.total == 14 and items.more
    # Most urgent first: the longest ended internship is listed, the most recent is not.
    assert [p.actual_end for p in todo.evaluations_due] == sorted(
        p.actual_end for p in todo.evaluations_due
    )
    assert todo.evaluations_due[0].actual_end == today - 11 * DAY  # A 10: the oldest
    page = response.content.decode()
    assert page.count("14 in all; these are the 10 most urgent.") == 4
    entrepreneurs = reverse("coaching:entrepreneur_list")
    assert f'href="{entrepreneurs}?internship=running"' in page
    assert f'href="{entrepreneurs}?internship=upcoming"' in page
    assert f'href="{entrepreneurs}">All your entrepreneurs</a>' in page
