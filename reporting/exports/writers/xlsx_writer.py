"""One table as an Excel workbook, its sheet streamed straight into the file's zip.

The sheet is written row by row into the workbook's zip member as the batches come, so memory
does not grow with the number of rows (what xlsxwriter's ``constant_memory`` mode does), and
each row is one string made by a formatter per column rather than a library call per cell:
at national scale the export writes about two million cells, and a call per cell (openpyxl's
write-only mode, or xlsxwriter's ``write_*`` methods) cost 10-25x the time of reading the rows.

What the file holds is the smallest workbook Excel, LibreOffice and openpyxl open: one sheet,
its header row frozen, text as inline strings, numbers as numbers, dates as real Excel dates
(day numbers with the format yyyy-mm-dd) and a missing value as no cell at all.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..variables import Table, VarType
from .safe import safe_cell

SHEET_TITLE_MAX = 31  # Excel's limit
# Excel counts days from 30 December 1899 (with 1900 wrongly a leap year, which only matters
# before March 1900).
EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
# s="1" on a date cell: the second xf of STYLES (cellXfs), the format yyyy-mm-dd.
# Characters XML 1.0 cannot hold; Excel writes them as _xHHHH_.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft"/></sheetView></sheetViews>'
    "<sheetData>"
)
SHEET_END = "</sheetData></worksheet>"


def column_letters(index: int) -> str:
    """A, B, ..., Z, AA, ... for the 0-based column ``index``."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xml_text(value: str) -> str:
    text = escape(value)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def _string_cell(value: str, ref: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}</t></is></c>'


# How a column's cells are written (write_rows branches on these rather than calling a
# function per cell, which was a third of the time at national scale).
NUMBER, DATE, SAFE_TEXT, TEXT = range(4)


def _kind(variable) -> int:
    if variable.type == VarType.STRING:
        # Text the export makes itself (pseudonyms, municipality codes: letters, digits and
        # hyphens) needs neither the formula check nor XML escaping.
        return SAFE_TEXT if variable.formula_safe else TEXT
    if variable.type == VarType.DATE:
        return DATE
    return NUMBER  # integers, codes and amounts (int or Decimal: str() is exact)


class XlsxTableWriter:
    extension = "xlsx"

    @staticmethod
    def preload() -> None:
        """Nothing to import before the lanes fork (see stats_writer.py)."""

    def __init__(self, *, table: Table, path: Path, language: str) -> None:
        self._archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        title = table.name[:SHEET_TITLE_MAX]
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", WORKBOOK.format(name=quoteattr(title))),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ):
            self._archive.writestr(name, text)
        self._sheet = self._archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._letters = [column_letters(i) for i in range(len(table.variables))]
        self._columns = list(zip(self._letters, map(_kind, table.variables), strict=True))
        self._row = 1
        header = "".join(
            _string_cell(name, f"{letter}1")
            for letter, name in zip(self._letters, table.names, strict=True)
        )
        self._sheet.write(f'{SHEET_START}<row r="1">{header}</row>'.encode())

    def write_rows(self, rows: list[tuple]) -> None:
        columns, number, epoch = self._columns, self._row, EXCEL_EPOCH_ORDINAL
        parts = []
        append = parts.append
        for row in rows:
            number += 1
            n = str(number)
            append(f'<row r="{n}">')
            for value, (letter, kind) in zip(row, columns, strict=True):
                if value is None:
                    continue
                if kind == NUMBER:
                    append(f'<c r="{letter}{n}"><v>{value}</v></c>')
                elif kind == DATE:
                    append(f'<c r="{letter}{n}" s="1"><v>{value.toordinal() - epoch}</v></c>')
                elif kind == SAFE_TEXT:
                    append(f'<c r="{letter}{n}" t="inlineStr"><is><t>{value}</t></is></c>')
                else:
                    append(_string_cell(safe_cell(value), letter + n))
            append("</row>")
        self._row = number
        self._sheet.write("".join(parts).encode())

    def close(self) -> None:
        self._sheet.write(SHEET_END.encode())
        self._sheet.close()
        self._archive.close()
