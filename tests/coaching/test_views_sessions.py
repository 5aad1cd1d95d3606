"""Logging and editing guidance sessions: only with one's own entrepreneurs, only one's own."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from coaching.models import GuidanceSession
from municipalities.enums import Role
from tests.factories import (
    EntrepreneurFactory,
    GuidanceSessionFactory,
    MunicipalityFactory,
    user_with_role,
)
from tests.helpers import warm_session

pytestmark = pytest.mark.django_db

FORM = {
    "held_on": "2024-04-02",
    "minutes": "45",
    "mode": "phone",
    "topics": ["instruction", "hiring"],
    "notes": "Afspraken over werkinstructies.",
}


@pytest.fixture
def pilot():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    kerkrade = MunicipalityFactory(code="GM0928", name="Kerkrade")
    coach_a = user_with_role(Role.IMK_COACH)
    coach_b = user_with_role(Role.IMK_COACH)
    return {
        "heerlen": heerlen,
        "coach_a": coach_a,
        "coach_b": coach_b,
        "own": EntrepreneurFactory(municipality=heerlen, imk_coach=coach_a),
        "other": EntrepreneurFactory(municipality=kerkrade, imk_coach=coach_b),
    }


def _create_url(entrepreneur):
    return reverse("coaching:session_create", args=[entrepreneur.pk])


def _update_url(session):
    return reverse("coaching:session_update", args=[session.pk])


def _values(session):
    session.refresh_from_db()
    return {
        "held_on": session.held_on,
        "minutes": session.minutes,
        "mode": session.mode,
        "topics": session.topics,
        "notes": session.notes,
        "coach": session.coach,
        "entrepreneur": session.entrepreneur,
        "municipality": session.municipality,
    }


def test_session_create_saves_exact_values_and_returns_to_entrepreneur(client, pilot):
    client.force_login(pilot["coach_a"])
    response = client.post(_create_url(pilot["own"]), FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:entrepreneur_detail", args=[pilot["own"].pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Guidance session saved."]
    session = GuidanceSession.objects.get()
    assert _values(session) == {
        "held_on": datetime.date(2024, 4, 2),
        "minutes": 45,
        "mode": "phone",
        "topics": ["instruction", "hiring"],
        "notes": "Afspraken over werkinstructies.",
        "coach": pilot["coach_a"],
        "entrepreneur": pilot["own"],
        "municipality": pilot["heerlen"],
    }


def test_session_create_needs_only_minutes_and_mode(client, pilot):
    client.force_login(pilot["coach_a"])
    today = timezone.localdate().isoformat()
    response = client.post(
        _create_url(pilot["own"]), {"held_on": today, "minutes": "15", "mode": "video"}
    )
    assert response.status_code == 302
    session = GuidanceSession.objects.get()
    assert (session.held_on.isoformat(), session.minutes, session.mode, session.topics) == (
        today,
        15,
        "video",
        [],
    )
    assert session.notes == ""


def test_session_form_starts_with_today_and_last_choices(client, pilot):
    GuidanceSessionFactory(
        entrepreneur=pilot["own"], coach=pilot["coach_a"], minutes=90, mode="video"
    )
    client.force_login(pilot["coach_a"])
    response = client.get(_create_url(pilot["own"]))
    form = response.context["form"]
    page = response.content.decode()
    assert response.status_code == 200
    assert form["held_on"].value() == timezone.localdate()
    assert form["minutes"].value() == 90
    assert form["mode"].value() == "video"
    assert f'value="{timezone.localdate().isoformat()}"' in page
    assert [value for value, _label in form.fields["minutes"].choices] == [
        15,
        30,
        45,
        60,
        90,
        120,
    ]
    assert 'type="radio" name="mode"' in page
    assert 'type="checkbox" name="topics"' in page


def test_session_form_first_session_defaults_to_an_hour_in_person(client, pilot):
    client.force_login(pilot["coach_a"])
    form = client.get(_create_url(pilot["own"])).context["form"]
    assert (form["minutes"].value(), form["mode"].value()) == (60, "in_person")


def test_session_create_invalid_choice_shows_error_and_saves_nothing(client, pilot):
    client.force_login(pilot["coach_a"])
    response = client.post(_create_url(pilot["own"]), {**FORM, "minutes": "7", "mode": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "minutes": ["Select a valid choice. 7 is not one of the available choices."],
        "mode": ["This field is required."],
    }
    assert GuidanceSession.objects.count() == 0


def test_session_create_for_other_coachs_entrepreneur_not_found(client, pilot):
    unassigned = EntrepreneurFactory(municipality=pilot["heerlen"], imk_coach=None)
    client.force_login(pilot["coach_a"])
    for entrepreneur in (pilot["other"], unassigned):
        assert client.get(_create_url(entrepreneur)).status_code == 404
        assert client.post(_create_url(entrepreneur), FORM).status_code == 404
    assert GuidanceSession.objects.count() == 0


@pytest.mark.parametrize("role", [Role.JOBCOACH, Role.FUNDER, Role.RESEARCHER])
def test_session_create_other_roles_forbidden(client, pilot, role):
    user = user_with_role(role, pilot["heerlen"]) if role == Role.JOBCOACH else user_with_role(role)
    client.force_login(user)
    assert client.get(_create_url(pilot["own"])).status_code == 403
    assert client.post(_create_url(pilot["own"]), FORM).status_code == 403
    assert GuidanceSession.objects.count() == 0


def test_session_create_anonymous_redirected_and_nothing_saved(client, pilot):
    response = client.post(_create_url(pilot["own"]), FORM)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert GuidanceSession.objects.count() == 0


def test_session_update_by_author_saves_exact_values(client, pilot):
    session = GuidanceSessionFactory(entrepreneur=pilot["own"], coach=pilot["coach_a"])
    client.force_login(pilot["coach_a"])
    form = client.get(_update_url(session)).context["form"]
    assert form["held_on"].value() == datetime.date(2024, 3, 1)
    response = client.post(
        _update_url(session), {**FORM, "version": "1", "reason": "Verkeerde dag ingevuld."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:entrepreneur_detail", args=[pilot["own"].pk])
    assert _values(session) == {
        "held_on": datetime.date(2024, 4, 2),
        "minutes": 45,
        "mode": "phone",
        "topics": ["instruction", "hiring"],
        "notes": "Afspraken over werkinstructies.",
        "coach": pilot["coach_a"],
        "entrepreneur": pilot["own"],
        "municipality": pilot["heerlen"],
    }


def test_session_update_keeps_an_imported_duration_as_a_choice(client, pilot):
    session = GuidanceSessionFactory(entrepreneur=pilot["own"], coach=pilot["coach_a"], minutes=50)
    client.force_login(pilot["coach_a"])
    form = client.get(_update_url(session)).context["form"]
    assert form["minutes"].value() == 50
    assert 50 in [value for value, _label in form.fields["minutes"].choices]


def test_session_update_of_another_coachs_session_not_found_and_unchanged(client, pilot):
    # Coach B's session with an entrepreneur that is now coach A's stays coach B's.
    session = GuidanceSessionFactory(
        entrepreneur=pilot["own"], coach=pilot["coach_b"], notes="Van Bert"
    )
    before = _values(session)
    client.force_login(pilot["coach_a"])
    assert client.get(_update_url(session)).status_code == 404
    assert client.post(_update_url(session), FORM).status_code == 404
    assert _values(session) == before


def test_session_update_jobcoach_forbidden_and_unchanged(client, pilot):
    session = GuidanceSessionFactory(entrepreneur=pilot["own"], coach=pilot["coach_a"])
    before = _values(session)
    client.force_login(user_with_role(Role.JOBCOACH, pilot["heerlen"]))
    assert client.get(_update_url(session)).status_code == 403
    assert client.post(_update_url(session), FORM).status_code == 403
    assert _values(session) == before


def test_session_update_by_programme_admin_keeps_the_author(client, pilot):
    session = GuidanceSessionFactory(entrepreneur=pilot["other"], coach=pilot["coach_b"])
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.post(
        _update_url(session),
        {**FORM, "notes": "Gecorrigeerd.", "version": "1", "reason": "Notities aangevuld."},
    )
    assert response.status_code == 302
    values = _values(session)
    assert (values["notes"], values["coach"], values["minutes"]) == (
        "Gecorrigeerd.",
        pilot["coach_b"],
        45,
    )


def test_session_edit_link_only_on_own_sessions(client, pilot):
    own = GuidanceSessionFactory(entrepreneur=pilot["own"], coach=pilot["coach_a"])
    client.force_login(pilot["coach_a"])
    page = client.get(reverse("coaching:entrepreneur_detail", args=[pilot["own"].pk]))
    assert _update_url(own) in page.content.decode()


def test_session_form_query_count(client, pilot, django_assert_num_queries):
    client.force_login(pilot["coach_a"])
    warm_session(client)
    # session, user, roles, entrepreneur, last session; the database scope: where the coach's
    # entrepreneurs are and where those entrepreneurs' interns are (two indexed queries), set,
    # put back
    with django_assert_num_queries(9):
        assert client.get(_create_url(pilot["own"])).status_code == 200
