"""The second wall: PostgreSQL row-level security, and the scope each connection works in.

``access.py`` decides which rows a person may see (the first wall, the fine rule). This module
makes the database enforce a coarser version of it, so that a view, task or export that forgets
to ask ``access.py`` still cannot read or write another municipality's people:

- every table that holds a municipality's people or their records (``PROTECTED_TABLES``) has
  row-level security enabled and forced, with one policy: a row is visible and writable only
  when its ``municipality_id`` is in the connection's scope (and a child row is written only
  under a visible parent of the same municipality);
- the scope lives in two settings of the PostgreSQL session, ``pilot.scope`` (``all`` for a
  pilot-wide scope) and ``pilot.municipalities`` (ids, comma-separated). With neither set, the
  policies match nothing: the application's role sees 0 rows;
- the application connects as its own role, neither superuser nor BYPASSRLS (made by
  ``manage.py db_app_role``); migrations run as the owner. A superuser ignores every policy,
  even a forced one.

Code sets the scope only through the context managers here: ``scoped_to(scope)`` (a request:
``municipalities.middleware.DatabaseScopeMiddleware`` with ``access.db_scope_for(user)``),
``pilot_wide(reason)`` (aggregate and export code that is allowed to read every municipality:
``all_municipalities_*`` functions, Celery tasks, management commands) and ``no_scope()``. Each
restores the scope that was in force before, so they nest. The scope is kept on the
connection object as well and applied again whenever Django opens a new connection (a
persistent connection that was closed, a health check that reconnected, a forked export
lane), so it holds for the whole block whatever happens to the connection underneath.

The settings are session-level (``set_config(..., false)``), not ``SET LOCAL``: requests do not
run in one transaction (``ATOMIC_REQUESTS`` is off, the services open their own), and the
scope must hold across them. PostgreSQL undoes a setting made inside a transaction that rolls
back; leaving a block inside an aborted transaction therefore skips the restore, which the
rollback does. On SQLite (the demo) every function here is a no-op: there is no second wall
there, and the demo banner says so.

This module sits at the bottom of the app stack, beside ``access.py``: it names other apps'
tables as strings only and imports no domain app.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.db.migrations import RunSQL

logger = logging.getLogger(__name__)

# The tables with row-level security, by model label, each with the field that holds its
# parent (None: the row carries its own municipality and has no parent to check). Every model
# with a foreign key to a municipality, or to a model listed here, must be either listed here
# (with a migration that calls ``protect_table``) or in ``NOT_PROTECTED`` with its reason;
# tests/municipalities/test_row_level_security.py fails otherwise.
PROTECTED_TABLES: dict[str, str | None] = {
    "placements.Jobseeker": None,
    "placements.BenefitPeriod": "jobseeker",
    "placements.Placement": "jobseeker",
    "placements.PlacementStateChange": "placement",
    "placements.ProgressReview": "placement",
    "placements.BenefitCheck": "placement",
    "placements.HostEvaluation": "placement",
    "coaching.Entrepreneur": None,
    "coaching.GuidanceSession": "entrepreneur",
    "municipalities.Correction": None,
    "placements.ConsentRecord": "jobseeker",
    "privacy.Restriction": "jobseeker",
    "privacy.Erasure": "jobseeker",
    # A municipality's share of a metrics snapshot: its participants by reference (issue 17).
    "reporting.SnapshotMunicipality": None,
}

# Models with a municipality key that are deliberately not behind the second wall.
NOT_PROTECTED: dict[str, str] = {
    "municipalities.RoleAssignment": (
        "who may sign in to what: read to work out the scope itself, before there is one"
    ),
    "municipalities.AuditEvent": (
        "keys, actions and counts, never personal data; append-only for the application's "
        "role (APPEND_ONLY_TABLES); only the programme admin reads it (access.py)"
    ),
    "municipalities.ApiClient_municipalities": (
        "which municipalities a system's token writes: read to work out the client's scope"
    ),
    "placements.ImportRun_municipalities": (
        "which municipalities an upload covers: file names and counts, never a person's data; "
        "who reads which import record is access.py's rule"
    ),
    "privacy.ProcessingSubject": (
        "links a processing log entry to a person by id, nothing more; append-only for the "
        "application's role (APPEND_ONLY_TABLES) and refused every change by a trigger; only "
        "the privacy officer reads the log (access.py)"
    ),
    "reporting.ProgressReport": (
        "the state of a PDF report of aggregate figures, never a person; who reads which "
        "report is access.py's rule"
    ),
}

# Tables the application's role may read and add to, never change or delete from: the grants
# of ``db_app_role`` leave out UPDATE and DELETE for them.
APPEND_ONLY_TABLES: tuple[str, ...] = (
    "municipalities.AuditEvent",
    "privacy.ProcessingEntry",
    "privacy.ProcessingSubject",
)

# The settings of the PostgreSQL session that the policies read.
SCOPE_SETTING = "pilot.scope"
MUNICIPALITIES_SETTING = "pilot.municipalities"


@dataclass(frozen=True)
class DbScope:
    """What a connection may see: every municipality, or these (possibly none)."""

    all_municipalities: bool = False
    municipality_ids: frozenset[int] = frozenset()
    reason: str = ""

    def values(self) -> tuple[str, str]:
        """The two settings' values for this scope."""
        if self.all_municipalities:
            return "all", ""
        return "", ",".join(str(int(i)) for i in sorted(self.municipality_ids))

    def same_as(self, other: DbScope) -> bool:
        return self.values() == other.values()


