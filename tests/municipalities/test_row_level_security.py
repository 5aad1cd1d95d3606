"""The second wall: row-level security, as the application's own database role sees it.

Every test here runs as that role (tests/conftest.py), never as a superuser, which would pass
by every policy.
"""

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import psycopg2
import pytest
from celery import current_app
from django.apps import apps
from django.db import DatabaseError, connection, models, transaction

from coaching.models import Entrepreneur
from municipalities.db_scope import (
    APPEND_ONLY_TABLES,
    NOT_PROTECTED,
    PROTECTED_TABLES,
    current_scope,
    municipalities_scope,
    no_scope,
    pilot_wide,
    scoped_to,
)
from municipalities.enums import ChangeSource, CorrectionAction, RecordKind, Role
from municipalities.models import AuditEvent, Correction, Municipality
from placements.models import BenefitPeriod, Jobseeker, Placement
from privacy.models import Erasure, Restriction
from reporting.models import MetricsSnapshot, SnapshotMunicipality, SnapshotTrigger
from tests import db_roles
from tests.factories import (
    BenefitCheckFactory,
    BenefitPeriodFactory,
    EntrepreneurFactory,
    GuidanceSessionFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
    user_with_role,
)
from tests.municipalities.rls_urls import database_counts

ROOT = Path(__file__).resolve().parent.parent.parent
PROTECTED_MODELS = [apps.get_model(label) for label in PROTECTED_TABLES]


def _table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def _one_of_everything(municipality: Municipality, coach) -> dict:
    entrepreneur = EntrepreneurFactory(municipality=municipality, imk_coach=coach)
    jobseeker = JobseekerFactory(municipality=municipality)
    placement = PlacementFactory(jobseeker=jobseeker, entrepreneur=entrepreneur)
    BenefitPeriodFactory(jobseeker=jobseeker)
    PlacementStateChangeFactory(placement=placement)
    ProgressReviewFactory(placement=placement)
    BenefitCheckFactory(placement=placement)
    HostEvaluationFactory(placement=placement)
    GuidanceSessionFactory(entrepreneur=entrepreneur, coach=coach)
    Correction.objects.create(
        municipality=municipality,
        record_kind=RecordKind.PLACEMENT,
        record_id=placement.pk,
        subject_kind=RecordKind.PLACEMENT,
        subject_id=placement.pk,
        action=CorrectionAction.CORRECTED,
        changes={"planned_end": ["2024-06-07", "2024-06-14"]},
        reason="Typefout",
        source=ChangeSource.WEB,
    )
    Restriction.objects.create(jobseeker=jobseeker, municipality=municipality, reason="Betwist.")
    Erasure.objects.create(
        jobseeker=jobseeker, municipality=municipality, trigger="request", reason="Verzoek."
    )
    # A stored snapshot's share of this municipality (one snapshot per share, so that B's
    # second share does not meet the one-per-municipality constraint).
    snapshot = MetricsSnapshot.objects.create(
        as_of=date(2025, 9, 30),
        data_fingerprint=uuid.uuid4().hex,
        trigger=SnapshotTrigger.ON_DEMAND,
        figures={},
    )
    SnapshotMunicipality.objects.create(
        snapshot=snapshot, municipality=municipality, code=municipality.code, figures={}, savings={}
    )
    return {"jobseeker": jobseeker, "placement": placement, "entrepreneur": entrepreneur}


def _make_pilot() -> dict:
    """Municipalities A and B with one row of every protected table each (B two of each)."""
    a, b = MunicipalityFactory(code="GM0917"), MunicipalityFactory(code="GM0193")
    coach_a, coach_b = user_with_role(Role.IMK_COACH), user_with_role(Role.IMK_COACH)
    rows = {"A": _one_of_everything(a, coach_a), "B": _one_of_everything(b, coach_b)}
    _one_of_everything(b, coach_b)
    return {"A": a, "B": b, "imk_A": coach_a, "rows": rows}


@pytest.fixture
def pilot(db):
    return _make_pilot()


