"""Reading one import file: encoding, header and cells, before any row is interpreted.

Problems are collected, not raised, so that one run lists every problem in every file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

# A placeholder column for problems that belong to a row or a file rather than to one cell.
NO_COLUMN = "-"

# Bytes that are not UTF-8 survive decoding as lone surrogates (errors="surrogateescape"), so the
# cell that holds them can be named instead of rejecting the whole file in one message.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WHOLE_NUMBER = re.compile(r"-?\d+")
_AMOUNT = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass
class Row:
    line: int
    # The cells of the expected columns, stripped; a column the row is too short for is absent.
    cells: dict[str, str]
    # Columns whose cell could not be read at all; their problem is already reported.
    unreadable: set[str] = field(default_factory=set)
    # The row as a whole could not be read (wrong number of cells).
    broken: bool = False


@dataclass
class CsvFile:
    name: str
    header: list[str]
    rows: list[Row]
    problems: list[Problem]
    # False when a required column is missing or doubled: the rows cannot be interpreted then.
    rows_usable: bool


class CellError(Exception):
    """A cell that cannot be turned into its type; the message says what was expected."""


def _printable(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_csv(path: Path, *, columns: tuple[str, ...]) -> CsvFile:
    """Read ``path`` as UTF-8 CSV (optionally with a byte-order mark) with a header row naming
    exactly ``columns``, in any order."""
    stream = CsvStream(path, columns=columns)
    rows = list(stream.rows())
    return CsvFile(stream.name, stream.header, rows, stream.problems, stream.rows_usable)


class CsvStream:
    """``read_csv`` one row at a time, for a pass over a file that holds only the row it reads.

    The header (and its problems) is read when the stream opens; ``rows()`` reads the rows once,
    adding their problems to ``problems`` as it goes.
    """

    def __init__(self, path: Path, *, columns: tuple[str, ...]) -> None:
        self.name = path.name
        self.columns = columns
        self.problems: list[Problem] = []
        self.header: list[str] = []
        self.rows_usable = False
        self._handle = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
        self._reader = csv.reader(self._handle)
        try:
            self._read_header()
        except BaseException:
            self._handle.close()
            raise

    def _read_header(self) -> None:
        name, problems, columns, reader = self.name, self.problems, self.columns, self._reader
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            problems.append(
                Problem(name, 1, NO_COLUMN, _("The file is empty; it needs a header row."))
            )
            self._handle.close()
            return
        except csv.Error as exc:
            problems.append(Problem(name, 1, NO_COLUMN, str(exc)))
            self._handle.close()
            return
        self.header = header

        rows_usable = True
        seen: set[str] = set()
        for position, column in enumerate(header, start=1):
            if _unreadable(column):
                problems.append(Problem(name, 1, _printable(column), _unreadable(column)))
            elif not column:
                problems.append(
                    Problem(
                        name,
                        1,
                        NO_COLUMN,
                        _("Column %(position)s has no name.") % {"position": position},
                    )
                )
            elif column in seen:
                problems.append(Problem(name, 1, column, _("The column appears more than once.")))
                rows_usable = rows_usable and column not in columns
            elif column not in columns:
                problems.append(
                    Problem(
                        name,
                        1,
                        column,
                        _("Unknown column; the columns are %(columns)s.")
                        % {"columns": ", ".join(columns)},
                    )
                )
            seen.add(column)
        for column in columns:
            if column not in seen:
                problems.append(Problem(name, 1, column, _("The column is missing.")))
                rows_usable = False
        self.rows_usable = rows_usable

    def close(self) -> None:
        self._handle.close()

    def rows(self) -> Iterator[Row]:
        if self._handle.closed:
            return
        name, problems, columns, reader = self.name, self.problems, self.columns, self._reader
        header = self.header
        try:
            while True:
                # The line a row starts on: a quoted cell may span several lines.
                line = reader.line_num + 1
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    problems.append(Problem(name, line, NO_COLUMN, str(exc)))
                    break
                # Spreadsheets write empty rows (",,,,") after the data; nothing to import.
                if not any(cell.strip() for cell in record):
                    continue
                row = Row(line=line, cells={})
                if len(record) != len(header):
                    row.broken = True
                    problems.append(
                        Problem(
                            name,
                            line,
                            NO_COLUMN,
                            _("The row has %(found)s cells; the header has %(expected)s.")
                            % {"found": len(record), "expected": len(header)},
                        )
                    )
                # Most rows have no cell that cannot be text: one look at the whole row says so.
                readable = _readable_row(record)
                for column, cell in zip(header, record, strict=False):
                    if column not in columns or column in row.cells:
                        continue
                    message = "" if readable else _unreadable(cell)
                    if message:
                        row.unreadable.add(column)
                        problems.append(Problem(name, line, column, message))
                    row.cells[column] = cell.strip()
                yield row
        finally:
            self._handle.close()


def _readable_row(record: list[str]) -> bool:
    """True when no cell of ``record`` is unreadable (``_unreadable`` says "" for each)."""
    joined = "".join(record)
    return "\x00" not in joined and _NOT_UTF8.search(joined) is None


def _unreadable(text: str) -> str:
    """Why ``text`` cannot be stored as text, or "" when it can."""
    if _NOT_UTF8.search(text):
        return _("This is not valid UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8).")
    if "\x00" in text:
        # PostgreSQL text cannot hold it, and no model field refuses it before the database.
        return _("This contains a NUL character, which is not text.")
    return ""


def parse_text(value: str) -> str:
    return value


def parse_date(value: str) -> date | None:
    """``YYYY-MM-DD`` exactly (date.fromisoformat alone would also take 20240108 and more)."""
    if not value:
        return None
    try:
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise CellError(_("%(value)s is not a date; write dates as YYYY-MM-DD.") % {"value": value})


def parse_whole_number(value: str) -> int | None:
    if not value:
        return None
    if not _WHOLE_NUMBER.fullmatch(value):
        raise CellError(_("%(value)s is not a whole number.") % {"value": value})
    return int(value)


def parse_amount(value: str) -> Decimal | None:
    """Euros with a ``.`` as the decimal point; the model checks the range and the cents."""
    if not value:
        return None
    if not _AMOUNT.fullmatch(value):
        raise CellError(
            _("%(value)s is not an amount; write euros with a '.' decimal point, e.g. 1285.40.")
            % {"value": value}
        )
    return Decimal(value)


def parse_consent_answer(value: str) -> str:
    """yes, no or unknown (jobseekers.csv's research_consent); the words of the choice fields."""
    from ..enums import ResearchConsent

    if not value:
        raise CellError(_("This field is required."))
    if value not in ResearchConsent.values:
        raise CellError(_("Value %(value)r is not a valid choice.") % {"value": value})
    return value
