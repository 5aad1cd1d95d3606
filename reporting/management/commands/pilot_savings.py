"""``python manage.py pilot_savings``: the pilot's benefit savings as JSON (benefit-savings.md)."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from municipalities.db_scope import pilot_wide
from reporting.management.commands.pilot_metrics import parse_as_of
from reporting.savings import SavingsResult, cents_text, savings_as_json_dict
from reporting.selectors import compute_metrics


class Command(BaseCommand):
    help = "Print the benefit savings as of a date, as JSON or as a table."

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

    @pilot_wide("pilot_savings: the pilot's savings cover every municipality")
    def handle(self, *args, **options):
        as_of = parse_as_of(options["as_of"])
        # The savings come out of the outflow pass: one computation gives both.
        result = compute_metrics(as_of=as_of).savings
        if options["format"] == "table":
            self.stdout.write(savings_table(result))
        else:
            self.stdout.write(
                json.dumps(savings_as_json_dict(result), indent=2, ensure_ascii=False)
            )


def savings_table(result: SavingsResult) -> str:
    """A fixed-width table: one line per municipality, a totals line and the return."""
    headers = [
        _("Code"),
        _("Municipality"),
        _("Outflow"),
        _("Without amount"),
        _("Days off benefits"),
        _("Savings (EUR)"),
    ]

    def cells(figures):
        return [
            str(figures.outflow),
            str(figures.without_amount),
            str(figures.days_off_benefits),
            cents_text(figures.savings_cents),
        ]

    lines = [[m.code, m.name, *cells(m.figures)] for m in result.municipalities]
    lines.append(["", _("Total"), *cells(result.totals)])
    widths = [max(len(row[i]) for row in [headers, *lines]) for i in range(len(headers))]

    def render(row):
        # Code and name read left to right; the figures line up on their last digit.
        return "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    ratio = result.return_ratio
    title = _("Benefit savings as of %(as_of)s (budget EUR %(budget)s)") % {
        "as_of": result.as_of.isoformat(),
        "budget": cents_text(int(result.budget * 100)),
    }
    footer = _("Return on the budget: %(ratio)s") % {
        "ratio": f"{ratio:f}" if ratio is not None else _("none (the budget is 0)")
    }
    rule = "-" * len(render(headers))
    body = [render(row) for row in lines[:-1]]
    return "\n".join([title, "", render(headers), rule, *body, rule, render(lines[-1]), "", footer])
