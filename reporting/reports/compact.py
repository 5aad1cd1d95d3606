"""What the national reports print instead of their long per-municipality tables.

Above ``content.COMPACT_ABOVE`` municipalities a per-municipality table is printed as one line
of text per municipality (line_tables.py), and the same rows travel inside the PDF as a CSV
attachment, so a reader who wants to compute with them need not copy them off the pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from ..completeness import GAP_KINDS
from ..exports.writers.safe import safe_cell
from .line_tables import LineTable, line_table
from .pdf import PdfAttachment

FIGURES_CSV = "cijfers-per-gemeente.csv"
COMPLETENESS_CSV = "volledigheid-per-gemeente.csv"

# The figures per municipality as the snapshot stores them, in the order of the full table.
FIGURE_KEYS = (
    "planned_places",
    "target_outflow",
    "participants",
    "outflow",
    "outflow_to_work",
    "sustained_outflow",
    "open",
    "no_outflow",
)
SAVINGS_COLUMNS = (
    "days_off_benefits",
    "savings",
    "without_amount",
    "coaching_costs",
    "coaching_cost_per_outflow",
    "net",
)


def _euro(value) -> str:
    return "-" if value is None else f"€ {floatformat(value, '0g')}"


def figures_line_table(municipalities: Sequence[dict], savings, totals: dict) -> LineTable:
    """The funder's figures per municipality: the main figures with the savings and the
    savings minus coaching costs, and the total line."""
    per_code = {row.code: row for row in savings.municipalities}
    rows = []
    for m in municipalities:
        row = per_code.get(m["code"])
        rows.append(
            [
                f"{m['code']} {m['name']}",
                str(m["participants"]),
                str(m["outflow"]),
                floatformat(m["target_outflow"], "-1"),
                str(m["outflow_to_work"]),
                str(m["sustained_outflow"]),
                _euro(row.savings if row else None),
                _euro(row.net if row else None),
            ]
        )
    net = sum((row.net for row in savings.municipalities), Decimal(0))
    total = [
        _("Total"),
        str(totals["participants"]),
        str(totals["outflow"]),
        floatformat(totals["target_outflow"], "-1"),
        str(totals["outflow_to_work"]),
        str(totals["sustained_outflow"]),
        _euro(savings.savings),
        _euro(net) if savings.costs else "",
    ]
    return line_table(
        _("Figures per municipality"),
        [
            (_("Municipality"), False),
            (_("Participants"), True),
            (_("Outflow"), True),
            (_("Target"), True),
            (_("To work"), True),
            (_("Sustained"), True),
            (_("Saved in benefits"), True),
            (_("Savings minus coaching costs"), True),
        ],
        rows,
        total,
    )


def completeness_line_table(completeness: Sequence[dict]) -> LineTable:
    """The count of each kind of gap per municipality (the rows' ``cells`` as they are)."""
    return line_table(
        _("Data completeness per municipality"),
        [(_("Municipality"), False), *((str(label), True) for label in GAP_KINDS.values())],
        [
            [f"{row['code']} {row['name']}", *(str(value) for _label, value in row["cells"])]
            for row in completeness
        ],
    )


def figures_attachment(municipalities: Sequence[dict], savings) -> PdfAttachment:
    """Every figure per municipality of the full-size funder report (figures and savings),
    one row per municipality, as CSV with the variable names of the exports as its header."""
    per_code = {row.code: row for row in savings.municipalities}
    header = ["code", "name", *FIGURE_KEYS, *SAVINGS_COLUMNS]
    rows = []
    for m in municipalities:
        row = per_code.get(m["code"])
        rows.append(
            [
                m["code"],
                safe_cell(m["name"]),
                *(m[key] for key in FIGURE_KEYS),
                *((getattr(row, key) if row else None) for key in SAVINGS_COLUMNS),
            ]
        )
    return PdfAttachment(
        name=FIGURES_CSV,
        description=_("Figures per municipality"),
        data=_csv(header, rows),
    )


def completeness_attachment(completeness: Sequence[dict]) -> PdfAttachment:
    """The count of each kind of gap per municipality, as CSV (the gap kinds' keys as header)."""
    header = ["code", "name", *GAP_KINDS]
    rows = [
        [row["code"], safe_cell(row["name"]), *(row[kind] for kind in GAP_KINDS)]
        for row in completeness
    ]
    return PdfAttachment(
        name=COMPLETENESS_CSV,
        description=_("Data completeness per municipality"),
        data=_csv(header, rows),
    )


def _csv(header: list[str], rows: list[list]) -> bytes:
    # As the exports write CSV (reporting/exports/writers/csv_writer.py): UTF-8, commas, CRLF,
    # numbers as they are and an empty field for "none".
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
