"""Table writers, one per format. Each takes batches of coded rows and closes into a file."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..variables import Table
from .csv_writer import CsvTableWriter
from .safe import safe_cell, safe_row
from .stats_writer import DtaTableWriter, SavTableWriter
from .xlsx_writer import XlsxTableWriter


class TableWriter(Protocol):
    extension: str

    @staticmethod
    def preload() -> None: ...

    def write_rows(self, rows: list[tuple]) -> None: ...

    def close(self) -> None: ...


WRITERS: dict[str, type] = {
    "csv": CsvTableWriter,
    "xlsx": XlsxTableWriter,
    "sav": SavTableWriter,
    "dta": DtaTableWriter,
}


def open_writer(*, format: str, table: Table, directory: Path, language: str) -> TableWriter:
    writer_class = WRITERS[format]
    path = directory / f"{table.name}.{writer_class.extension}"
    return writer_class(table=table, path=path, language=language)


__all__ = ["WRITERS", "TableWriter", "open_writer", "safe_cell", "safe_row"]
