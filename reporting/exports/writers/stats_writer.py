"""One table as an SPSS .sav or a Stata .dta file, with variable and value labels inside.

pyreadstat writes a whole data frame at once; it cannot append. So these writers collect the
table first, compactly: every numeric column (integers, codes, amounts and dates) goes into an
``array('d')`` of 8 bytes per value rather than a list of Python objects, and only the text
columns (pseudonyms, municipality codes) are lists of strings. The data frame is made from those
buffers without copying them. Memory therefore grows with the rows of the largest table, about
8 bytes per numeric cell plus the pseudonym strings, which is what the benchmark shows.

Dates are written as the numbers each program counts in (SPSS: seconds since 14 October 1582;
Stata: days since 1 January 1960) with a date format, because pyreadstat's own date handling
turns a missing date into a bogus one in Stata files.
"""

from __future__ import annotations

import math
import sys
from array import array
from datetime import date
from pathlib import Path

from ..variables import Table, VarType

SPSS_EPOCH = date(1582, 10, 14)
STATA_EPOCH = date(1960, 1, 1)
SECONDS_PER_DAY = 86400.0
NAN = math.nan


class _StatsTableWriter:
    """Collects the columns; the subclass's ``close`` writes them in its program's format."""

    extension = ""
    epoch: date
    seconds_per_day: float  # 1 for a count of days
    missing = NAN  # what a missing number is stored as in the data frame

    def __init__(self, *, table: Table, path: Path, language: str) -> None:
        self._table = table
        self._path = path
        self._language = language
        self._columns: list[array | list[str]] = [
            [] if variable.type == VarType.STRING else array("d") for variable in table.variables
        ]
        self._types = [variable.type for variable in table.variables]

    def write_rows(self, rows: list[tuple]) -> None:
        # Column by column, one list comprehension each: a generator calling a converter per
        # cell took three times as long (two million cells at national scale).
        if not rows:
            return
        epoch, scale, nan = self.epoch, self.seconds_per_day, self.missing
        columns = zip(*rows, strict=True)
        for column, type_, values in zip(self._columns, self._types, columns, strict=True):
            if type_ == VarType.STRING:
                column.extend([value or "" for value in values])
            elif type_ == VarType.DATE:
                column.extend(
                    [nan if day is None else (day - epoch).days * scale for day in values]
                )
            elif type_ == VarType.NUMBER:
                column.extend([nan if value is None else float(value) for value in values])
            else:  # integers and codes: array("d") takes them as they are
                column.extend([nan if value is None else value for value in values])

    @staticmethod
    def preload() -> None:
        """Import pandas and pyreadstat (a quarter of a second) before the export forks its
        lanes, so that each lane has them already instead of importing them itself. They are
        imported this late so that processes that never write these formats (the web server)
        do not carry them."""
        import pandas  # noqa: F401
        import pyreadstat  # noqa: F401

    def _frame(self):
        import numpy as np
        import pandas as pd

        data = {}
        for variable, column in zip(self._table.variables, self._columns, strict=True):
            if variable.type == VarType.STRING:
                data[variable.name] = pd.Series(column, dtype=object)
            else:
                data[variable.name] = pd.Series(np.frombuffer(column, dtype=np.float64))
        return pd.DataFrame(data, columns=self._table.names)

    def _labels(self) -> tuple[dict[str, str], dict[str, dict[int, str]]]:
        variables = self._table.variables
        column_labels = {v.name: v.label(self._language) for v in variables}
        value_labels = {
            v.name: v.values.labels_in(self._language) for v in variables if v.values is not None
        }
        return column_labels, value_labels


class SavTableWriter(_StatsTableWriter):
    extension = "sav"
    epoch = SPSS_EPOCH
    seconds_per_day = SECONDS_PER_DAY
    # An SPSS system file stores a system-missing number as the lowest double, -DBL_MAX
    # (which readstat writes for NaN too): the frame holds that value itself. pyreadstat then
    # finds no NaN in a column and skips its per-cell pd.isna check, which was a third of its
    # time. The file is the same; reading it back gives NaN (tested).
    missing = -sys.float_info.max

    def close(self) -> None:
        import pyreadstat

        column_labels, value_labels = self._labels()
        formats, measures = {}, {}
        for variable in self._table.variables:
            if variable.type == VarType.STRING:
                formats[variable.name] = f"A{max(variable.width, 1)}"
                measures[variable.name] = "nominal"
            elif variable.type == VarType.DATE:
                formats[variable.name] = "SDATE10"  # yyyy/mm/dd
                measures[variable.name] = "scale"
            elif variable.type == VarType.NUMBER:
                formats[variable.name] = "F10.2"
                measures[variable.name] = "scale"
            else:
                formats[variable.name] = "F8.0"
                measures[variable.name] = "nominal" if variable.values else "scale"
        pyreadstat.write_sav(
            self._frame(),
            str(self._path),
            file_label=self._table.label(self._language)[:64],
            column_labels=column_labels,
            variable_value_labels=value_labels,
            variable_format=formats,
            variable_measure=measures,
        )
        self._columns = []


class DtaTableWriter(_StatsTableWriter):
    extension = "dta"
    epoch = STATA_EPOCH
    seconds_per_day = 1.0

    def close(self) -> None:
        import pyreadstat

        column_labels, value_labels = self._labels()
        formats = {}
        for variable in self._table.variables:
            if variable.type == VarType.DATE:
                formats[variable.name] = "%td"
            elif variable.type == VarType.NUMBER:
                formats[variable.name] = "%10.2f"
            elif variable.type in (VarType.INTEGER, VarType.CODED):
                formats[variable.name] = "%9.0g"
        pyreadstat.write_dta(
            self._frame(),
            str(self._path),
            file_label=self._table.label(self._language)[:80],
            column_labels=column_labels,
            variable_value_labels=value_labels,
            variable_format=formats,
        )
        self._columns = []