def test_the_tests_run_as_the_application_role_which_is_neither_superuser_nor_bypassrls(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole"
            " FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (db_roles.app_role_name(), False, False, False, False)
    assert db_roles.owner_user() != db_roles.app_role_name()


def test_every_protected_table_has_row_level_security_enabled_forced_and_a_policy(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname)"
            " FROM pg_class c WHERE c.relname = ANY(%s) ORDER BY c.relname",
            [[_table(label) for label in PROTECTED_TABLES]],
        )
        rows = cursor.fetchall()
    assert sorted(name for name, *_rest in rows) == sorted(map(_table, PROTECTED_TABLES))
    for name, enabled, forced, policies in rows:
        assert (name, enabled, forced) == (name, True, True)
        assert policies >= 1, name


def test_with_no_scope_every_protected_table_counts_zero_rows(pilot):
    with pilot_wide("the test: every row is there"):
        everything = database_counts()
    assert all(count >= 3 for count in everything.values()), everything
    with no_scope():
        assert database_counts() == dict.fromkeys(PROTECTED_TABLES, 0)
        for model in PROTECTED_MODELS:
            assert model.objects.count() == 0, model
        assert Jobseeker.objects.filter(pk=pilot["rows"]["A"]["jobseeker"].pk).first() is None


def test_a_new_connection_starts_with_no_scope(pilot):
    with psycopg2.connect(db_roles.app_url()) as other, other.cursor() as cursor:
        for label in PROTECTED_TABLES:
            cursor.execute(f'SELECT count(*) FROM "{_table(label)}"')  # noqa: S608
            assert cursor.fetchone() == (0,), label
    other.close()


def test_a_municipality_scope_sees_exactly_its_own_rows(pilot):
    a, b = pilot["A"], pilot["B"]
    with scoped_to(municipalities_scope([a.pk])):
        assert database_counts() == dict.fromkeys(PROTECTED_TABLES, 1)
        assert set(Jobseeker.objects.values_list("municipality_id", flat=True)) == {a.pk}
    with scoped_to(municipalities_scope([b.pk])):
        assert database_counts() == dict.fromkeys(PROTECTED_TABLES, 2)
    with scoped_to(municipalities_scope([a.pk, b.pk])):
        assert database_counts() == dict.fromkeys(PROTECTED_TABLES, 3)


@pytest.fixture
def committed_pilot(transactional_db):
    return _make_pilot()


def test_the_scope_survives_a_new_connection_and_is_put_back(committed_pilot):
    a = committed_pilot["A"]
    with scoped_to(municipalities_scope([a.pk])):
        connection.close()
        assert Jobseeker.objects.count() == 1
        with no_scope():
            assert Jobseeker.objects.count() == 0
        assert Jobseeker.objects.count() == 1
    assert Jobseeker.objects.count() == 3


def test_a_scope_left_in_a_failed_transaction_is_undone_by_its_rollback(pilot):
    a = pilot["A"]
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        scoped_to(municipalities_scope([a.pk])),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 1/0")
    assert Jobseeker.objects.count() == 3


def _rls_refused(message: str) -> bool:
    return "row-level security" in message


def test_a_scope_cannot_write_another_municipalitys_rows(pilot):
    a, b = pilot["A"], pilot["B"]
    jobseeker_b = pilot["rows"]["B"]["jobseeker"]
    with scoped_to(municipalities_scope([a.pk])):
        with pytest.raises(DatabaseError) as refused, transaction.atomic():
            Jobseeker.objects.create(municipality=b, ref="NEW-B", given_name="X", family_name="Y")
        assert _rls_refused(str(refused.value))
        # Rows out of scope are not there to change or delete.
        assert Jobseeker.objects.filter(pk=jobseeker_b.pk).update(given_name="Changed") == 0
        assert Jobseeker.objects.filter(pk=jobseeker_b.pk).delete() == (0, {})
        # Nor can a row be moved out of scope.
        own = pilot["rows"]["A"]["jobseeker"]
        with pytest.raises(DatabaseError) as refused, transaction.atomic():
            Jobseeker.objects.filter(pk=own.pk).update(municipality=b)
        assert _rls_refused(str(refused.value))
    jobseeker_b.refresh_from_db()
    assert jobseeker_b.given_name != "Changed"


