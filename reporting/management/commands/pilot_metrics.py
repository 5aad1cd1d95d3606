"""``python manage.py pilot_metrics``: the pilot's outflow figures as JSON (data-exchange.md)."""

import json
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.db_scope import pilot_wide
from reporting.metrics import MetricsResult, metrics_as_json_dict
from reporting.selectors import compute_metrics

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Command(BaseCommand):
    help = "Print the outflow figures as of a date, as JSON or as a table."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="Report date YYYY-MM-DD; only facts dated on or before it count (default: today).",
        )
        parser.add_argument(
            "--format",
            dest="format",
            choices=["json", "table"],
            default="json",
            help="json (the public interface, default) or table (for reading).",
        )

    @pilot_wide("pilot_metrics: the pilot's figures cover every municipality")
    def handle(self, *args, **options):
        as_of = parse_as_of(options["as_of"])
        result = compute_metrics(as_of=as_of)
        if options["format"] == "table":
            self.stdout.write(metrics_table(result))
        else:
            self.stdout.write(
                json.dumps(metrics_as_json_dict(result), indent=2, ensure_ascii=False)
            )


def parse_as_of(value: str | date | None) -> date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, date):
        return value
    # fromisoformat alone would also take "20241231"; the interface promises YYYY-MM-DD only.
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--as-of must be a date written as YYYY-MM-DD, got %(value)r.") % {"value": value}
        ) from None


def metrics_table(result: MetricsResult) -> str:
    """A fixed-width table: one line per municipality and a totals line."""
    headers = [
        _("Code"),
        _("Municipality"),
        _("Planned places"),
        _("Target"),
        _("Participants"),
        _("Outflow"),
        _("To work"),
        _("Sustained"),
        _("Open"),
        _("No outflow"),
    ]
    lines = [[m.code, m.name, *_figure_cells(m.figures)] for m in result.municipalities]
    lines.append(["", _("Total"), *_figure_cells(result.totals)])
    widths = [max(len(str(row[i])) for row in [headers, *lines]) for i in range(len(headers))]

    def render(row):
        # Code and name read left to right; the figures line up on their last digit.
        cells = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    title = _("Outflow as of %(as_of)s (target ratio %(ratio)s)") % {
        "as_of": result.as_of.isoformat(),
        "ratio": _number(result.target_ratio),
    }
    rule = "-" * len(render(headers))
    body = [render(row) for row in lines[:-1]]
    return "\n".join([title, "", render(headers), rule, *body, rule, render(lines[-1])])


def _figure_cells(figures) -> list[str]:
    return [
        str(figures.planned_places),
        _number(figures.target_outflow),
        str(figures.participants),
        str(figures.outflow),
        str(figures.outflow_to_work),
        str(figures.sustained_outflow),
        str(figures.open),
        str(figures.no_outflow),
    ]


def _number(value) -> str:
    # Decimal("5.000") -> "5", Decimal("2.500") -> "2.5"
    return f"{value.normalize():f}"
