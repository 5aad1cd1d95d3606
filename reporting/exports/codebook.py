"""The codebook files inside every export zip: a CSV for programs and an HTML page for people."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.template.loader import render_to_string

from .variables import TABLES, Variable

CODEBOOK_COLUMNS = [
    "table",
    "variable",
    "type",
    "label_nl",
    "label_en",
    "values_nl",
    "values_en",
    "definition",
]


def _values(variable: Variable, language: str) -> str:
    if variable.values is None:
        return ""
    return "; ".join(
        f"{code} = {label}" for code, label in variable.values.labels_in(language).items()
    )


def codebook_rows() -> list[list[str]]:
    return [
        [
            table.name,
            variable.name,
            str(variable.type),
            variable.nl,
            variable.en,
            _values(variable, "nl"),
            _values(variable, "en"),
            variable.definition,
        ]
        for table in TABLES
        for variable in table.variables
    ]


def write_codebook_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(CODEBOOK_COLUMNS)
        writer.writerows(codebook_rows())


def write_codebook_html(
    path: Path, *, as_of: date, format: str, row_counts: dict[str, int], built_at: str
) -> None:
    tables = [
        {
            "table": table,
            "rows": row_counts.get(table.name, 0),
            "variables": [
                {
                    "variable": variable,
                    "values": (
                        [(label.code, label.nl, label.en) for label in variable.values.labels]
                        if variable.values
                        else []
                    ),
                }
                for variable in table.variables
            ],
        }
        for table in TABLES
    ]
    html = render_to_string(
        "reporting/exports/codebook.html",
        {"as_of": as_of, "format": format, "tables": tables, "built_at": built_at},
    )
    path.write_text(html, encoding="utf-8")
