"""``python manage.py import_pilot_data FOLDER [--dry-run]``, as data-exchange.md specifies."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from municipalities.db_scope import pilot_wide
from municipalities.processing_log import acting_as
from placements.imports import KINDS, import_folder


class Command(BaseCommand):
    help = (
        "Import municipalities, entrepreneurs, jobseekers, placements and benefit periods from "
        "the CSV files in FOLDER, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything but write nothing."
        )

    @pilot_wide("import_pilot_data: the pilot's files hold every municipality's rows")
    def handle(self, *args, folder: Path, dry_run: bool, **options):
        if not folder.is_dir():
            raise CommandError(_("%(folder)s is not a folder.") % {"folder": folder})
        names = [kind.file for kind in KINDS]
        if not any((folder / name).is_file() for name in names):
            raise CommandError(
                _("%(folder)s holds none of %(names)s.")
                % {"folder": folder, "names": ", ".join(names)}
            )
        with acting_as("import_pilot_data"):
            result = import_folder(folder, dry_run=dry_run)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            # The exit status is part of the interface (data-exchange.md): 1 when anything is
            # wrong, without CommandError's own line around the list.
            raise SystemExit(1)
        for counts in result.files:
            self.stdout.write(
                _("%(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
                % {
                    "file": counts.file,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        if dry_run:
            self.stdout.write(_("(dry run, nothing written)"))
