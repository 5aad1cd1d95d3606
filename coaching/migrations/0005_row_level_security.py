# Row-level security (municipalities/db_scope.py): entrepreneurs and their guidance sessions.
# The entrepreneurs' extra read policy (one hosting an intern in scope) is in placements 0006,
# beside the table it reads. Does nothing on SQLite.

from django.db import migrations

from municipalities.db_scope import protect_table


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0004_record_versions"),
        ("municipalities", "0006_row_level_security"),
    ]

    operations = [
        protect_table("coaching_entrepreneur"),
        protect_table(
            "coaching_guidancesession",
            parent_table="coaching_entrepreneur",
            parent_column="entrepreneur_id",
        ),
    ]