def test_a_child_row_is_written_only_under_a_visible_parent_of_its_own_municipality(pilot):
    a, b = pilot["A"], pilot["B"]
    jobseeker_b = pilot["rows"]["B"]["jobseeker"]
    period = {"benefit_type": "participatiewet", "start_date": date(2023, 1, 1)}
    with scoped_to(municipalities_scope([a.pk])):
        # Filed under A, but about B's jobseeker, whom this scope cannot see.
        with pytest.raises(DatabaseError) as refused, transaction.atomic():
            BenefitPeriod.objects.create(municipality=a, jobseeker=jobseeker_b, **period)
        assert _rls_refused(str(refused.value))
    with pilot_wide("the test: every row is visible, the municipalities differ"):
        with pytest.raises(DatabaseError) as refused, transaction.atomic():
            BenefitPeriod.objects.create(municipality=a, jobseeker=jobseeker_b, **period)
        assert _rls_refused(str(refused.value))
        created = BenefitPeriod.objects.create(municipality=b, jobseeker=jobseeker_b, **period)
    assert created.pk


def test_an_entrepreneur_elsewhere_is_read_with_the_placement_it_hosts_never_written(pilot):
    a, b = pilot["A"], pilot["B"]
    host_b = pilot["rows"]["B"]["entrepreneur"]
    jobseeker_a = JobseekerFactory(municipality=a)
    PlacementFactory(jobseeker=jobseeker_a, entrepreneur=host_b)
    with scoped_to(municipalities_scope([a.pk])):
        assert set(Entrepreneur.objects.values_list("municipality_id", flat=True)) == {a.pk, b.pk}
        assert (
            Placement.objects.select_related("entrepreneur")
            .filter(jobseeker=jobseeker_a)
            .get()
            .entrepreneur
            == host_b
        )
        assert Entrepreneur.objects.filter(pk=host_b.pk).update(trade_name="Changed") == 0
        # B's other entrepreneur, hosting nobody of A, stays out of sight.
        assert Entrepreneur.objects.filter(municipality=b).count() == 1


def test_every_table_of_a_municipalitys_people_is_protected_or_exempt_with_a_reason():
    """A new table with a municipality, or a key to a protected table, cannot be forgotten."""
    assert not set(PROTECTED_TABLES) & set(NOT_PROTECTED)
    protected = {apps.get_model(label) for label in PROTECTED_TABLES}
    unlisted = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        targets = {
            field.related_model
            for field in model._meta.get_fields()
            if isinstance(field, models.ForeignKey) and not field.auto_created
        }
        if (targets & (protected | {Municipality})) and label not in {
            *PROTECTED_TABLES,
            *NOT_PROTECTED,
        }:
            unlisted.append(label)
    assert unlisted == [], (
        "These models hold a municipality's rows: add them to db_scope.PROTECTED_TABLES with "
        "a migration that calls db_scope.protect_table, or to NOT_PROTECTED with the reason"
    )
    for label, parent in PROTECTED_TABLES.items():
        model = apps.get_model(label)
        assert model._meta.get_field("municipality").related_model is Municipality, label
        if parent is not None:
            assert model._meta.get_field(parent).related_model in protected, label
    for label in NOT_PROTECTED:
        apps.get_model(label)  # names a model that exists


def test_every_database_table_with_a_municipality_column_is_protected_or_exempt(db):
    known = {_table(label) for label in {*PROTECTED_TABLES, *NOT_PROTECTED}}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND column_name = 'municipality_id'"
        )
        tables = {name for (name,) in cursor.fetchall()}
    assert tables - known == set()


def test_the_application_role_cannot_change_or_delete_the_audit_log(db):
    assert "municipalities.AuditEvent" in APPEND_ONLY_TABLES
    event = AuditEvent.objects.create(action="test")
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    assert "permission denied" in str(refused.value)
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert "permission denied" in str(refused.value)
    assert AuditEvent.objects.get(pk=event.pk).action == "test"


