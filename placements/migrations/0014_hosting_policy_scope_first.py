# The entrepreneurs' extra read policy (an entrepreneur hosting an intern in scope, 0010) starts
# with the scope's own condition. Does nothing on SQLite.
#
# PostgreSQL joins a table's permissive policies with OR in an order of its own (here the
# hosting policy first) and evaluates an OR from the left. The hosting condition is a sub-select
# over every placement in scope, which the planner hashes: so every query that read an
# entrepreneur scanned the placements first, even when each row it read was in scope anyway
# (13-40 ms a query for an IMK coach at national scale, and several such queries a page).
# With the scope's condition first inside this policy too, a row in scope is visible without
# the sub-select, which then runs only for a row outside the scope. Which rows are visible is
# unchanged: (in scope) OR (in scope OR hosting) is (in scope) OR (hosting).

from django.db import migrations

from municipalities.db_scope import IN_SCOPE_SQL, PostgresOnlySQL

HOSTING = (
    "EXISTS (SELECT 1 FROM placements_placement hosted"
    " WHERE hosted.entrepreneur_id = coaching_entrepreneur.id)"
)


class Migration(migrations.Migration):
    dependencies = [("placements", "0013_search_trigram_indexes")]

    operations = [
        PostgresOnlySQL(
            sql=f"ALTER POLICY pilot_scope_hosting ON coaching_entrepreneur"
            f" USING ({IN_SCOPE_SQL} OR {HOSTING});",
            reverse_sql=f"ALTER POLICY pilot_scope_hosting ON coaching_entrepreneur"
            f" USING ({HOSTING});",
        ),
    ]
