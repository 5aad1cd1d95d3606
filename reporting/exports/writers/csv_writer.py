"""One table as CSV: UTF-8, comma-separated, a header of variable names, ISO dates."""

from __future__ import annotations

import csv
from pathlib import Path

from ..variables import Table, VarType
from .safe import safe_row


class CsvTableWriter:
    extension = "csv"

    @staticmethod
    def preload() -> None:
        """Nothing to import before the lanes fork (see stats_writer.py)."""

    def __init__(self, *, table: Table, path: Path, language: str) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file, lineterminator="\r\n")
        self._writer.writerow(table.names)
        self._text_columns = tuple(
            i
            for i, variable in enumerate(table.variables)
            if variable.type == VarType.STRING and not variable.formula_safe
        )

    def write_rows(self, rows: list[tuple]) -> None:
        # csv writes None as an empty field, numbers as they are and a date as str(date),
        # which is ISO 8601: only text needs a look.
        text_columns = self._text_columns
        if text_columns:
            self._writer.writerows(safe_row(row, text_columns) for row in rows)
        else:
            self._writer.writerows(rows)

    def close(self) -> None:
        self._file.close()
