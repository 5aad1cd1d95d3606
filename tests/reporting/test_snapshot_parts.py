"""Issue 17: a snapshot stored per scope (the municipalities' shares, the whole pilot's
figures, the participants in stretches, the dashboards rendered by the task), the change
counters behind its fingerprint, and the participants' list in pages."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from municipalities.db_scope import municipalities_scope, pilot_wide, scoped_to
from municipalities.enums import Role
from municipalities.models import Municipality
from placements.models import BenefitPeriod, Placement
from reporting import snapshot_parts
from reporting.changes import TRACKED_TABLES, change_counters
from reporting.dashboard import WHOLE_PILOT, municipality_scope, render_dashboard_figures
from reporting.models import MetricsSnapshot, SnapshotMunicipality, SnapshotParticipantChunk
from reporting.snapshots import snapshot_compute
from tests.factories import user_with_role
from tests.reporting.test_pilot_metrics_command import FIXTURES, load_pilot_small

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 9, 30)
EXPECTED = json.loads((FIXTURES / "pilot-small.expected.2025-09-30.json").read_text("utf-8"))
SAVINGS = json.loads((FIXTURES / "pilot-small.savings.2025-09-30.json").read_text("utf-8"))


@pytest.fixture
def pilot_small():
    load_pilot_small()
    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    return snapshot


def test_the_parts_are_slices_of_the_document(pilot_small):
    snapshot = pilot_small
    assert snapshot.pilot_figures["totals"] == snapshot.figures["totals"]
    assert "participants" not in snapshot.pilot_figures
    assert snapshot.pilot_figures["participants_count"] == len(snapshot.figures["participants"])
    assert "rollout" not in snapshot.pilot_savings
    with pilot_wide("the test reads every share"):
        parts = list(SnapshotMunicipality.objects.filter(snapshot=snapshot).order_by("code"))
        chunks = list(SnapshotParticipantChunk.objects.filter(snapshot=snapshot))
    assert [p.figures for p in parts] == snapshot.figures["municipalities"]
    assert [p.savings for p in parts] == snapshot.savings["municipalities"]
    people = sorted((x for p in parts for x in p.participants), key=lambda x: x["ref"])
    assert people == snapshot.figures["participants"] == EXPECTED["participants"]
    stretched = [x for c in chunks if not c.savings for x in c.participants]
    assert stretched == EXPECTED["participants"]
    assert [x for c in chunks if c.savings for x in c.participants] == SAVINGS["participants"]
    for part in parts:
        assert all(x["municipality_code"] == part.code for x in part.participants)


def test_a_municipalitys_share_is_behind_row_level_security(pilot_small):
    heerlen = Municipality.objects.get(code="GM0917")
    with scoped_to(municipalities_scope([heerlen.pk])):
        assert list(SnapshotMunicipality.objects.values_list("code", flat=True)) == ["GM0917"]
    with scoped_to(municipalities_scope([])):
        assert not SnapshotMunicipality.objects.exists()


def test_the_stored_dashboards_are_what_the_request_would_render(pilot_small):
    snapshot = pilot_small
    heerlen = Municipality.objects.get(code="GM0917")
    for language in ("nl", "en"):
        with translation.override(language):
            for suppress in (False, True):
                key = f"{snapshot_parts.DASHBOARD_VERSION}:{language}:{int(suppress)}"
                assert snapshot.dashboard_html[key] == render_dashboard_figures(
                    snapshot=snapshot, scope=WHOLE_PILOT, suppress_small=suppress
                )
            scope = municipality_scope([heerlen.pk])
            with pilot_wide("the test reads a share"):
                part = SnapshotMunicipality.objects.get(snapshot=snapshot, code="GM0917")
                sliced = snapshot_parts.sliced_snapshot(snapshot, [part])
            assert part.dashboard_html[
                f"{snapshot_parts.DASHBOARD_VERSION}:{language}:0"
            ] == render_dashboard_figures(snapshot=sliced, scope=scope)
            # ... and the same as from the whole document.
            assert render_dashboard_figures(snapshot=sliced, scope=scope) == (
                render_dashboard_figures(snapshot=snapshot, scope=scope)
            )


def test_a_cold_dashboard_reads_the_stored_figures(client, pilot_small):
    cache.clear()
    MetricsSnapshot.objects.filter(pk=pilot_small.pk).update(
        dashboard_html={
            f"{snapshot_parts.DASHBOARD_VERSION}:{language}:0": "<p>stored figures</p>"
            for language in ("nl", "en")
        }
    )
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.get(reverse("reporting:dashboard"), {"as_of": AS_OF.isoformat()})
    assert "<p>stored figures</p>" in response.content.decode()


def test_counters_count_every_committed_change_deletes_included(pilot_small):
    before = change_counters()
    assert set(before) == set(TRACKED_TABLES)
    with pilot_wide("the test deletes a row"):
        BenefitPeriod.objects.filter(pk=BenefitPeriod.objects.order_by("pk").first().pk).delete()
    after_delete = change_counters()
    assert after_delete["placements_benefitperiod"] > before["placements_benefitperiod"]
    with pilot_wide("the test changes rows"), transaction.atomic():
        Placement.objects.update(planned_end=F("planned_end"))  # an update, no save()
    assert change_counters()["placements_placement"] > after_delete["placements_placement"]
    counted = change_counters()
    try:
        with pilot_wide("the test changes rows"), transaction.atomic():
            Placement.objects.update(planned_end=F("planned_end"))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert change_counters() == counted


def test_a_delete_makes_a_new_snapshot_and_no_change_none(pilot_small):
    again, created = snapshot_compute(as_of=AS_OF, trigger="nightly")
    assert (again.pk, created) == (pilot_small.pk, False)
    with pilot_wide("the test deletes a placement"):
        Placement.objects.filter(jobseeker__ref="ZWL-002").delete()
    newer, created = snapshot_compute(as_of=AS_OF, trigger="data_change")
    assert created is True
    assert newer.totals["participants"] == pilot_small.totals["participants"] - 1


def test_the_counters_are_folded_into_one_row_per_table(pilot_small):
    with connection.cursor() as cursor:
        cursor.execute('SELECT "table", count(*) FROM reporting_tablechange GROUP BY "table"')
        assert all(n == 1 for _table, n in cursor.fetchall())


def _get(client, user, **query):
    client.force_login(user)
    return client.get("/api/v1/metrics/", {"as_of": AS_OF.isoformat(), **query})


def test_admin_reads_the_participants_page_by_page(client, pilot_small):
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    whole = _get(client, admin).json()
    assert whole["participants"] == EXPECTED["participants"]
    total = len(EXPECTED["participants"])
    first = _get(client, admin, page=1, page_size=2)
    assert first.json()["participants"] == EXPECTED["participants"][:2]
    assert first["X-Total-Count"] == str(total)
    assert 'rel="next"' in first["Link"] and "page=2" in first["Link"]
    assert {k: v for k, v in first.json().items() if k != "participants"} == {
        k: v for k, v in whole.items() if k != "participants"
    }
    pages = []
    for number in range(1, total // 2 + 2):
        pages += _get(client, admin, page=number, page_size=2).json()["participants"]
    assert pages == EXPECTED["participants"]
    assert _get(client, admin, page=total + 1, page_size=1).status_code == 404
    assert _get(client, admin, page=0).status_code == 400
    assert _get(client, admin, page=1, page_size=5000).status_code == 400


def test_savings_participants_in_pages(client, pilot_small):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.get(
        "/api/v1/savings/", {"as_of": AS_OF.isoformat(), "page": 2, "page_size": 1}
    )
    assert response.json()["participants"] == SAVINGS["participants"][1:2]


def test_jobcoach_pages_hold_their_own_people_only(client, pilot_small):
    heerlen = Municipality.objects.get(code="GM0917")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    own = [p for p in EXPECTED["participants"] if p["municipality_code"] == "GM0917"]
    response = _get(client, jobcoach, page=1, page_size=1)
    assert response.json()["participants"] == own[:1]
    assert response["X-Total-Count"] == str(len(own))
    assert "ZWL" not in response.content.decode()
