"""``manage.py render_report``: render one progress report (PDF) and write it to a file.

Uses the same service as the worker: a report stored for the same kind, date and municipality
is written out as it is, unless ``--rerender`` is given.
"""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from municipalities.db_scope import pilot_wide
from municipalities.models import Municipality
from reporting.management.commands.pilot_metrics import parse_as_of
from reporting.models import ReportKind, ReportStatus, ReportTrigger
from reporting.reports.services import report_render, report_request


class Command(BaseCommand):
    help = "Render a progress report (funder, research or one municipality's) as a PDF file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            choices=[k.value for k in ReportKind],
            default=None,
            help="funder or research; municipality (implied by --municipality).",
        )
        parser.add_argument(
            "--municipality", default=None, help="CBS code (GM0917) for a municipality report."
        )
        parser.add_argument("--as-of", dest="as_of", default=None, help="Report date YYYY-MM-DD.")
        parser.add_argument("--output", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--rerender", action="store_true", help="Render again even if the report is stored."
        )

    @pilot_wide("render_report: reports are made from every municipality's figures")
    def handle(self, *args, kind, municipality, as_of, output, rerender, **options):
        day = parse_as_of(as_of)
        place = None
        if municipality:
            kind = kind or ReportKind.MUNICIPALITY
            if kind != ReportKind.MUNICIPALITY:
                raise CommandError(_("--municipality goes with --kind municipality only."))
            place = Municipality.objects.filter(code=municipality).first()
            if place is None:
                raise CommandError(
                    _("No municipality with code %(code)s.") % {"code": municipality}
                )
        elif kind == ReportKind.MUNICIPALITY:
            raise CommandError(_("A municipality report needs --municipality CODE."))
        if kind is None:
            raise CommandError(_("Give --kind funder, research or municipality."))
        report, queued = report_request(
            kind=kind,
            as_of=day,
            municipality=place,
            rerender=rerender,
            trigger=ReportTrigger.COMMAND,
            enqueue=False,
        )
        if queued or report.status != ReportStatus.DONE:
            timings = report_render(report_id=report.pk)
            if timings is None:
                raise CommandError(_("A worker is rendering this report now; try again later."))
            report.refresh_from_db()
            self.stderr.write(
                _("Rendered in %(ms)s ms (peak memory %(mb)s MB).")
                % {"ms": timings.render_ms, "mb": timings.peak_memory_kb // 1024}
            )
        target = Path(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        with report.file.open("rb") as source, target.open("wb") as destination:
            shutil.copyfileobj(source, destination)
        self.stdout.write(str(target))
