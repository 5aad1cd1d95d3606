"""The entrepreneur list and page: who sees which entrepreneurs, and which of their details."""

import datetime

import pytest
from django.urls import reverse

from kernel.models import PilotSettings
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
from tests.helpers import warm_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    """Two IMK coaches, each with entrepreneurs in their own municipality, and one unassigned."""
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    kerkrade = MunicipalityFactory(code="GM0928", name="Kerkrade")
    coach_a = user_with_role(Role.IMK_COACH, full_name="Coach Anna")
    coach_b = user_with_role(Role.IMK_COACH, full_name="Coach Bert")
    return {
        "heerlen": heerlen,
        "kerkrade": kerkrade,
        "coach_a": coach_a,
        "coach_b": coach_b,
        "bakery": EntrepreneurFactory(
            municipality=heerlen,
            imk_coach=coach_a,
            ref="ENT-HRL-1",
            trade_name="Bakkerij Heerlen",
            kvk_number="12345678",
            contact_name="Piet Bakker",
            contact_phone="0612345678",
            contact_email="piet@bakkerij.example",
        ),
        "florist": EntrepreneurFactory(
            municipality=heerlen, imk_coach=coach_a, ref="ENT-HRL-2", trade_name="Bloemist Heerlen"
        ),
        "garage": EntrepreneurFactory(
            municipality=kerkrade, imk_coach=coach_b, ref="ENT-KRK-1", trade_name="Garage Kerkrade"
        ),
        "unassigned": EntrepreneurFactory(
            municipality=heerlen, imk_coach=None, ref="ENT-HRL-3", trade_name="Kapper Heerlen"
        ),
    }


def _names(response) -> set[str]:
    return {e.trade_name for e in response.context["entrepreneurs"]}


def _intern(entrepreneur, status=PlacementStatus.ACTIVE, end_reason="", **jobseeker):
    dates = {}
    if status in (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.CANCELLED):
        dates = {"actual_start": None, "actual_end": None}
    elif status == PlacementStatus.ACTIVE:
        dates = {"actual_end": None}
    return PlacementFactory(
        jobseeker=JobseekerFactory(municipality=entrepreneur.municipality, **jobseeker),
        entrepreneur=entrepreneur,
        status=status,
        end_reason=end_reason,
        **dates,
    )


def test_entrepreneur_list_imk_coach_sees_exactly_own_entrepreneurs(client, pilot):
    client.force_login(pilot["coach_a"])
    response = client.get(reverse("coaching:entrepreneur_list"))
    assert response.status_code == 200
    assert _names(response) == {"Bakkerij Heerlen", "Bloemist Heerlen"}

    client.force_login(pilot["coach_b"])
    assert _names(client.get(reverse("coaching:entrepreneur_list"))) == {"Garage Kerkrade"}


def test_entrepreneur_list_jobcoach_sees_exactly_own_municipality(client, pilot):
    client.force_login(user_with_role(Role.JOBCOACH, pilot["kerkrade"]))
    response = client.get(reverse("coaching:entrepreneur_list"))
    assert _names(response) == {"Garage Kerkrade"}


def test_entrepreneur_list_programme_admin_sees_all(client, pilot):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.get(reverse("coaching:entrepreneur_list"))
    assert _names(response) == {
        "Bakkerij Heerlen",
        "Bloemist Heerlen",
        "Garage Kerkrade",
        "Kapper Heerlen",
    }


@pytest.mark.parametrize("role", [Role.FUNDER, Role.RESEARCHER])
def test_entrepreneur_pages_funder_and_researcher_forbidden(client, pilot, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("coaching:entrepreneur_list")).status_code == 403
    detail = reverse("coaching:entrepreneur_detail", args=[pilot["bakery"].pk])
    assert client.get(detail).status_code == 403


