# Row-level security (municipalities/db_scope.py) for the consent records. Does nothing on SQLite.

from django.db import migrations

from municipalities.db_scope import protect_table


class Migration(migrations.Migration):
    dependencies = [("placements", "0010_row_level_security")]

    operations = [
        protect_table(
            "placements_consentrecord",
            parent_table="placements_jobseeker",
            parent_column="jobseeker_id",
        ),
    ]