def test_the_application_role_cannot_truncate(db):
    with (
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f'TRUNCATE "{_table("placements.Jobseeker")}" CASCADE')
    assert "permission denied" in str(refused.value)


@pytest.mark.urls("tests.municipalities.rls_urls")
def test_a_jobcoach_request_sees_exactly_its_own_rows_in_the_database(client, pilot):
    a, b = pilot["A"], pilot["B"]
    cases = {
        "jobcoach A": (user_with_role(Role.JOBCOACH, a), 1),
        "jobcoach B": (user_with_role(Role.JOBCOACH, b), 2),
        "jobcoach A and B": (user_with_role(Role.JOBCOACH, a, b), 3),
        "programme admin": (user_with_role(Role.PROGRAMME_ADMIN), 3),
        # Their entrepreneurs are all in A.
        "IMK coach of A": (pilot["imk_A"], 1),
        "funder": (user_with_role(Role.FUNDER), 0),
        "researcher": (user_with_role(Role.RESEARCHER), 0),
        # A person's request may concern anyone; access.py gives them the privacy pages only.
        "privacy officer": (user_with_role(Role.PRIVACY_OFFICER), 3),
    }
    for name, (user, rows) in cases.items():
        client.force_login(user)
        response = client.get("/counts/")
        assert (name, response.json()) == (name, dict.fromkeys(PROTECTED_TABLES, rows))
        assert current_scope().all_municipalities  # the test's own scope is back
    client.logout()
    assert client.get("/counts/").json() == dict.fromkeys(PROTECTED_TABLES, 0)


@pytest.mark.urls("tests.municipalities.rls_urls")
def test_a_view_may_set_the_scope_for_the_rest_of_its_request(client, pilot):
    # Signed out: no scope, until the view knows who asks (as the API's token sign-in would).
    response = client.get("/rescoped/", {"municipality": pilot["B"].pk})
    assert response.json() == dict.fromkeys(PROTECTED_TABLES, 2)
    assert current_scope().all_municipalities
    assert client.get("/counts/").json() == dict.fromkeys(PROTECTED_TABLES, 0)


@pytest.mark.urls("tests.municipalities.rls_urls")
def test_a_streaming_response_reads_in_its_requests_scope(client, pilot):
    client.force_login(user_with_role(Role.JOBCOACH, pilot["B"]))
    response = client.get("/stream/")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines() == [f"{label} 2" for label in PROTECTED_TABLES]
    assert current_scope().all_municipalities


@pytest.mark.urls("tests.municipalities.rls_urls")
def test_a_failing_request_puts_the_scope_back(client, pilot):
    client.raise_request_exception = False
    client.force_login(user_with_role(Role.JOBCOACH, pilot["A"]))
    assert client.get("/fails/").status_code == 500
    assert current_scope().all_municipalities
    assert Jobseeker.objects.count() == 3


@current_app.task(name="tests.count_jobseekers_unscoped")
def _count_unscoped() -> int:
    return Jobseeker.objects.count()


@current_app.task(name="tests.count_jobseekers_pilot_wide", pilot_wide="the test's figures")
def _count_pilot_wide() -> int:
    return Jobseeker.objects.count()


def test_a_task_sees_no_rows_unless_it_declares_a_pilot_wide_scope(pilot):
    with scoped_to(municipalities_scope([pilot["A"].pk])):
        # Run here (eagerly), through Celery's own signals: the task's scope replaces the
        # caller's and the caller's comes back.
        assert _count_unscoped.apply().get() == 0
        assert _count_pilot_wide.apply().get() == 3
        assert Jobseeker.objects.count() == 1


