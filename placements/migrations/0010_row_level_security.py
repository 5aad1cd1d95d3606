# Row-level security (municipalities/db_scope.py): jobseekers and every record about them.
# Does nothing on SQLite.

from django.db import migrations

from municipalities.db_scope import PostgresOnlySQL, also_readable, protect_table

# The places an entrepreneur's interns take, of every municipality: the rule counts them all,
# while a scoped request sees its own municipalities' placements only. The function counts in a
# pilot-wide scope of its own (the SET clause holds for its call only) and returns the number.
PLACES_TAKEN = """
CREATE OR REPLACE FUNCTION pilot_places_taken(entrepreneur bigint, statuses text)
RETURNS integer LANGUAGE sql STABLE SET pilot.scope = 'all' AS $$
    SELECT count(*)::integer FROM placements_placement
    WHERE entrepreneur_id = entrepreneur AND status = ANY (string_to_array(statuses, ','))
$$;
"""


def _child_of_placement(table):
    return protect_table(
        table, parent_table="placements_placement", parent_column="placement_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0009_state_change_api_client"),
        ("coaching", "0005_row_level_security"),
        ("municipalities", "0006_row_level_security"),
    ]

    operations = [
        protect_table("placements_jobseeker"),
        protect_table(
            "placements_benefitperiod",
            parent_table="placements_jobseeker",
            parent_column="jobseeker_id",
        ),
        protect_table(
            "placements_placement",
            parent_table="placements_jobseeker",
            parent_column="jobseeker_id",
        ),
        _child_of_placement("placements_placementstatechange"),
        _child_of_placement("placements_progressreview"),
        _child_of_placement("placements_benefitcheck"),
        _child_of_placement("placements_hostevaluation"),
        PostgresOnlySQL(
            sql=PLACES_TAKEN,
            reverse_sql="DROP FUNCTION IF EXISTS pilot_places_taken(bigint, text);",
        ),
        # An entrepreneur in another municipality that hosts an intern in scope is read with
        # the placement (its name on the placement's page), never written.
        also_readable(
            "coaching_entrepreneur",
            "pilot_scope_hosting",
            "EXISTS (SELECT 1 FROM placements_placement hosted"
            " WHERE hosted.entrepreneur_id = coaching_entrepreneur.id)",
        ),
    ]
