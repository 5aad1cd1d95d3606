"""One table as an Excel workbook, streamed with openpyxl's write-only mode.

Write-only mode keeps one row in memory at a time and writes the sheet to a temporary file, so
memory does not grow with the number of rows. Dates are real Excel dates (yyyy-mm-dd).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..variables import Table, VarType
from .safe import safe_row

SHEET_TITLE_MAX = 31  # Excel's limit


class XlsxTableWriter:
    extension = "xlsx"

    @staticmethod
    def preload() -> None:
        """Nothing to import before the lanes fork (see stats_writer.py)."""

    def __init__(self, *, table: Table, path: Path, language: str) -> None:
        self._path = path
        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet(table.name[:SHEET_TITLE_MAX])
        self._sheet.freeze_panes = "A2"
        self._sheet.append(table.names)
        self._text_columns = tuple(
            i
            for i, variable in enumerate(table.variables)
            if variable.type == VarType.STRING and not variable.formula_safe
        )

    def write_rows(self, rows: list[tuple]) -> None:
        append, text_columns = self._sheet.append, self._text_columns
        if not text_columns:
            for row in rows:
                append(row)
            return
        for row in rows:
            append(safe_row(row, text_columns))

    def close(self) -> None:
        self._workbook.save(self._path)