NO_SCOPE = DbScope()


def municipalities_scope(ids: Iterable[int]) -> DbScope:
    """The scope of these municipalities' rows only (none: nothing)."""
    return DbScope(municipality_ids=frozenset(int(i) for i in ids))


def pilot_wide_scope(reason: str) -> DbScope:
    """Every municipality's rows; ``reason`` says who is allowed it and why."""
    if not reason:
        raise ValueError("A pilot-wide scope needs its reason.")
    return DbScope(all_municipalities=True, reason=reason)


def current_scope(using: str = DEFAULT_DB_ALIAS) -> DbScope:
    """The scope in force on this thread's connection."""
    return getattr(connections[using], "_pilot_db_scope", NO_SCOPE)


@contextlib.contextmanager
def scoped_to(scope: DbScope, using: str = DEFAULT_DB_ALIAS) -> Iterator[DbScope]:
    """Work in ``scope`` for the block, then go back to the scope before it."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield scope
        return
    previous = current_scope(using)
    _switch(conn, previous, scope)
    try:
        yield scope
    finally:
        _switch(conn, scope, previous)


def pilot_wide(reason: str, using: str = DEFAULT_DB_ALIAS):
    """Every municipality's rows for the block (also usable as a decorator).

    Only for code that is allowed to read across municipalities: aggregate figures, research
    exports, imports, tasks and commands. ``reason`` names it, for the reader.
    """
    return scoped_to(pilot_wide_scope(reason), using=using)


def no_scope(using: str = DEFAULT_DB_ALIAS):
    """No municipality's rows for the block."""
    return scoped_to(NO_SCOPE, using=using)


def _switch(conn, old: DbScope, new: DbScope) -> None:
    conn._pilot_db_scope = new
    if conn.connection is None:
        return  # applied when the connection opens (``_apply_on_connect``)
    if old.same_as(new) or _transaction_aborted(conn):
        # Unchanged; or inside a transaction that failed, whose rollback undoes the setting
        # made in it (and no query can run before that rollback).
        return
    _apply(conn, new)


def _transaction_aborted(conn) -> bool:
    if conn.needs_rollback:
        return True
    info = getattr(conn.connection, "info", None)
    # psycopg 2 and 3 both report 3 (INERROR) for a transaction that failed.
    return info is not None and int(info.transaction_status) == 3


def _apply(conn, scope: DbScope) -> None:
    everything, ids = scope.values()
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
            [SCOPE_SETTING, everything, MUNICIPALITIES_SETTING, ids],
        )


def _apply_on_connect(sender, connection, **kwargs) -> None:
    # A new session has neither setting, which the policies read as no scope: only a scope
    # that is in force needs applying.
    if connection.vendor != "postgresql":
        return
    scope = getattr(connection, "_pilot_db_scope", NO_SCOPE)
    if not scope.same_as(NO_SCOPE):
        _apply(connection, scope)


connection_created.connect(_apply_on_connect, dispatch_uid="pilot-db-scope-on-connect")


# Celery: every task starts with no scope (whatever the process did before), or with the one
# it declares: ``@shared_task(..., pilot_wide="why this task reads every municipality")``.
_task_scopes: dict[str, contextlib.ExitStack] = {}


def _task_started(task_id=None, task=None, **kwargs) -> None:
    reason = getattr(task, "pilot_wide", None)
    stack = contextlib.ExitStack()
    stack.enter_context(scoped_to(pilot_wide_scope(reason) if reason else NO_SCOPE))
    _task_scopes[task_id] = stack


