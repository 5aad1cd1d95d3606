"""Issue 17, pilot-wide lists: the municipality as a search field, its suggestions scoped by
access, and deep pages (keys first) in the same order as before."""

import datetime

import pytest
from django.urls import reverse

from municipalities.enums import Role
from tests.factories import (
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

from .pages import two_municipalities

pytestmark = pytest.mark.django_db

JOBSEEKERS = reverse("placements:jobseeker_list")
PLACEMENTS = reverse("placements:placement_list")
SUGGEST = reverse("municipalities:municipality_suggest")


def _refs(response) -> list[str]:
    return [row.ref for row in response.context["object_list"]]


def test_municipality_filter_by_typed_name_code_or_id(client):
    a, b = two_municipalities()
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    for value in ("Zwolle", "zwolle", "GM0193", "gm0193", str(b.municipality.pk), "wol"):
        assert _refs(client.get(JOBSEEKERS, {"municipality": value})) == ["ZWL-001"], value
        assert _refs(client.get(PLACEMENTS, {"municipality": value})) == ["ZWL-001-P1"], value
    assert _refs(client.get(JOBSEEKERS, {"municipality": "nergens"})) == []


def test_municipality_filter_part_of_a_name_finds_every_municipality_holding_it(client):
    a, _b = two_municipalities()
    heerde = MunicipalityFactory(code="GM0246", name="Heerde")
    JobseekerFactory(municipality=heerde, ref="HRD-001")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    assert _refs(client.get(JOBSEEKERS, {"municipality": "heer"})) == ["HRD-001", "HRL-001"]
    # An exact name is that municipality only.
    assert _refs(client.get(JOBSEEKERS, {"municipality": "Heerde"})) == ["HRD-001"]


def test_municipality_filter_never_widens_a_jobcoachs_list(client):
    a, b = two_municipalities()
    c = MunicipalityFactory(code="GM0200", name="Apeldoorn")
    JobseekerFactory(municipality=c, ref="APD-001")
    coach = user_with_role(Role.JOBCOACH, a.municipality, c)
    client.force_login(coach)
    assert _refs(client.get(JOBSEEKERS, {"municipality": "Zwolle"})) == []
    assert _refs(client.get(JOBSEEKERS, {"municipality": str(b.municipality.pk)})) == []
    assert _refs(client.get(JOBSEEKERS, {"municipality": "apel"})) == ["APD-001"]


def test_municipality_field_is_a_search_with_suggestions_not_a_select(client):
    two_municipalities()
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    page = client.get(JOBSEEKERS).content.decode()
    assert '<select name="municipality"' not in page
    assert 'type="search" name="municipality"' in page
    assert 'list="id_municipality_options"' in page
    assert '<datalist id="id_municipality_options"></datalist>' in page
    assert f'hx-get="{SUGGEST}"' in page


def test_suggestions_hold_only_the_visible_municipalities(client):
    a, b = two_municipalities()
    MunicipalityFactory(code="GM0246", name="Heerde")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    answer = client.get(SUGGEST, {"municipality": "heer"}).content.decode()
    assert '<option value="Heerde">GM0246</option>' in answer
    assert '<option value="Heerlen">GM0917</option>' in answer
    assert "Zwolle" not in answer
    # A jobcoach of Heerlen and Zwolle: their two, whatever is typed.
    client.force_login(user_with_role(Role.JOBCOACH, a.municipality, b.municipality))
    answer = client.get(SUGGEST, {"municipality": "e"}).content.decode()
    assert "Heerlen" in answer and "Zwolle" in answer and "Heerde" not in answer
    client.force_login(a.jobcoach)
    assert "Zwolle" not in client.get(SUGGEST, {"municipality": "zwo"}).content.decode()


def test_deep_pages_keep_the_order_of_the_list(client):
    a, _b = two_municipalities()
    start = datetime.date(2024, 1, 1)
    for n in range(60):
        jobseeker = JobseekerFactory(municipality=a.municipality, ref=f"HRL-{n + 100:03d}")
        PlacementFactory(
            jobseeker=jobseeker,
            entrepreneur=a.entrepreneur,
            ref=f"HRL-{n + 100:03d}-P1",
            planned_start=start + datetime.timedelta(days=n // 2),
            planned_end=start + datetime.timedelta(days=120),
        )
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    shown = []
    for page in (1, 2, 3):
        shown += _refs(client.get(PLACEMENTS, {"page": page}))
    placements = a.placement.__class__.objects.order_by("-planned_start", "ref")
    assert shown == [p.ref for p in placements]
    jobseekers = []
    for page in (1, 2, 3):
        jobseekers += _refs(client.get(JOBSEEKERS, {"page": page}))
    everyone = a.jobseeker.__class__.objects.order_by("ref").values_list("ref", flat=True)
    assert jobseekers == list(everyone) and len(jobseekers) == 62


def test_admin_changelist_filters_by_typed_municipality(client):
    a, b = two_municipalities()
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    url = reverse("admin:placements_placement_changelist")
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="changelist-filter-municipality"' in page.content.decode()
    for params in ({"municipality": "zwolle"}, {"municipality__id__exact": b.municipality.pk}):
        response = client.get(url, params)
        assert [p.ref for p in response.context["cl"].result_list] == ["ZWL-001-P1"], params


def test_admin_action_checkbox_is_djangos_markup():
    from django.contrib import admin as django_admin

    from placements.admin import JobseekerAdmin
    from placements.models import Jobseeker

    a, _b = two_municipalities()
    model_admin = JobseekerAdmin(Jobseeker, django_admin.site)
    ours = model_admin.action_checkbox(a.jobseeker)
    assert ours == django_admin.ModelAdmin.action_checkbox(model_admin, a.jobseeker)
    assert 'name="_selected_action"' in ours
