# Row-level security, the second wall (municipalities/db_scope.py): the function the policies
# call, and the corrections history behind it. Does nothing on SQLite.

from django.db import migrations

from municipalities.db_scope import protect_table, scope_function


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0005_api_clients")]

    operations = [
        scope_function(),
        protect_table("municipalities_correction"),
    ]
