"""The write API of api-write.md: statuses, error body, scope, idempotency, all or nothing,
the audit and correction trace, rate limits."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from coaching.models import Entrepreneur
from municipalities.enums import Role
from municipalities.models import AuditEvent, Correction
from placements.models import BenefitPeriod, Jobseeker, Placement, PlacementStateChange
from tests.factories import (
    BenefitPeriodFactory,
    EntrepreneurFactory,
    JobseekerFactory,
    MunicipalityFactory,
    user_with_role,
)

from .helpers import bearer, make_client

pytestmark = pytest.mark.django_db

ENTREPRENEUR = {
    "municipality_code": "GM0917",
    "trade_name": "Bakkerij Het Zuiden",
    "kvk_number": "14092231",
    "prior_support": "bbz_start",
}
JOBSEEKER = {
    "municipality_code": "GM0917",
    "given_name": "Ayla",
    "family_name": "Jansen",
    "birth_date": "1988-04-12",
    "research_consent": "yes",
}
PLACEMENT = {
    "jobseeker_ref": "HRL-001",
    "entrepreneur_ref": "ENT-HRL-1",
    "status": "completed",
    "planned_start": "2024-01-08",
    "planned_end": "2024-06-07",
    "actual_start": "2024-01-08",
    "actual_end": "2024-06-07",
    "end_reason": None,
}
PERIOD_PATH = "/api/v1/jobseekers/HRL-001/benefit-periods/participatiewet/2021-03-01/"
PERIOD = {"end_date": "2024-09-30", "end_reason": "work", "monthly_amount": "1285.40"}


@pytest.fixture
def world(db):
    a = MunicipalityFactory(code="GM0917", name="Heerlen")
    b = MunicipalityFactory(code="GM0193", name="Zwolle")
    client_a, token_a = make_client("Heerlen benefits", "GM0917")
    client_b, token_b = make_client("Zwolle benefits", "GM0193")
    pilot, token_pilot = make_client("IMK lists", pilot_wide=True)
    return {
        "a": a,
        "b": b,
        "client_a": client_a,
        "token_a": token_a,
        "client_b": client_b,
        "token_b": token_b,
        "pilot": pilot,
        "token_pilot": token_pilot,
    }


def put(api, path, body, token):
    return api.put(path, body, content_type="application/json", **bearer(token))


def push_heerlen(api, token):
    assert put(api, "/api/v1/entrepreneurs/ENT-HRL-1/", ENTREPRENEUR, token).status_code == 201
    assert put(api, "/api/v1/jobseekers/HRL-001/", JOBSEEKER, token).status_code == 201
    assert put(api, "/api/v1/placements/PL-HRL-001/", PLACEMENT, token).status_code == 201
    assert put(api, PERIOD_PATH, PERIOD, token).status_code == 201


def test_put_creates_with_201_and_answers_the_row_as_stored(client, world):
    response = put(client, "/api/v1/entrepreneurs/ENT-HRL-1/", ENTREPRENEUR, world["token_a"])
    assert response.status_code == 201
    assert response.json() == {"ref": "ENT-HRL-1", **ENTREPRENEUR}
    put(client, "/api/v1/jobseekers/HRL-001/", JOBSEEKER, world["token_a"])
    response = put(client, "/api/v1/placements/PL-HRL-001/", PLACEMENT, world["token_a"])
    assert response.status_code == 201
    assert response.json() == {
        "ref": "PL-HRL-001",
        "municipality_code": "GM0917",
        "hours_per_week": None,
        **PLACEMENT,
    }
    response = put(client, PERIOD_PATH, PERIOD, world["token_a"])
    assert response.status_code == 201
    assert response.json() == {
        "jobseeker_ref": "HRL-001",
        "benefit_type": "participatiewet",
        "start_date": "2021-03-01",
        **PERIOD,
    }
    period = BenefitPeriod.objects.get()
    assert (period.monthly_amount, period.end_reason) == (Decimal("1285.40"), "work")
    assert client.get(PERIOD_PATH, **bearer(world["token_a"])).json() == response.json()


def test_the_same_put_twice_changes_nothing_the_second_time(client, world):
    push_heerlen(client, world["token_a"])
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Entrepreneur, Jobseeker, Placement, BenefitPeriod, PlacementStateChange)
    }
    audit, corrections = AuditEvent.objects.count(), Correction.objects.count()
    for path, body in (
        ("/api/v1/entrepreneurs/ENT-HRL-1/", ENTREPRENEUR),
        ("/api/v1/jobseekers/HRL-001/", JOBSEEKER),
        ("/api/v1/placements/PL-HRL-001/", PLACEMENT),
        (PERIOD_PATH, PERIOD),
    ):
        response = put(client, path, body, world["token_a"])
        assert response.status_code == 200
    # A body that says the same in other words (an amount without its trailing zero) too.
    response = put(client, PERIOD_PATH, {**PERIOD, "monthly_amount": "1285.4"}, world["token_a"])
    assert response.status_code == 200
    after = {model: list(model.objects.order_by("pk").values()) for model in before}
    assert after == before
    assert (AuditEvent.objects.count(), Correction.objects.count()) == (audit, corrections)


def test_a_change_is_a_correction_by_the_client_with_source_api(client, world):
    push_heerlen(client, world["token_a"])
    response = put(client, PERIOD_PATH, {**PERIOD, "monthly_amount": "1300.00"}, world["token_a"])
    assert response.status_code == 200
    assert response.json()["monthly_amount"] == "1300.00"
    period = BenefitPeriod.objects.get()
    assert period.version == 2
    correction = Correction.objects.get()
    assert correction.changes == {"monthly_amount": ["1285.40", "1300.00"]}
    assert (correction.source, correction.changed_by_id, correction.changed_by_client) == (
        "api",
        None,
        world["client_a"],
    )
    assert correction.reason == "Changed through the API"
    events = list(
        AuditEvent.objects.filter(api_client=world["client_a"])
        .order_by("at", "pk")
        .values_list("action", "object_type", "object_ref", "municipality__code", "actor")
    )
    assert events == [
        ("api_create", "entrepreneur", "ENT-HRL-1", "GM0917", None),
        ("api_create", "jobseeker", "HRL-001", "GM0917", None),
        ("api_create", "placement", "PL-HRL-001", "GM0917", None),
        ("api_create", "benefit_period", "HRL-001", "GM0917", None),
        ("api_update", "benefit_period", "HRL-001", "GM0917", None),
    ]
    # No names in the audit log.
    assert "Ayla" not in str(list(AuditEvent.objects.values()))


def test_a_status_step_is_recorded_as_done_by_the_client(client, world):
    push_heerlen(client, world["token_a"])
    change = PlacementStateChange.objects.get()
    assert (change.from_status, change.to_status, change.source) == ("", "completed", "api")
    assert (change.changed_by, change.changed_by_client) == (None, world["client_a"])


def test_invalid_input_lists_every_problem_and_writes_nothing(client, world):
    push_heerlen(client, world["token_a"])
    body = {
        **PLACEMENT,
        "planned_end": "2024-02-07",
        "status": "terminated",
        "end_reason": None,
        "actual_end": "07-06-2024",
    }
    before = list(Placement.objects.values())
    response = put(client, "/api/v1/placements/PL-HRL-001/", body, world["token_a"])
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": "actual_end",
                "message": "07-06-2024 is not a date; write dates as YYYY-MM-DD.",
            }
        ]
    }
    body["actual_end"] = "2024-06-07"
    response = put(client, "/api/v1/placements/PL-HRL-001/", body, world["token_a"])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {
        "field": "planned_end",
        "message": "The planned end must be at least 3 months after the start.",
    } in errors
    assert {e["field"] for e in errors} >= {"planned_end", "end_reason"}
    assert list(Placement.objects.values()) == before
    assert not PlacementStateChange.objects.exclude(to_status="completed").exists()


def test_the_body_must_carry_every_column_as_a_string_or_null(client, world):
    body = {**ENTREPRENEUR, "kvk_number": 14092231, "ref": "ENT-X", "extra": "1"}
    del body["prior_support"]
    response = put(client, "/api/v1/entrepreneurs/ENT-HRL-1/", body, world["token_a"])
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": None,
                "message": "Unknown field 'ref'; the fields are municipality_code, trade_name, "
                "kvk_number, prior_support.",
            },
            {
                "field": None,
                "message": "Unknown field 'extra'; the fields are municipality_code, "
                "trade_name, kvk_number, prior_support.",
            },
            {"field": "kvk_number", "message": "Give a string, or null when empty."},
            {"field": "prior_support", "message": "This field is required (null when empty)."},
        ]
    }
    assert put(client, "/api/v1/entrepreneurs/ENT-HRL-1/", [1], world["token_a"]).json() == {
        "errors": [{"field": None, "message": "The body must be a JSON object."}]
    }
    response = client.put(
        "/api/v1/entrepreneurs/ENT-HRL-1/",
        "{not json",
        content_type="application/json",
        **bearer(world["token_a"]),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] is None
    response = put(
        client,
        "/api/v1/entrepreneurs/ENT-HRL-1/",
        {**ENTREPRENEUR, "trade_name": "Bakkerij\x00"},
        world["token_a"],
    )
    assert response.json() == {
        "errors": [
            {"field": "trade_name", "message": "This contains a character that is not text."}
        ]
    }
    assert not Entrepreneur.objects.exists()


def test_the_rules_of_the_import_apply(client, world):
    body = {**ENTREPRENEUR, "municipality_code": "GM9999", "kvk_number": "1234"}
    response = put(client, "/api/v1/entrepreneurs/bad ref/", body, world["token_pilot"])
    assert response.status_code == 404  # a ref outside the rule names no row
    response = put(client, "/api/v1/entrepreneurs/ENT-1/", body, world["token_pilot"])
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "municipality_code", "message": "No municipality with code GM9999."}]
    }
    body["municipality_code"] = "GM0917"
    response = put(client, "/api/v1/entrepreneurs/ENT-1/", body, world["token_pilot"])
    assert response.json() == {
        "errors": [{"field": "kvk_number", "message": "A KvK number is exactly 8 digits."}]
    }
    period = {"end_date": "2020-01-01", "end_reason": None, "monthly_amount": "-5"}
    JobseekerFactory(ref="HRL-001", municipality=world["a"])
    response = put(client, PERIOD_PATH, period, world["token_pilot"])
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {
        "end_date",
        "end_reason",
        "monthly_amount",
    }


def test_a_body_naming_another_municipality_is_403_and_writes_nothing(client, world):
    body = {**ENTREPRENEUR, "municipality_code": "GM0193"}
    response = put(client, "/api/v1/entrepreneurs/ENT-X/", body, world["token_a"])
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "field": "municipality_code",
                "message": "This client does not write rows of municipality GM0193.",
            }
        ]
    }
    assert not Entrepreneur.objects.exists()
    # Moving its own row to another municipality: 403 as well.
    push_heerlen(client, world["token_a"])
    body = {**JOBSEEKER, "municipality_code": "GM0193"}
    assert put(client, "/api/v1/jobseekers/HRL-001/", body, world["token_a"]).status_code == 403
    assert Jobseeker.objects.get().municipality == world["a"]
    # A placement of its own with another municipality's entrepreneur.
    EntrepreneurFactory(ref="ENT-ZWL", municipality=world["b"])
    body = {**PLACEMENT, "entrepreneur_ref": "ENT-ZWL"}
    response = put(client, "/api/v1/placements/PL-HRL-002/", body, world["token_a"])
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "field": "entrepreneur_ref",
                "message": "This client does not write rows of the municipality of "
                "entrepreneur ENT-ZWL.",
            }
        ]
    }
    assert Placement.objects.count() == 1


def test_another_municipalitys_row_is_404_to_read_and_to_write(client, world):
    push_heerlen(client, world["token_a"])
    token_b = world["token_b"]
    before = {model: list(model.objects.values()) for model in (Entrepreneur, Jobseeker, Placement)}
    for path, body in (
        ("/api/v1/entrepreneurs/ENT-HRL-1/", {**ENTREPRENEUR, "municipality_code": "GM0193"}),
        ("/api/v1/jobseekers/HRL-001/", {**JOBSEEKER, "municipality_code": "GM0193"}),
        ("/api/v1/placements/PL-HRL-001/", PLACEMENT),
        (PERIOD_PATH, PERIOD),
    ):
        assert client.get(path, **bearer(token_b)).status_code == 404
        response = put(client, path, body, token_b)
        assert response.status_code == 404
        assert response.json() == {"errors": [{"field": None, "message": "Not found."}]}
    assert (
        client.get("/api/v1/jobseekers/HRL-001/benefit-periods/", **bearer(token_b)).status_code
        == 404
    )
    after = {model: list(model.objects.values()) for model in before}
    assert after == before
    for resource in ("entrepreneurs", "jobseekers", "placements"):
        assert client.get(f"/api/v1/{resource}/", **bearer(token_b)).json()["results"] == []


def test_clients_read_their_own_rows_and_the_pilot_wide_client_every_row(client, world):
    push_heerlen(client, world["token_a"])
    EntrepreneurFactory(ref="ENT-ZWL", municipality=world["b"])
    zwolle = JobseekerFactory(ref="ZWL-001", municipality=world["b"])
    BenefitPeriodFactory(jobseeker=zwolle)

    def refs(token, resource):
        return [
            r["ref"] for r in client.get(f"/api/v1/{resource}/", **bearer(token)).json()["results"]
        ]

    assert refs(world["token_a"], "entrepreneurs") == ["ENT-HRL-1"]
    assert refs(world["token_b"], "jobseekers") == ["ZWL-001"]
    assert refs(world["token_pilot"], "jobseekers") == ["HRL-001", "ZWL-001"]
    assert refs(world["token_pilot"], "placements") == ["PL-HRL-001"]
    rows = client.get("/api/v1/placements/PL-HRL-001/", **bearer(world["token_pilot"])).json()
    assert rows["jobseeker_ref"] == "HRL-001"
    periods = client.get(
        "/api/v1/jobseekers/ZWL-001/benefit-periods/", **bearer(world["token_pilot"])
    ).json()["results"]
    assert [p["jobseeker_ref"] for p in periods] == ["ZWL-001"]


def test_a_pilot_wide_client_writes_every_municipality(client, world):
    body = {**ENTREPRENEUR, "municipality_code": "GM0193"}
    response = put(client, "/api/v1/entrepreneurs/ENT-ZWL/", body, world["token_pilot"])
    assert response.status_code == 201
    assert Entrepreneur.objects.get().municipality == world["b"]


def test_no_token_a_wrong_token_or_a_revoked_one_is_401(client, world):
    from municipalities.api_clients import api_client_revoke

    response = client.get("/api/v1/entrepreneurs/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["errors"][0]["field"] is None
    wrong = world["token_a"][:-4] + "abcd"
    for token in (wrong, "pilot_nothing", "x", world["token_a"] + " extra"):
        response = client.get("/api/v1/entrepreneurs/", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 401, token
    response = put(client, "/api/v1/entrepreneurs/ENT-1/", ENTREPRENEUR, wrong)
    assert response.status_code == 401
    assert client.get("/api/v1/entrepreneurs/", **bearer(world["token_a"])).status_code == 200
    api_client_revoke(client=world["client_a"])
    assert client.get("/api/v1/entrepreneurs/", **bearer(world["token_a"])).status_code == 401
    assert (
        put(client, "/api/v1/entrepreneurs/ENT-1/", ENTREPRENEUR, world["token_a"]).status_code
        == 401
    )
    assert not Entrepreneur.objects.exists()


def test_last_used_is_kept(client, world):
    assert world["client_a"].last_used_at is None
    client.get("/api/v1/entrepreneurs/", **bearer(world["token_a"]))
    world["client_a"].refresh_from_db()
    assert world["client_a"].last_used_at is not None
    world["client_b"].refresh_from_db()
    assert world["client_b"].last_used_at is None


def test_people_read_but_do_not_write_through_the_api(client, world):
    push_heerlen(client, world["token_a"])
    for role, municipality in ((Role.PROGRAMME_ADMIN, None), (Role.JOBCOACH, world["a"])):
        client.force_login(user_with_role(role, municipality))
        assert client.get("/api/v1/jobseekers/HRL-001/").status_code == 200
        response = client.put(
            "/api/v1/jobseekers/HRL-001/",
            {**JOBSEEKER, "given_name": "X"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json() == {
            "errors": [{"field": None, "message": "Only API clients write through the API."}]
        }
    assert Jobseeker.objects.get().given_name == "Ayla"


def test_each_client_is_rate_limited_with_retry_after(client, world, settings):
    settings.API_CLIENT_RATE_LIMIT = (3, 60)
    statuses = [
        client.get("/api/v1/entrepreneurs/", **bearer(world["token_a"])).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    response = put(client, "/api/v1/entrepreneurs/ENT-1/", ENTREPRENEUR, world["token_a"])
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["errors"][0]["field"] is None
    assert not Entrepreneur.objects.exists()
    # Another client has a limit of its own.
    assert client.get("/api/v1/entrepreneurs/", **bearer(world["token_b"])).status_code == 200


def test_clients_read_the_metrics_of_their_own_municipalities(client, world):
    from reporting.snapshots import snapshot_compute

    push_heerlen(client, world["token_a"])
    snapshot_compute(as_of=datetime.date(2025, 9, 30), trigger="on_demand")
    body = client.get("/api/v1/metrics/?as_of=2025-09-30", **bearer(world["token_b"])).json()
    assert [m["code"] for m in body["municipalities"]] == ["GM0193"]
    assert body["participants"] == []
    body = client.get("/api/v1/metrics/?as_of=2025-09-30", **bearer(world["token_a"])).json()
    assert [p["ref"] for p in body["participants"]] == ["HRL-001"]
    body = client.get("/api/v1/metrics/?as_of=2025-09-30", **bearer(world["token_pilot"])).json()
    assert [m["code"] for m in body["municipalities"]] == ["GM0193", "GM0917"]
    assert [p["ref"] for p in body["participants"]] == ["HRL-001"]
    body = client.get("/api/v1/savings/?as_of=2025-09-30", **bearer(world["token_a"])).json()
    assert [m["code"] for m in body["municipalities"]] == ["GM0917"]
    assert "budget" not in body


def test_the_schema_is_served_to_clients_and_not_anonymously(client, world):
    assert client.get("/api/schema/").status_code == 401
    response = client.get("/api/schema/", **bearer(world["token_a"]))
    assert response.status_code == 200
    assert b"bearerAuth" in response.content


def test_dates_at_the_end_of_the_calendar_are_refused_not_a_server_error(client, world):
    push_heerlen(client, world["token_a"])
    body = {
        **PLACEMENT,
        "status": "proposed",
        "planned_start": "9999-11-01",
        "planned_end": "9999-12-30",
        "actual_start": None,
        "actual_end": None,
    }
    response = put(client, "/api/v1/placements/PL-HRL-009/", body, world["token_a"])
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": "planned_end",
                "message": "The planned end must be at least 3 months after the start.",
            }
        ]
    }
