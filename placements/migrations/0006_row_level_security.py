# Row-level security (municipalities/db_scope.py): jobseekers and every record about them.
# Does nothing on SQLite.

from django.db import migrations

from municipalities.db_scope import also_readable, protect_table


def _child_of_placement(table):
    return protect_table(
        table, parent_table="placements_placement", parent_column="placement_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0005_host_evaluation_version"),
        ("coaching", "0005_row_level_security"),
        ("municipalities", "0005_row_level_security"),
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
        # An entrepreneur in another municipality that hosts an intern in scope is read with
        # the placement (its name on the placement's page), never written.
        also_readable(
            "coaching_entrepreneur",
            "pilot_scope_hosting",
            "EXISTS (SELECT 1 FROM placements_placement hosted"
            " WHERE hosted.entrepreneur_id = coaching_entrepreneur.id)",
        ),
    ]
