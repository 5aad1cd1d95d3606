# The one way the application's role may change an audit event: an erasure replacing a person's
# old references in it by record ids (privacy/erasure.py). The role has SELECT and INSERT only on
# the audit log (db_scope.APPEND_ONLY_TABLES); this function runs as the table's owner and
# changes nothing but one event's reference and detail. Does nothing on SQLite.

from django.db import migrations

from municipalities.db_scope import PostgresOnlySQL

SCRUB_FUNCTION = """
CREATE OR REPLACE FUNCTION pilot_scrub_audit_event(event_id bigint, new_ref text, new_detail jsonb)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    UPDATE municipalities_auditevent SET object_ref = new_ref, detail = new_detail
    WHERE id = event_id
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_row_level_security"),
        ("municipalities", "0006_row_level_security"),
    ]

    operations = [
        PostgresOnlySQL(
            sql=SCRUB_FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS pilot_scrub_audit_event(bigint, text, jsonb);",
        ),
    ]