def _manage(*args: str, database_url: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": "pilot.settings.test",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_db_app_role_creates_then_updates_the_role_and_prints_its_url():
    name = f"{db_roles.app_role_name()}_cmd"
    database = connection.settings_dict["NAME"]
    settings = connection.settings_dict
    url_line = f"DATABASE_URL=postgres://{name}@{settings['HOST'] or 'localhost'}:"
    owner = psycopg2.connect(db_roles.owner_url())
    owner.autocommit = True
    try:
        first = _manage(
            "db_app_role", name, "--password-env", "APP_DB_PASSWORD",
            database_url=db_roles.owner_url(), APP_DB_PASSWORD="s3cret-for-the-test",
        )  # fmt: skip
        assert first.returncode == 0, first.stderr
        assert first.stdout.splitlines()[-1] == (f"{url_line}{settings['PORT'] or 5432}/{database}")
        with owner.cursor() as cursor:
            # Someone gave it more than it should have; the next run takes it back.
            cursor.execute(f'ALTER ROLE "{name}" CREATEDB')
            cursor.execute(f'GRANT UPDATE ON "{_table("municipalities.AuditEvent")}" TO "{name}"')
        second = _manage("db_app_role", name, database_url=db_roles.owner_url())
        assert second.returncode == 0, second.stderr
        assert second.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]
        assert "updated" in second.stdout and "created" in first.stdout
        with owner.cursor() as cursor:
            cursor.execute(
                "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole,"
                " rolpassword IS NOT NULL FROM pg_authid WHERE rolname = %s",
                [name],
            )
            assert cursor.fetchone() == (True, False, False, False, False, True)
            audit, jobseekers = _table("municipalities.AuditEvent"), _table("placements.Jobseeker")
            cursor.execute(
                "SELECT has_table_privilege(%(r)s, %(a)s, 'SELECT'),"
                " has_table_privilege(%(r)s, %(a)s, 'INSERT'),"
                " has_table_privilege(%(r)s, %(a)s, 'UPDATE'),"
                " has_table_privilege(%(r)s, %(a)s, 'DELETE'),"
                " has_table_privilege(%(r)s, %(j)s, 'UPDATE'),"
                " has_table_privilege(%(r)s, %(j)s, 'DELETE'),"
                " has_table_privilege(%(r)s, %(j)s, 'TRUNCATE')",
                {"r": name, "a": audit, "j": jobseekers},
            )
            assert cursor.fetchone() == (True, True, False, False, True, True, False)
            # A table the owner makes later is the role's to use at once.
            cursor.execute("CREATE TABLE rls_test_later (id serial PRIMARY KEY)")
            cursor.execute(
                "SELECT has_table_privilege(%s, 'rls_test_later', 'INSERT'),"
                " has_sequence_privilege(%s, 'rls_test_later_id_seq', 'USAGE')",
                [name, name],
            )
            assert cursor.fetchone() == (True, True)
            cursor.execute("DROP TABLE rls_test_later")
        # Not as the owner: the application's role cannot make roles.
        refused = _manage("db_app_role", f"{name}_2", database_url=db_roles.app_url())
        assert refused.returncode != 0
    finally:
        with owner.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{name}_2"')
        owner.close()


def test_the_deploy_check_passes_for_the_application_role(db):
    from municipalities.db_scope import check_database_role

    assert check_database_role(databases=["default"]) == []


@pytest.mark.django_db(transaction=True)
def test_the_deploy_check_refuses_a_superuser():
    from municipalities.db_scope import check_database_role

    with db_roles.as_owner():
        errors = check_database_role(databases=["default"])
    owner = db_roles.owner_user()
    assert [(e.id, e.msg) for e in errors] == [
        ("municipalities.E001", f"The database role {owner} is a superuser."),
        ("municipalities.E001", f"The database role {owner} has BYPASSRLS."),
    ]
    assert check_database_role(databases=None) == []


