# Row-level security (municipalities/db_scope.py) for restrictions and erasures: each names a
# person of one municipality. Does nothing on SQLite.

from django.db import migrations

from municipalities.db_scope import protect_table


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_restriction_erasure_retention"),
        ("placements", "0010_row_level_security"),
    ]

    operations = [
        protect_table(
            "privacy_restriction",
            parent_table="placements_jobseeker",
            parent_column="jobseeker_id",
        ),
        protect_table(
            "privacy_erasure",
            parent_table="placements_jobseeker",
            parent_column="jobseeker_id",
        ),
    ]
