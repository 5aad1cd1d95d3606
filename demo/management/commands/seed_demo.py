"""``manage.py seed_demo``: fill an empty database with the demo pilot and print the sign-ins."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from demo.builder import (
    demo_accounts_present,
    demo_present,
    demo_second_factors,
    reset_pilot_data,
    summary,
    write_plan,
)
from demo.credentials import credentials_table
from demo.plan import DEFAULT_SEED, build_plan
from municipalities.db_scope import pilot_wide
from municipalities.processing_log import acting_as


class Command(BaseCommand):
    help = (
        "Fill the database with a believable demo pilot (the same seed gives the same data). "
        "Changes nothing when pilot data is present, unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="random seed (default %(default)s)",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="build the demo as if this were today (YYYY-MM-DD; default: today): its last "
            "facts fall in the week before, its to-do lists and upcoming internships after",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete all pilot data and the demo accounts first, then build anew",
        )

    @pilot_wide("seed_demo: the demo pilot fills every municipality")
    def handle(self, *args, seed: int, reset: bool, today: date | None, **options):
        started = time.monotonic()
        with transaction.atomic(), acting_as("seed_demo"):
            if demo_present() and not reset:
                self.stdout.write(
                    _(
                        "The database already holds pilot data; nothing was changed. "
                        "Use --reset to delete it and build the demo anew."
                    )
                )
                if demo_accounts_present():
                    demo_second_factors()
                    self.stdout.write("")
                    self.stdout.write(credentials_table())
                return
            if reset:
                _refuse_reset_without_the_owner()
                reset_pilot_data()
            write_plan(build_plan(seed, today or timezone.localdate()))
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo pilot built from seed %(seed)s in %(seconds).1f s.")
                % {"seed": seed, "seconds": elapsed}
            )
        )
        rows = summary()
        width = max(len(label) for label, _count in rows)
        for label, count in rows:
            self.stdout.write(f"  {label.ljust(width)}  {count:>5}")
        self.stdout.write("")
        self.stdout.write(credentials_table())


def _refuse_reset_without_the_owner() -> None:
    """--reset deletes the audit log, which the application's own database role may only read
    and add to (municipalities/db_scope.py): on PostgreSQL the table owner runs it."""
    from django.db import connection

    from municipalities.models import AuditEvent

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(current_user, %s, 'DELETE')", [AuditEvent._meta.db_table]
        )
        (may_delete,) = cursor.fetchone()
    if not may_delete:
        raise CommandError(
            _(
                "--reset deletes the audit log, which this database role may not do. Run it "
                "with the DATABASE_URL of the table owner."
            )
        )
