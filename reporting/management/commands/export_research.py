"""``python manage.py export_research``: a research export zip from the command line."""

import re
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from municipalities.db_scope import pilot_wide
from municipalities.processing_log import acting_as
from municipalities.services import audit_record
from reporting.exports.build import (
    FORMATS,
    LANGUAGES,
    build_research_export,
    record_export,
    validate_as_of,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Command(BaseCommand):
    help = (
        "Write a pseudonymised research export (participants with research consent) as of a "
        "date to a zip file: one file per table in the chosen format, plus the codebook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", required=True, help="Export date YYYY-MM-DD.")
        parser.add_argument("--format", dest="format", required=True, choices=FORMATS)
        parser.add_argument("--output", dest="output", required=True, help="The zip to write.")
        parser.add_argument(
            "--language",
            dest="language",
            choices=LANGUAGES,
            default="nl",
            help="Language of the labels inside the files (default nl).",
        )

    @pilot_wide("export_research: the research export covers every municipality")
    def handle(self, *args, **options):
        as_of = _parse_date(options["as_of"])
        try:
            validate_as_of(as_of)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        output = Path(options["output"])
        if output.suffix.lower() != ".zip":
            raise CommandError(_("--output must name a .zip file."))
        if not output.parent.is_dir():
            raise CommandError(
                _("The folder %(folder)s does not exist.") % {"folder": str(output.parent)}
            )

        verbosity = options["verbosity"]

        def progress(percent: int) -> None:
            if verbosity >= 2:
                self.stderr.write(f"{percent}%")

        row_counts = build_research_export(
            as_of=as_of,
            format=options["format"],
            path=output,
            language=options["language"],
            progress=progress,
        )
        with transaction.atomic(), acting_as("export_research"):
            record_export(as_of=as_of)
        audit_record(
            actor=None,
            action="research_export.command",
            object_type="research_export",
            as_of=as_of.isoformat(),
            format=options["format"],
            rows=row_counts,
        )
        for table, count in row_counts.items():
            self.stdout.write(f"{table}: {count}")
        self.stdout.write(_("Written to %(path)s") % {"path": str(output)})


def _parse_date(value: str) -> date:
    # fromisoformat alone would also take "20241231"; the interface promises YYYY-MM-DD only.
    try:
        if not ISO_DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--as-of must be a date written as YYYY-MM-DD, got %(value)r.") % {"value": value}
        ) from None
