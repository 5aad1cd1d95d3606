"""Trigram indexes for the entrepreneur searches (issue 17; see placements 0013)."""

from django.db import migrations

from municipalities.db_scope import PostgresOnlySQL

COLUMNS = ("ref", "trade_name", "kvk_number")


class Migration(migrations.Migration):
    dependencies = [("coaching", "0006_list_order_indexes")]

    operations = [
        PostgresOnlySQL(
            sql="\n".join(
                [
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
                    *(
                        f"CREATE INDEX IF NOT EXISTS coaching_entrepreneur_{column}_trgm "
                        f"ON coaching_entrepreneur USING gin (upper({column}::text) "
                        "gin_trgm_ops);"
                        for column in COLUMNS
                    ),
                ]
            ),
            reverse_sql="\n".join(
                f"DROP INDEX IF EXISTS coaching_entrepreneur_{column}_trgm;" for column in COLUMNS
            ),
        )
    ]
