"""Change counters of the tables behind the figures: the cheap half of a snapshot's
fingerprint (issue 17).

A snapshot used to hash every row the rules read, which cost as much as the rules. Instead a
statement-level trigger on each table below adds a row to ``reporting_tablechange`` for every
statement that inserts, updates, deletes or truncates rows, in the writer's own transaction:

- a change is counted when, and only when, its transaction commits (a rolled-back one leaves
  nothing), deletes and truncations included, whatever wrote it (services, the import's bulk
  statements, ``QuerySet.update``, raw SQL, the admin);
- writers only insert, so none ever waits for another (no shared counter row to lock);
- each table's counter is the sum of its rows' ``changes``; ``fold_changes`` replaces the rows
  it can see by one row per table with their sum, which keeps every sum, so the table stays a
  few rows long (a transaction still open keeps its rows and adds them when it commits).

The snapshot task reads the counters *before* it reads the data: a change committed in between
is then in the figures but not in the fingerprint, which at worst computes the same figures
once more; the other order could store figures that miss a change under a fingerprint that
has it. A statement that changed nothing (an UPDATE of 0 rows, a save of the same values)
still counts: that, too, only costs a computation.
"""

from __future__ import annotations

from django.db import connection

from municipalities.db_scope import PostgresOnlySQL

# Every table whose rows the rules, the funnel, the guidance, the completeness counts, the
# costs or the rollout read (reporting.selectors, as_of_figures, completeness); PilotSettings'
# values are in the fingerprint themselves.
TRACKED_TABLES = (
    "municipalities_municipality",
    "placements_jobseeker",
    "placements_placement",
    "placements_benefitperiod",
    "placements_placementstatechange",
    "placements_progressreview",
    "placements_benefitcheck",
    "placements_hostevaluation",
    "placements_consentrecord",
    "coaching_entrepreneur",
    "coaching_guidancesession",
)

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION reporting_table_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting_tablechange ("table", changes) VALUES (TG_TABLE_NAME, 1);
    RETURN NULL;
END
$$;
"""


def count_changes() -> PostgresOnlySQL:
    """The migration operation that puts the trigger on every tracked table."""
    sql = [FUNCTION_SQL]
    reverse = []
    for table in TRACKED_TABLES:
        sql.append(
            f"CREATE TRIGGER reporting_table_changed AFTER INSERT OR UPDATE OR DELETE OR "
            f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reporting_table_changed();"
        )
        reverse.append(f"DROP TRIGGER IF EXISTS reporting_table_changed ON {table};")
    reverse.append("DROP FUNCTION IF EXISTS reporting_table_changed();")
    return PostgresOnlySQL(sql=sql, reverse_sql=reverse)


def change_counters() -> dict[str, int]:
    """Each tracked table's counter as this connection sees it now (0: never changed)."""
    counters = dict.fromkeys(TRACKED_TABLES, 0)
    if connection.vendor != "postgresql":
        return {}  # the demo's SQLite has no triggers: the caller hashes the rows instead
    with connection.cursor() as cursor:
        cursor.execute('SELECT "table", SUM(changes) FROM reporting_tablechange GROUP BY "table"')
        for table, changes in cursor.fetchall():
            if table in counters:
                counters[table] = int(changes)
    return counters


def fold_changes() -> None:
    """Replace the visible rows of the counters by one row per table with their sum."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            'WITH gone AS (DELETE FROM reporting_tablechange RETURNING "table", changes) '
            'INSERT INTO reporting_tablechange ("table", changes) '
            'SELECT "table", SUM(changes) FROM gone GROUP BY "table"'
        )
