"""Cells a spreadsheet would read as a formula are neutralised before they are written.

Excel, LibreOffice and Google Sheets treat a cell that starts with = + - @ (and, after a
tab or carriage return, the same) as a formula: a value from the database must never run as one
(CSV injection). Such a text gets a single quote in front, which spreadsheets show as plain
text. Only text cells pass through here; numbers and dates are written as numbers and dates.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: tuple, text_columns: tuple[int, ...]) -> tuple:
    """``row`` with its text cells neutralised; the same tuple when nothing needed it."""
    for index in text_columns:
        value = row[index]
        if value and value.startswith(FORMULA_STARTS):
            cells = list(row)
            for i in text_columns:
                if cells[i]:
                    cells[i] = safe_cell(cells[i])
            return tuple(cells)
    return row