def test_a_place_taken_by_an_intern_of_another_municipality_is_taken_in_a_scoped_request(pilot):
    """The free places of an entrepreneur count the interns of every municipality, though the
    request's scope hides their placements (pilot_places_taken)."""
    from coaching.selectors import entrepreneurs_with_intern
    from municipalities.access import db_scope_for
    from placements.enums import PlacementStatus
    from placements.selectors import entrepreneurs_with_free_place

    a, b = pilot["A"], pilot["B"]
    host_a = EntrepreneurFactory(municipality=a)
    jobcoach_a = user_with_role(Role.JOBCOACH, a)
    with scoped_to(db_scope_for(jobcoach_a)):
        assert host_a in set(entrepreneurs_with_free_place(user=jobcoach_a))
    # An intern of B, at A's entrepreneur (the import allows it).
    PlacementFactory(
        jobseeker=JobseekerFactory(municipality=b),
        entrepreneur=host_a,
        status=PlacementStatus.AGREED,
        actual_start=None,
        actual_end=None,
    )
    with scoped_to(db_scope_for(jobcoach_a)):
        assert Placement.objects.filter(entrepreneur=host_a).count() == 0  # hidden by the wall
        assert host_a not in set(entrepreneurs_with_free_place(user=jobcoach_a))
        row = entrepreneurs_with_intern(
            user=jobcoach_a, entrepreneurs=Entrepreneur.objects.filter(pk=host_a.pk)
        ).get()
        assert (row.occupied_places, row.has_free_place) == (1, False)


def test_an_imk_coach_scope_holds_their_entrepreneurs_and_their_interns_in_two_queries(pilot):
    """The municipalities of the coach's entrepreneurs and of those entrepreneurs' interns,
    read on every request of theirs: two queries (issue 17's load test), whatever the number."""
    from django.test.utils import CaptureQueriesContext

    from municipalities.access import db_scope_for

    a, b = pilot["A"], pilot["B"]
    c = MunicipalityFactory(code="GM0363")
    coach = pilot["imk_A"]
    # An intern of C at the coach's entrepreneur in A; B's rows are another coach's.
    PlacementFactory(
        jobseeker=JobseekerFactory(municipality=c), entrepreneur=pilot["rows"]["A"]["entrepreneur"]
    )
    with CaptureQueriesContext(connection) as captured:
        scope = db_scope_for(coach)
    assert (scope.municipality_ids, scope.all_municipalities) == (frozenset({a.pk, c.pk}), False)
    selects = [q["sql"] for q in captured if "set_config" not in q["sql"]]
    assert len(selects) == 3  # the roles, the entrepreneurs, their interns' municipalities
    assert b.pk not in scope.municipality_ids
    without_entrepreneurs = user_with_role(Role.IMK_COACH)
    with CaptureQueriesContext(connection) as captured:
        assert db_scope_for(without_entrepreneurs).municipality_ids == frozenset()
    assert len([q for q in captured if "set_config" not in q["sql"]]) == 2


def test_reading_entrepreneurs_in_scope_does_not_run_the_hosting_sub_select(pilot):
    """The hosting policy starts with the scope's own condition (placements 0014): a row in
    scope is visible without its sub-select over every placement (13-40 ms a query at national
    scale); a row outside it still is read through it."""
    import json

    def hosting_sub_select_loops(sql: str, params) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        loops, stack = [], [plan[0]["Plan"]]
        while stack:
            node = stack.pop()
            if node.get("Relation Name") == "placements_placement" and node.get(
                "Alias", ""
            ).startswith("hosted"):
                loops.append(node["Actual Loops"])
            stack.extend(node.get("Plans", []))
        return loops

    a, b = pilot["A"], pilot["B"]
    host_b = pilot["rows"]["B"]["entrepreneur"]
    PlacementFactory(jobseeker=JobseekerFactory(municipality=a), entrepreneur=host_b)
    with scoped_to(municipalities_scope([a.pk])):
        in_scope = Entrepreneur.objects.filter(municipality=a).values("pk").query.sql_with_params()
        loops = hosting_sub_select_loops(*in_scope)
        assert loops and set(loops) == {0}
        hosted = Entrepreneur.objects.filter(municipality=b).values("pk")
        assert [row["pk"] for row in hosted] == [host_b.pk]
        assert max(hosting_sub_select_loops(*hosted.query.sql_with_params())) > 0
