"""The dashboard page: from stored snapshots only, scoped per role, no person-level data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coaching.models import Entrepreneur
from municipalities.enums import Role
from placements.models import Jobseeker
from reporting.models import MetricsSnapshot
from reporting.snapshots import snapshot_compute
from tests.factories import (
    BenefitPeriodFactory,
    GuidanceSessionFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)
from tests.helpers import warm_session

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 3, 31)


def _outflow_participant(municipality, ref):
    placement = PlacementFactory(
        jobseeker__municipality=municipality, jobseeker__ref=ref, ref=f"PL-{ref}"
    )
    BenefitPeriodFactory(
        jobseeker=placement.jobseeker,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2024, 8, 1),
        end_reason="work",
    )
    return placement


def _open_participant(municipality, ref):
    placement = PlacementFactory(
        jobseeker__municipality=municipality,
        jobseeker__ref=ref,
        ref=f"PL-{ref}",
        actual_end=datetime.date(2024, 12, 20),
        planned_end=datetime.date(2024, 12, 20),
    )
    BenefitPeriodFactory(jobseeker=placement.jobseeker, start_date=datetime.date(2020, 1, 1))
    return placement


@pytest.fixture
def two_municipalities():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle")
    _outflow_participant(heerlen, "HRL-1")
    _open_participant(heerlen, "HRL-2")
    _outflow_participant(zwolle, "ZWL-1")
    _outflow_participant(zwolle, "ZWL-2")
    _open_participant(zwolle, "ZWL-3")
    return heerlen, zwolle


def _get(client, user, as_of=AS_OF, **extra):
    client.force_login(user)
    return client.get(reverse("reporting:dashboard"), {"as_of": as_of.isoformat()}, **extra)


def test_dashboard_shows_headline_and_all_charts_for_funder(client, two_municipalities):
    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    response = _get(client, user_with_role(Role.FUNDER))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong data-figure="outflow">3 participants left benefits</strong>' in html
    assert '<span data-figure="target">target: 10</span>' in html
    assert (
        "5 participants have started an internship so far, for 20 planned places. The target: "
        "10 participants leave benefits within a year after their internship."
    ) in html
    assert snapshot.totals["outflow"] == 3
    for title in (
        "Cumulative outflow against the target",
        "Outflow against target per municipality",
        "Placement funnel",
        "Time to outflow after the internship",
        "IMK guidance per entrepreneur",
    ):
        assert html.count(f">{title}</title>") == 1
        assert html.count(f'<h2 class="chart-title">{title}</h2>') == 1
    # The five charts and the savings chart (its own tests: test_savings_dashboard).
    assert html.count('<details class="chart-details"') == 6
    assert "Cost per outflow" in html
    assert "€ 33,333" in html  # 100,000 / 3


def test_dashboard_has_no_person_level_data_for_funder_or_researcher(client, two_municipalities):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    people = list(Jobseeker.objects.values_list("ref", "given_name", "family_name"))
    entrepreneurs = list(Entrepreneur.objects.all())
    for role in (Role.FUNDER, Role.RESEARCHER):
        html = _get(client, user_with_role(role)).content.decode()
        for ref, given, family in people:
            assert ref not in html
            assert given not in html
            assert family not in html
        for entrepreneur in entrepreneurs:
            assert entrepreneur.trade_name not in html
            assert entrepreneur.ref not in html


def test_jobcoach_dashboard_shows_only_their_municipality(client, two_municipalities):
    heerlen, _zwolle = two_municipalities
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    response = _get(client, user_with_role(Role.JOBCOACH, heerlen))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dashboard: Heerlen" in html
    assert '<strong data-figure="outflow">1 participant left benefits</strong>' in html
    assert '<span data-figure="target">target: 5</span>' in html
    assert "Zwolle" not in html
    assert "GM0193" not in html
    # The funnel counts Heerlen's two placements only.
    assert "2 placements in total" in html
    # No budget figures for a single municipality.
    assert "Cost per outflow" not in html


def test_imk_coach_and_anonymous_cannot_open_the_dashboard(client, two_municipalities):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    assert _get(client, user_with_role(Role.IMK_COACH)).status_code == 403
    client.logout()
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 302


def test_dashboard_renders_for_an_empty_pilot(client):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    response = _get(client, user_with_role(Role.PROGRAMME_ADMIN))
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 of 0" in html
    assert "no outflow yet" in html
    # The five charts and the savings against the budget, empty but drawn.
    assert html.count('role="img"') == 6


def test_dashboard_without_snapshot_shows_computing_state_and_computes_nothing(
    client, two_municipalities
):
    response = _get(client, user_with_role(Role.FUNDER), as_of=datetime.date(2024, 12, 31))
    html = response.content.decode()
    assert response.status_code == 200
    assert "are being computed" in html
    assert 'hx-trigger="every 2s"' in html
    assert "/dashboard/status/?as_of=2024-12-31" in html
    assert MetricsSnapshot.objects.count() == 0  # the worker computes it, not the request

    status = client.get(reverse("reporting:dashboard_status"), {"as_of": "2024-12-31"})
    assert status.status_code == 200
    assert "are being computed" in status.content.decode()

    snapshot_compute(as_of=datetime.date(2024, 12, 31), trigger="on_demand")
    status = client.get(reverse("reporting:dashboard_status"), {"as_of": "2024-12-31"})
    assert status.status_code == 204
    assert status["HX-Refresh"] == "true"


def test_dashboard_refuses_a_future_date(client, two_municipalities):
    future = datetime.date.today() + datetime.timedelta(days=30)
    html = _get(client, user_with_role(Role.FUNDER), as_of=future).content.decode()
    assert "Choose today or a date in the past." in html


def _dashboard_queries(client, user) -> int:
    client.force_login(user)
    warm_session(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:dashboard"), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_the_data(client):
    from django.core.cache import cache

    small = MunicipalityFactory(code="GM0917", name="Heerlen")
    _outflow_participant(small, "A-1")
    GuidanceSessionFactory(entrepreneur__municipality=small)
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    one = _dashboard_queries(client, admin)
    cached_one = _dashboard_queries(client, admin)

    MetricsSnapshot.objects.all().delete()
    cache.clear()
    for i in range(2, 5):
        other = MunicipalityFactory(code=f"GM010{i}")
        _outflow_participant(other, f"B-{i}")
        _open_participant(small, f"C-{i}")
        GuidanceSessionFactory(entrepreneur__municipality=other)
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    many = _dashboard_queries(client, admin)
    cached_many = _dashboard_queries(client, admin)

    assert one == many
    assert cached_one == cached_many
    # With the figures cached, the page reads the session, the user, the roles, the
    # snapshot's id and date, whether the report form's municipalities are few enough for a
    # select (at most 21 rows), and then its options: one query each.
    assert cached_many == 6


def test_dashboard_never_reads_jobseekers_or_benefit_periods(client, two_municipalities):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    client.force_login(user_with_role(Role.FUNDER))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("reporting:dashboard"), {"as_of": AS_OF.isoformat()})
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "placements_jobseeker" not in sql
    assert "placements_benefitperiod" not in sql
    assert not re.search(r"given_name|family_name|birth_date", sql)


def test_dashboard_offers_the_report_form_for_the_chosen_date(client, two_municipalities):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    html = _get(client, user_with_role(Role.FUNDER)).content.decode()
    assert f'action="{reverse("reporting:report_list")}"' in html
    assert 'id="report-as_of"' in html
    assert 'value="2025-03-31"' in html
    assert '<option value="funder"' in html
    assert '<option value="research"' not in html
    assert html.count('id="id_as_of"') == 1


def test_the_figures_are_put_into_the_page_once_in_place_of_their_mark(client, two_municipalities):
    from reporting.dashboard import WHOLE_PILOT, dashboard_figures_html

    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    response = _get(client, user_with_role(Role.PROGRAMME_ADMIN))
    html = response.content.decode()

    figures = dashboard_figures_html(snapshot=snapshot, scope=WHOLE_PILOT)
    assert html.count(figures) == 1
    # Where the template put them: after the date form, before the report form.
    assert html.index("Show figures") < html.index(figures) < html.index("Render report")
    assert "<!-- figures" not in html
