"""Issue 17, pilot-wide lists in the admin: the search through index-backed subqueries finds
what Django's own search finds, page 1 of a joined changelist keeps its order, the side bar is
off while the index still lists every page, and the processing log counts its people per row
and estimates a count of millions."""

import pytest
from django.contrib import admin as django_admin
from django.db.models import Q
from django.urls import reverse

from kernel.pagination import EstimatingPaginator, planned_rows
from kernel.search import follows_keys, key_in
from municipalities.admin_base import ImkCoachFilter
from municipalities.enums import Role
from municipalities.processing_log import record_read
from placements.models import BenefitCheck, Jobseeker, Placement
from privacy.models import ProcessingEntry
from tests.factories import (
    EntrepreneurFactory,
    JobseekerFactory,
    PlacementFactory,
    user_with_role,
)

from .pages import two_municipalities

pytestmark = pytest.mark.django_db

PLACEMENTS = reverse("admin:placements_placement_changelist")


@pytest.fixture
def admin_client(client):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    return client


def _shown(response) -> list[str]:
    return [row.ref for row in response.context["cl"].result_list]


def _djangos_search(user, term: str) -> list[str]:
    """The refs Django's own ``ModelAdmin.get_search_results`` finds for ``term``."""
    from django.test import RequestFactory

    model_admin = django_admin.site._registry[Placement]
    request = RequestFactory().get(PLACEMENTS, {"q": term})
    request.user = user
    found, _duplicates = django_admin.ModelAdmin.get_search_results(
        model_admin, request, Placement.objects.order_by("ref"), term
    )
    return [p.ref for p in found]


@pytest.mark.parametrize(
    "term",
    ["ZWL-001-P1", "hrl-001", "ent-zwl", "Bakkerij", "Ayla", "Jansen", "ayla jansen", '"ayla jan"'],
)
def test_admin_placement_search_finds_what_djangos_search_finds(client, term):
    a, b = two_municipalities()
    a.jobseeker.given_name, a.jobseeker.family_name = "Ayla", "Jansen"
    a.jobseeker.save()
    b.entrepreneur.trade_name = "Bakkerij Zwolle"
    b.entrepreneur.save()
    user = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(user)
    shown = _shown(client.get(PLACEMENTS, {"q": term}))
    assert shown == _djangos_search(user, term)
    expected = {
        "ZWL-001-P1": ["ZWL-001-P1"],
        "hrl-001": ["HRL-001-P1"],
        "ent-zwl": ["ZWL-001-P1"],
        "Bakkerij": ["ZWL-001-P1"],
        "Ayla": ["HRL-001-P1"],
        "Jansen": ["HRL-001-P1"],
        "ayla jansen": ["HRL-001-P1"],
        '"ayla jan"': [],
    }
    assert shown == expected[term]


def test_admin_search_reads_no_whole_table_under_or(admin_client):
    # The related rows' keys as an array (an index scan per arm), not IN under OR (a scan).
    two_municipalities()
    response = admin_client.get(PLACEMENTS, {"q": "HRL"})
    assert _shown(response) == ["HRL-001-P1"]
    sql = str(response.context["cl"].queryset.query)
    assert '"placements_placement"."jobseeker_id" = ANY(ARRAY(SELECT' in sql
    assert " IN (SELECT" not in sql


def test_key_in_means_what_in_means():
    a, b = two_municipalities()
    JobseekerFactory(municipality=a.municipality)  # without a placement
    people = Jobseeker.objects.filter(Q(ref__startswith="HRL") | Q(ref__startswith="ZWL"))
    for rows in (people, people.filter(ref="HRL-001"), Jobseeker.objects.none()):
        assert set(Placement.objects.filter(key_in("jobseeker_id", rows))) == set(
            Placement.objects.filter(jobseeker_id__in=rows)
        )
        assert set(Placement.objects.exclude(key_in("jobseeker_id", rows))) == set(
            Placement.objects.exclude(jobseeker_id__in=rows)
        )


def test_follows_keys_only_through_foreign_keys_to_columns():
    assert follows_keys(Placement, "ref")
    assert follows_keys(Placement, "jobseeker__family_name")
    assert follows_keys(BenefitCheck, "placement__jobseeker__ref")
    assert not follows_keys(Placement, "jobseeker")  # a relation, not a column
    assert not follows_keys(Placement, "ref__iexact")  # a lookup
    assert not follows_keys(Jobseeker, "placements__ref")  # a reverse relation
    assert not follows_keys(Placement, "nothing")