def _task_ended(task_id=None, **kwargs) -> None:
    stack = _task_scopes.pop(task_id, None)
    if stack is not None:
        stack.close()


def connect_celery() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, dispatch_uid="pilot-db-scope-task-started", weak=False)
    task_postrun.connect(_task_ended, dispatch_uid="pilot-db-scope-task-ended", weak=False)


# The functions the policies read the scope with, made by the first row-level security
# migration. The policies call them inside scalar sub-selects, so that PostgreSQL evaluates
# them once per query (an InitPlan), not once per row: a policy then costs one comparison per
# row, and a query's own filter on ``municipality_id`` still uses its index.
SCOPE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION pilot_scope_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('{SCOPE_SETTING}', true), '') = 'all'
$$;
CREATE OR REPLACE FUNCTION pilot_scope_ids() RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_to_array(
        nullif(current_setting('{MUNICIPALITIES_SETTING}', true), ''), ','
    )::bigint[], '{{}}')
$$;
"""
DROP_SCOPE_FUNCTION_SQL = (
    "DROP FUNCTION IF EXISTS pilot_scope_all(); DROP FUNCTION IF EXISTS pilot_scope_ids();"
)
# A row whose municipality is in scope (the policies' condition).
IN_SCOPE_SQL = (
    "((SELECT pilot_scope_all()) OR municipality_id = ANY ((SELECT pilot_scope_ids())::bigint[]))"
)


class PostgresOnlySQL(RunSQL):
    """RunSQL that does nothing on another database (the demo's SQLite has no second wall)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def scope_function() -> PostgresOnlySQL:
    """The migration operation that makes the scope functions (first, before any policy)."""
    return PostgresOnlySQL(sql=SCOPE_FUNCTION_SQL, reverse_sql=DROP_SCOPE_FUNCTION_SQL)


def protect_table(
    table: str, *, parent_table: str | None = None, parent_column: str | None = None
) -> PostgresOnlySQL:
    """The migration operation that puts ``table`` behind the second wall (and its reverse).

    A row is read, changed, deleted and written only when its ``municipality_id`` is in scope.
    With a parent (``parent_column`` of this table pointing at ``parent_table``), a row is only
    written when its parent is visible too and in the same municipality, so a child can never
    be filed under another municipality than its parent's.
    """
    with_check = IN_SCOPE_SQL
    if parent_table:
        # Table names come from migrations, never from input.
        with_check += (
            f" AND EXISTS (SELECT 1 FROM {parent_table} parent"  # noqa: S608
            f" WHERE parent.id = {table}.{parent_column}"
            f" AND parent.municipality_id = {table}.municipality_id)"
        )
    return PostgresOnlySQL(
        sql=[
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;",
            f"CREATE POLICY pilot_scope ON {table} USING {IN_SCOPE_SQL} WITH CHECK ({with_check});",
        ],
        reverse_sql=[
            f"DROP POLICY IF EXISTS pilot_scope ON {table};",
            f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
        ],
    )


def also_readable(table: str, name: str, condition: str) -> PostgresOnlySQL:
    """A further policy under which rows of a protected ``table`` may be read (never written):
    ``condition`` is SQL over the row, and may look at other protected tables (their own
    policies apply inside it)."""
    return PostgresOnlySQL(
        sql=f"CREATE POLICY {name} ON {table} FOR SELECT USING ({condition});",
        reverse_sql=f"DROP POLICY IF EXISTS {name} ON {table};",
    )


def role_errors(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Why the connection's role would pass by row-level security (empty when it would not):
    a superuser or a BYPASSRLS role ignores every policy, and so does the tables' owner unless
    the policies are forced. ``manage.py check --deploy --database default`` reports them."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return []
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        name, superuser, bypass = cursor.fetchone()
    errors = []
    if superuser:
        errors.append(f"The database role {name} is a superuser.")
    if bypass:
        errors.append(f"The database role {name} has BYPASSRLS.")
    return errors


def check_database_role(app_configs=None, databases=None, **kwargs):
    """Deploy check (with ``--database``): the application must not run as a role that passes
    by row-level security."""
    from django.core.checks import Error

    return [
        Error(
            message,
            hint="Connect as the application's own role, made by manage.py db_app_role.",
            id="municipalities.E001",
        )
        for alias in databases or []
        for message in role_errors(alias)
    ]
