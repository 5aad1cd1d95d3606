"""Trigram indexes for the lists' searches (issue 17): ``icontains`` is
``UPPER(column::text) LIKE UPPER('%word%')`` on PostgreSQL, which a B-tree cannot answer; a GIN
trigram index on the same expression can, so a search no longer reads every row. PostgreSQL
only (the demo's SQLite searches its few rows as before); pg_trgm is a trusted extension, so
the database's owner may create it."""

from django.db import migrations

from municipalities.db_scope import PostgresOnlySQL

COLUMNS = {
    "placements_jobseeker": ("ref", "given_name", "family_name", "client_number"),
    "placements_placement": ("ref",),
}


def _create() -> str:
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm;"]
    for table, columns in COLUMNS.items():
        for column in columns:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                f"USING gin (upper({column}::text) gin_trgm_ops);"
            )
    return "\n".join(statements)


def _drop() -> str:
    return "\n".join(
        f"DROP INDEX IF EXISTS {table}_{column}_trgm;"
        for table, columns in COLUMNS.items()
        for column in columns
    )


class Migration(migrations.Migration):
    dependencies = [("placements", "0012_list_order_indexes")]

    operations = [PostgresOnlySQL(sql=_create(), reverse_sql=_drop())]