def test_admin_page_one_with_a_filter_keeps_the_order(admin_client):
    a, _b = two_municipalities()
    for n in (3, 1, 2):
        entrepreneur = EntrepreneurFactory(municipality=a.municipality)
        PlacementFactory(
            jobseeker=JobseekerFactory(municipality=a.municipality),
            entrepreneur=entrepreneur,
            ref=f"HRL-X{n}",
        )
    response = admin_client.get(PLACEMENTS, {"municipality": "heerlen"})
    assert _shown(response) == ["HRL-001-P1", "HRL-X1", "HRL-X2", "HRL-X3"]
    # The related rows still come with the page's rows (list_select_related).
    row = response.context["cl"].result_list[0]
    assert "jobseeker" in row._state.fields_cache and "entrepreneur" in row._state.fields_cache


def test_admin_has_no_side_bar_but_its_index_lists_every_page(admin_client):
    two_municipalities()
    page = admin_client.get(PLACEMENTS).content.decode()
    assert 'id="nav-sidebar"' not in page
    index = admin_client.get(reverse("admin:index")).content.decode()
    for model in django_admin.site._registry:
        opts = model._meta
        assert reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") in index
    app = admin_client.get(reverse("admin:app_list", kwargs={"app_label": "placements"}))
    assert reverse("admin:placements_placement_changelist") in app.content.decode()


def test_admin_processing_log_counts_each_rows_people(admin_client):
    a, b = two_municipalities()
    record_read([a.jobseeker, b.jobseeker])
    record_read([a.jobseeker])
    response = admin_client.get(reverse("admin:privacy_processingentry_changelist"))
    # The changelist's own read is not logged (the log shows no person): two entries.
    counts = [entry.people_count for entry in response.context["cl"].result_list]
    assert sorted(counts) == [1, 2]
    assert response.context["cl"].result_count == 2
    assert "about" not in response.content.decode().split('class="paginator"')[1]


def test_estimating_paginator_counts_exactly_under_its_threshold_else_estimates():
    a, b = two_municipalities()
    for _ in range(3):
        record_read([a.jobseeker, b.jobseeker])
    entries = ProcessingEntry.objects.order_by("-at", "-id")
    exact = EstimatingPaginator(entries, 2)
    assert exact.count == 3 and not exact.estimated
    assert [e.pk for e in exact.page(2)] == [entries[2].pk]

    estimating = EstimatingPaginator(entries, 2)
    estimating.exact_below = 0
    assert estimating.count == planned_rows(entries) and estimating.estimated
    # A page past the estimate's end is empty, not an error; page 1 the newest rows.
    assert list(estimating.page(1000)) == []
    assert [e.pk for e in estimating.page(1)] == [e.pk for e in entries[:2]]


def test_admin_pagination_says_about_for_an_estimate(admin_client, monkeypatch):
    a, _b = two_municipalities()
    record_read([a.jobseeker])
    monkeypatch.setattr(EstimatingPaginator, "exact_below", 0)
    page = admin_client.get(reverse("admin:privacy_processingentry_changelist"))
    paginator = page.content.decode().split('class="paginator"')[1].split("</p>")[0]
    assert f"about {page.context['cl'].result_count}" in paginator


def test_admin_coach_filters_offer_the_imk_coaches_only(admin_client):
    from tests.factories import GuidanceSessionFactory

    a, _b = two_municipalities()  # two jobcoaches, who coach no entrepreneur
    coach = user_with_role(Role.IMK_COACH, email="coach@example.org")
    other = user_with_role(Role.IMK_COACH, email="other-coach@example.org")
    session = GuidanceSessionFactory(entrepreneur=a.entrepreneur, coach=coach)
    GuidanceSessionFactory(entrepreneur=a.entrepreneur, coach=other)
    for url in (
        reverse("admin:coaching_guidancesession_changelist"),
        reverse("admin:coaching_entrepreneur_changelist"),
    ):
        response = admin_client.get(url)
        (spec,) = [f for f in response.context["cl"].filter_specs if isinstance(f, ImkCoachFilter)]
        assert spec.lookup_choices == [(coach.pk, str(coach)), (other.pk, str(other))]
        assert a.jobcoach.email not in response.content.decode()
    filtered = admin_client.get(
        reverse("admin:coaching_guidancesession_changelist"), {"coach__id__exact": coach.pk}
    )
    assert list(filtered.context["cl"].result_list) == [session]


def test_admin_users_filter_by_a_typed_municipality_of_their_roles(admin_client):
    a, b = two_municipalities()
    url = reverse("admin:municipalities_user_changelist")
    page = admin_client.get(url)
    assert 'id="changelist-filter-municipality"' in page.content.decode()
    for params in (
        {"municipality": "zwolle"},
        {"municipality": "GM0193"},
        {"role_assignments__municipality__id__exact": b.municipality.pk},
    ):
        response = admin_client.get(url, params)
        assert list(response.context["cl"].result_list) == [b.jobcoach], params
