"""``manage.py db_app_role NAME [--password-env VAR]``: the application's own database role.

Run as the owner of the tables (the role that runs the migrations), after ``migrate``. It
creates the login role NAME, or brings an existing one back to what it should be (run it again
after every migration: it is idempotent): neither superuser nor BYPASSRLS, so that row-level
security holds for it (municipalities/db_scope.py), no CREATEDB or CREATEROLE; it may connect,
read and write every table of the schema and use its sequences, except the append-only tables
(``db_scope.APPEND_ONLY_TABLES``: read and add only). Tables the owner creates later get the
same grants by default; append-only ones need this command again. It never truncates: TRUNCATE
would pass by the policies, so the role does not have it.

The last line printed is ``DATABASE_URL=postgres://NAME@HOST:PORT/DB`` (without the password,
which the deployment adds from its own secret).
"""

from __future__ import annotations

import os
import re

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from municipalities.db_scope import APPEND_ONLY_TABLES

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Command(BaseCommand):
    help = "Create or update the application's own database role (run as the table owner)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the role's name: lower-case letters, digits, _")
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="set the role's password from this environment variable (never an argument)",
        )

    def handle(self, *args, name: str, password_env: str | None = None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_app_role needs PostgreSQL (the demo's SQLite has no roles).")
        if not ROLE_NAME.match(name):
            raise CommandError("The role name may hold lower-case letters, digits and _ only.")
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty or unset.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
        if name == owner:
            raise CommandError("The application's role must not be the owner running this.")

        quote = connection.ops.quote_name
        role = quote(name)
        attributes = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION"
        append_only = [quote(apps.get_model(label)._meta.db_table) for label in APPEND_ONLY_TABLES]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            if password is not None:
                cursor.execute(f"{verb} ROLE {role} WITH {attributes} PASSWORD %s", [password])
            else:
                cursor.execute(f"{verb} ROLE {role} WITH {attributes}")
            statements = [
                f"GRANT CONNECT ON DATABASE {quote(database)} TO {role}",
                f"GRANT USAGE ON SCHEMA public TO {role}",
                # From scratch each time, so that a table that became append-only loses its
                # UPDATE and DELETE on the next run.
                f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                *(f"REVOKE UPDATE, DELETE ON {table} FROM {role}" for table in append_only),
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
                f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
                f" GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            ]
            for statement in statements:
                cursor.execute(statement)
        verb_done = "created" if verb == "CREATE" else "updated"
        self.stdout.write(
            f"Role {name} {verb_done}: no superuser, no BYPASSRLS; append-only: "
            f"{', '.join(APPEND_ONLY_TABLES) or 'none'}."
        )
        settings = connection.settings_dict
        host = settings.get("HOST") or "localhost"
        port = settings.get("PORT") or 5432
        self.stdout.write(f"DATABASE_URL=postgres://{name}@{host}:{port}/{database}")
