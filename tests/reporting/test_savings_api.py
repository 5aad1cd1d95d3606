"""/api/v1/savings/: pilot_savings' figures from the snapshot, scoped like /api/v1/metrics/."""

import datetime
import json

import pytest

from municipalities.enums import Role
from municipalities.models import Municipality
from reporting.models import MetricsSnapshot
from reporting.snapshots import snapshot_compute
from tests.factories import user_with_role
from tests.reporting.test_pilot_metrics_command import FIXTURES, load_pilot_small

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 9, 30)
EXPECTED = json.loads((FIXTURES / "pilot-small.savings.2025-09-30.json").read_text("utf-8"))


@pytest.fixture
def pilot_small():
    load_pilot_small()
    snapshot_compute(as_of=AS_OF, trigger="on_demand")


def _get(client, user, **query):
    client.force_login(user)
    return client.get("/api/v1/savings/", {"as_of": AS_OF.isoformat(), **query})


def test_savings_api_for_admin_equals_the_spec_example(client, pilot_small):
    body = _get(client, user_with_role(Role.PROGRAMME_ADMIN)).json()

    assert body["as_of"] == EXPECTED["as_of"]
    assert body["budget"] == EXPECTED["budget"]
    assert body["totals"] == EXPECTED["totals"]
    assert body["municipalities"] == EXPECTED["municipalities"]
    assert body["participants"] == EXPECTED["participants"]
    assert body["curve"]["break_even"] is None
    assert body["curve"]["points"][-1] == {"date": "2025-09-30", "savings": "34272.64"}


def test_savings_api_jobcoach_of_heerlen_never_sees_zwolle(client, pilot_small):
    heerlen = Municipality.objects.get(code="GM0917")

    response = _get(client, user_with_role(Role.JOBCOACH, heerlen))

    body = response.json()
    assert body == {
        "as_of": "2025-09-30",
        "computed_at": body["computed_at"],
        "totals": {
            "outflow": 2,
            "without_amount": 0,
            "days_off_benefits": 729,
            "savings": "30807.34",
        },
        "municipalities": [EXPECTED["municipalities"][1]],
        # Beside the spec's JSON: Heerlen's coaching costs (3 participants x 24 h x EUR 70; no
        # guidance sessions in the example), never the whole pilot's budget.
        "costs": {
            "imk_hourly_rate": "75.00",
            "jobcoach_hourly_rate": "70.00",
            "jobcoach_hours_per_participant": "24.0",
            "municipalities": [
                {
                    "code": "GM0917",
                    "name": "Heerlen",
                    "participants": 3,
                    "outflow": 2,
                    "imk_minutes": 0,
                    "imk_costs": "0.00",
                    "jobcoach_costs": "5040.00",
                    "coaching_costs": "5040.00",
                    "coaching_cost_per_outflow": "2520.00",
                    "savings": "30807.34",
                    "net": "25767.34",
                }
            ],
        },
        "participants": EXPECTED["participants"][:2],
    }
    assert "ZWL" not in response.content.decode()
    assert "GM0193" not in response.content.decode()


def test_savings_api_jobcoach_of_zwolle_never_sees_heerlen(client, pilot_small):
    zwolle = Municipality.objects.get(code="GM0193")

    response = _get(client, user_with_role(Role.JOBCOACH, zwolle))

    assert [p["ref"] for p in response.json()["participants"]] == ["ZWL-002"]
    assert "HRL" not in response.content.decode()
    assert "Heerlen" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.FUNDER, Role.RESEARCHER])
def test_savings_api_for_funder_and_researcher_is_aggregate_only(client, pilot_small, role):
    response = _get(client, user_with_role(role))

    body = response.json()
    assert "participants" not in body
    assert (body["totals"], body["budget"]) == (EXPECTED["totals"], "100000.00")
    assert "HRL-" not in response.content.decode()
    assert "ZWL-" not in response.content.decode()


def test_savings_api_refuses_imk_coach_and_anonymous(client, pilot_small):
    assert _get(client, user_with_role(Role.IMK_COACH)).status_code == 403
    client.logout()
    assert client.get("/api/v1/savings/").status_code == 401


def test_savings_api_without_snapshot_answers_202_and_computes_nothing(client):
    load_pilot_small()

    response = _get(client, user_with_role(Role.FUNDER))

    assert response.status_code == 202
    assert response.json() == {"as_of": "2025-09-30", "status": "computing"}
    assert not MetricsSnapshot.objects.exists()


def test_savings_api_does_not_use_a_snapshot_stored_before_the_savings(client, pilot_small):
    MetricsSnapshot.objects.update(savings={})

    response = _get(client, user_with_role(Role.FUNDER))

    assert response.status_code == 202


def test_savings_api_refuses_a_bad_date(client, pilot_small):
    response = _get(client, user_with_role(Role.FUNDER), as_of="30-09-2025")

    assert response.status_code == 400
    assert "as_of" in response.json()
