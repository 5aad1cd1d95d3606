"""The JSON API reads through the same access rules as the pages."""

import datetime

import pytest

from municipalities.enums import Role
from reporting.metrics import metrics_as_json_dict
from reporting.selectors import compute_metrics
from reporting.snapshots import snapshot_compute
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

AS_OF = datetime.date(2025, 9, 30)


@pytest.fixture
def two_municipalities(db):
    a = MunicipalityFactory(code="GM0917", name="Heerlen")
    b = MunicipalityFactory(code="GM0193", name="Zwolle")
    coach_a = user_with_role(Role.IMK_COACH)
    placements = {}
    for municipality, prefix, coach in ((a, "HRL", coach_a), (b, "ZWL", None)):
        entrepreneur = EntrepreneurFactory(
            municipality=municipality, ref=f"ENT-{prefix}", imk_coach=coach
        )
        placement = PlacementFactory(
            ref=f"PL-{prefix}",
            entrepreneur=entrepreneur,
            jobseeker__municipality=municipality,
            jobseeker__ref=f"{prefix}-001",
        )
        BenefitPeriodFactory(
            jobseeker=placement.jobseeker,
            start_date=datetime.date(2021, 1, 1),
            end_date=datetime.date(2024, 9, 30),
            end_reason="work",
        )
        placements[prefix] = placement
    return a, b, coach_a, placements


def _refs(response):
    assert response.status_code == 200
    return [row["ref"] for row in response.json()["results"]]


@pytest.mark.parametrize("resource", ["jobseekers", "placements", "entrepreneurs"])
def test_api_jobcoach_lists_exactly_own_municipality(client, two_municipalities, resource):
    a, _b, _coach, _placements = two_municipalities
    client.force_login(user_with_role(Role.JOBCOACH, a))
    expected = {"jobseekers": ["HRL-001"], "placements": ["PL-HRL"], "entrepreneurs": ["ENT-HRL"]}
    assert _refs(client.get(f"/api/v1/{resource}/")) == expected[resource]


@pytest.mark.parametrize(
    "path", ["jobseekers/ZWL-001/", "placements/PL-ZWL/", "entrepreneurs/ENT-ZWL/"]
)
def test_api_other_municipality_row_is_404(client, two_municipalities, path):
    a, _b, _coach, _placements = two_municipalities
    client.force_login(user_with_role(Role.JOBCOACH, a))
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert "ZWL" not in response.content.decode().replace(path, "")


def test_api_admin_lists_every_municipality(client, two_municipalities):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    assert _refs(client.get("/api/v1/jobseekers/")) == ["HRL-001", "ZWL-001"]
    assert client.get("/api/v1/jobseekers/ZWL-001/").json()["municipality_code"] == "GM0193"


def test_api_imk_coach_sees_own_placements_without_who(client, two_municipalities):
    _a, _b, coach, _placements = two_municipalities
    client.force_login(coach)
    rows = client.get("/api/v1/placements/").json()["results"]
    assert [(r["ref"], r["jobseeker_ref"], r["status"]) for r in rows] == [
        ("PL-HRL", None, "completed")
    ]
    assert client.get("/api/v1/jobseekers/").status_code == 403
    assert _refs(client.get("/api/v1/entrepreneurs/")) == ["ENT-HRL"]


@pytest.mark.parametrize("role", [Role.FUNDER, Role.RESEARCHER])
@pytest.mark.parametrize("resource", ["jobseekers", "placements", "entrepreneurs"])
def test_api_aggregate_roles_get_no_person_level_rows(client, two_municipalities, role, resource):
    client.force_login(user_with_role(role))
    assert client.get(f"/api/v1/{resource}/").status_code == 403
    assert client.get(f"/api/v1/{resource}/HRL-001/").status_code == 403


def test_api_requires_sign_in(client, two_municipalities):
    # Neither a session nor a token: 401, naming the bearer scheme (api-write.md).
    response = client.get("/api/v1/jobseekers/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert client.get("/api/v1/metrics/").status_code == 401


def test_api_list_query_count_does_not_grow(client, two_municipalities, django_assert_num_queries):
    a, _b, _coach, _placements = two_municipalities
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    client.get("/api/v1/placements/")  # warm the session and access caches
    # ... and the processing log: the people of the references shown, the entry, its people
    with django_assert_num_queries(8):
        client.get("/api/v1/placements/")
    for n in range(2):
        PlacementFactory(ref=f"PL-EXTRA-{n}", jobseeker__municipality=a)
    with django_assert_num_queries(8):
        assert len(client.get("/api/v1/placements/").json()["results"]) == 4


def test_api_metrics_equal_pilot_metrics_for_admin(client, two_municipalities):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    body = client.get("/api/v1/metrics/", {"as_of": "2025-09-30"}).json()
    expected = metrics_as_json_dict(compute_metrics(as_of=AS_OF))
    assert body["totals"] == expected["totals"]
    assert body["municipalities"] == expected["municipalities"]
    assert body["participants"] == expected["participants"]


def test_api_metrics_of_jobcoach_hold_only_their_municipality(client, two_municipalities):
    a, _b, _coach, _placements = two_municipalities
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    client.force_login(user_with_role(Role.JOBCOACH, a))
    body = client.get("/api/v1/metrics/", {"as_of": "2025-09-30"}).json()
    assert [m["code"] for m in body["municipalities"]] == ["GM0917"]
    assert [p["ref"] for p in body["participants"]] == ["HRL-001"]
    assert body["totals"]["participants"] == 1
    assert body["totals"]["outflow"] == 1


def test_api_metrics_for_funder_are_aggregate_only(client, two_municipalities):
    snapshot_compute(as_of=AS_OF, trigger="on_demand")
    client.force_login(user_with_role(Role.FUNDER))
    body = client.get("/api/v1/metrics/", {"as_of": "2025-09-30"}).json()
    assert "participants" not in body
    assert body["totals"]["participants"] == 2
    assert "HRL-001" not in str(body)


def test_api_metrics_without_snapshot_answer_202_and_compute_nothing(client, two_municipalities):
    from reporting.models import MetricsSnapshot

    client.force_login(user_with_role(Role.FUNDER))
    response = client.get("/api/v1/metrics/", {"as_of": "2025-09-30"})
    assert response.status_code == 202
    assert response.json() == {"as_of": "2025-09-30", "status": "computing"}
    assert not MetricsSnapshot.objects.exists()


def test_api_metrics_refuses_a_bad_date(client, two_municipalities):
    client.force_login(user_with_role(Role.FUNDER))
    response = client.get("/api/v1/metrics/", {"as_of": "30-09-2025"})
    assert response.status_code == 400
    assert "as_of" in response.json()


def test_api_schema_describes_the_endpoints(client, two_municipalities):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"/api/v1/jobseekers/", "/api/v1/placements/", "/api/v1/metrics/"} <= set(
        schema["paths"]
    )