def test_entrepreneur_list_anonymous_redirected_to_sign_in(client, pilot):
    response = client.get(reverse("coaching:entrepreneur_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_entrepreneur_list_imk_coach_sees_intern_given_name_and_state_only(client, pilot):
    _intern(pilot["bakery"], given_name="Fatima", family_name="Zwartkop-Uniek")
    client.force_login(pilot["coach_a"])
    response = client.get(reverse("coaching:entrepreneur_list"))
    page = response.content.decode()
    rows = {
        e.trade_name: (e.intern_given_name, e.intern_status)
        for e in response.context["entrepreneurs"]
    }
    assert rows == {
        "Bakkerij Heerlen": ("Fatima", PlacementStatus.ACTIVE),
        "Bloemist Heerlen": (None, None),
    }
    assert "Fatima" in page
    assert ">active<" in page
    assert "Zwartkop-Uniek" not in page
    assert "1985" not in page


def test_entrepreneur_list_reads_no_other_jobseeker_field(client, pilot, django_assert_num_queries):
    _intern(pilot["bakery"], given_name="Fatima", family_name="Zwartkop-Uniek")
    PilotSettings.load()
    client.force_login(pilot["coach_a"])
    warm_session(client)
    # 7 (the page's keys, then its rows: kernel.pagination), the IMK coach's database scope
    # (where their entrepreneurs and those entrepreneurs' interns are, set, put back) and the
    # processing log's entry with the intern shown
    with django_assert_num_queries(13) as captured:
        client.get(reverse("coaching:entrepreneur_list"))
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert '"given_name"' in sql
    for column in ("family_name", "birth_date", "client_number", "research_consent"):
        assert f'"{column}"' not in sql


def test_entrepreneur_list_current_intern_prefers_running_over_ended(client, pilot):
    bakery = pilot["bakery"]
    _intern(bakery, status=PlacementStatus.COMPLETED, given_name="Oud")
    _intern(bakery, status=PlacementStatus.AGREED, given_name="Nieuw")
    client.force_login(pilot["coach_a"])
    response = client.get(reverse("coaching:entrepreneur_list"))
    bakery_row = next(e for e in response.context["entrepreneurs"] if e.pk == bakery.pk)
    assert (bakery_row.intern_given_name, bakery_row.intern_status) == ("Nieuw", "agreed")


def test_entrepreneur_list_jobcoach_sees_free_place(client, pilot):
    _intern(pilot["bakery"], status=PlacementStatus.ACTIVE)
    _intern(pilot["florist"], status=PlacementStatus.CANCELLED, end_reason="mismatch")
    client.force_login(user_with_role(Role.JOBCOACH, pilot["heerlen"]))
    response = client.get(reverse("coaching:entrepreneur_list"))
    free = {e.trade_name: e.has_free_place for e in response.context["entrepreneurs"]}
    assert free == {"Bakkerij Heerlen": False, "Bloemist Heerlen": True, "Kapper Heerlen": True}
    page = response.content.decode()
    assert "Free place" in page
    assert "Intern" not in page


def test_entrepreneur_list_search_by_trade_name_and_ref(client, pilot):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    url = reverse("coaching:entrepreneur_list")
    assert _names(client.get(url, {"q": "bloem"})) == {"Bloemist Heerlen"}
    assert _names(client.get(url, {"q": "ent-krk"})) == {"Garage Kerkrade"}
    assert _names(client.get(url, {"q": "nothing like it"})) == set()


def test_entrepreneur_list_search_stays_within_scope(client, pilot):
    client.force_login(pilot["coach_a"])
    response = client.get(reverse("coaching:entrepreneur_list"), {"q": "Garage"})
    assert _names(response) == set()
    assert "No entrepreneur matches your search." in response.content.decode()


def test_entrepreneur_list_paginates_by_25(client):
    coach = user_with_role(Role.IMK_COACH)
    municipality = MunicipalityFactory()
    for n in range(26):
        EntrepreneurFactory(municipality=municipality, imk_coach=coach, trade_name=f"Zaak {n:02d}")
    client.force_login(coach)
    first = client.get(reverse("coaching:entrepreneur_list"))
    second = client.get(reverse("coaching:entrepreneur_list"), {"page": 2})
    assert len(first.context["entrepreneurs"]) == 25
    assert _names(second) == {"Zaak 25"}
    assert "Page 1 of 2" in first.content.decode()


def _rows(coach, municipality, count):
    for _n in range(count):
        entrepreneur = EntrepreneurFactory(municipality=municipality, imk_coach=coach)
        _intern(entrepreneur)
        GuidanceSessionFactory(entrepreneur=entrepreneur, coach=coach)


@pytest.mark.parametrize("role", [Role.IMK_COACH, Role.JOBCOACH, Role.PROGRAMME_ADMIN])
def test_entrepreneur_list_query_count_constant(client, django_assert_num_queries, role):
    municipality = MunicipalityFactory()
    coach = user_with_role(Role.IMK_COACH)
    viewer = {
        Role.IMK_COACH: coach,
        Role.JOBCOACH: user_with_role(Role.JOBCOACH, municipality),
        Role.PROGRAMME_ADMIN: user_with_role(Role.PROGRAMME_ADMIN),
    }[role]
    PilotSettings.load()
    client.force_login(viewer)
    warm_session(client)
    url = reverse("coaching:entrepreneur_list")
    _rows(coach, municipality, 1)
    # session, user, roles, pilot settings, count, the page's keys, its rows (kernel.pagination:
    # the computed columns for the page's rows only); the database scope set and put back
    # (row-level security; the programme admin's pilot-wide scope is the tests' own already);
    # an IMK coach's scope first looks up where their entrepreneurs and those entrepreneurs'
    # interns are (two indexed queries); the processing log's entry and its people where the
    # list shows the interns
    queries = {Role.IMK_COACH: 13, Role.JOBCOACH: 9, Role.PROGRAMME_ADMIN: 9}[role]
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["entrepreneurs"]) == 1
    _rows(coach, municipality, 2)
    with django_assert_num_queries(queries):
        assert len(client.get(url).context["entrepreneurs"]) == 3


def test_entrepreneur_detail_imk_coach_sees_details_and_own_sessions(client, pilot):
    bakery = pilot["bakery"]
    _intern(bakery, given_name="Fatima", family_name="Zwartkop-Uniek")
    GuidanceSessionFactory(
        entrepreneur=bakery,
        coach=pilot["coach_a"],
        held_on=datetime.date(2024, 3, 1),
        topics=["onboarding", "finances"],
        notes="Eigen notitie van Anna",
    )
    # A session by a former coach of this entrepreneur stays with its author.
    GuidanceSessionFactory(entrepreneur=bakery, coach=pilot["coach_b"], notes="Notitie van Bert")
    client.force_login(pilot["coach_a"])
    response = client.get(reverse("coaching:entrepreneur_detail", args=[bakery.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert [s.notes for s in response.context["sessions"]] == ["Eigen notitie van Anna"]
    assert "Notitie van Bert" not in page
    assert "onboarding the intern, costs and subsidies" in page
    assert "12345678" in page
    assert "Piet Bakker" in page
    assert "piet@bakkerij.example" in page
    assert "Fatima" in page
    assert "Zwartkop-Uniek" not in page
    assert reverse("coaching:session_create", args=[bakery.pk]) in page


def test_entrepreneur_detail_other_coachs_entrepreneur_not_found(client, pilot):
    client.force_login(pilot["coach_a"])
    for name in ("garage", "unassigned"):
        url = reverse("coaching:entrepreneur_detail", args=[pilot[name].pk])
        assert client.get(url).status_code == 404


def test_entrepreneur_detail_jobcoach_sees_no_notes_or_contact(client, pilot):
    bakery = pilot["bakery"]
    _intern(bakery, given_name="Fatima")
    GuidanceSessionFactory(entrepreneur=bakery, coach=pilot["coach_a"], notes="Geheime notitie")
    client.force_login(user_with_role(Role.JOBCOACH, pilot["heerlen"]))
    response = client.get(reverse("coaching:entrepreneur_detail", args=[bakery.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bakkerij Heerlen" in page
    assert "Heerlen" in page
    assert "Fatima" in page
    assert response.context["sessions"] == []
    assert "Geheime notitie" not in page
    assert "Guidance history" not in page
    assert "12345678" not in page
    assert "Piet Bakker" not in page
    assert "0612345678" not in page
    assert reverse("coaching:session_create", args=[bakery.pk]) not in page


def test_entrepreneur_detail_jobcoach_of_other_municipality_not_found(client, pilot):
    client.force_login(user_with_role(Role.JOBCOACH, pilot["kerkrade"]))
    url = reverse("coaching:entrepreneur_detail", args=[pilot["bakery"].pk])
    assert client.get(url).status_code == 404


def test_entrepreneur_detail_programme_admin_sees_every_session(client, pilot):
    bakery = pilot["bakery"]
    GuidanceSessionFactory(entrepreneur=bakery, coach=pilot["coach_a"], notes="Van Anna")
    GuidanceSessionFactory(entrepreneur=bakery, coach=pilot["coach_b"], notes="Van Bert")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.get(reverse("coaching:entrepreneur_detail", args=[bakery.pk]))
    page = response.content.decode()
    assert {s.notes for s in response.context["sessions"]} == {"Van Anna", "Van Bert"}
    assert "Coach Anna" in page
    assert "Coach Bert" in page
    assert "12345678" in page
    # Sessions are logged by IMK coaches; the admin corrects them but does not log them.
    assert reverse("coaching:session_create", args=[bakery.pk]) not in page


def test_entrepreneur_list_links_each_own_entrepreneur_to_the_session_form(client, pilot):
    client.force_login(pilot["coach_a"])
    page = client.get(reverse("coaching:entrepreneur_list")).content.decode()
    assert reverse("coaching:session_create", args=[pilot["bakery"].pk]) in page
    assert reverse("coaching:session_create", args=[pilot["florist"].pk]) in page


def test_entrepreneur_list_jobcoach_gets_no_session_links(client, pilot):
    client.force_login(user_with_role(Role.JOBCOACH, pilot["heerlen"]))
    page = client.get(reverse("coaching:entrepreneur_list")).content.decode()
    assert reverse("coaching:session_create", args=[pilot["bakery"].pk]) not in page
    assert "Log session" not in page


def test_entrepreneur_pages_jobcoach_reads_no_kvk_or_contact(
    client, pilot, django_assert_max_num_queries
):
    PilotSettings.load()
    client.force_login(user_with_role(Role.JOBCOACH, pilot["heerlen"]))
    # 20, and the database scope set and put back on each page
    with django_assert_max_num_queries(24) as captured:
        client.get(reverse("coaching:entrepreneur_list"))
        client.get(reverse("coaching:entrepreneur_detail", args=[pilot["bakery"].pk]))
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert '"trade_name"' in sql
    for column in ("kvk_number", "contact_name", "contact_phone", "contact_email"):
        assert f'"{column}"' not in sql
