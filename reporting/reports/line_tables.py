"""Long per-municipality tables as one line of text per municipality, in a monospace font.

WeasyPrint's cost grows with the number of boxes it lays out, and a table cell is several: a
table of 342 municipalities by 8 figures was 2,700 cells and most of a national report's time
(benchmarks/README.md). Here each municipality is one line of text with its columns padded to
fixed widths, five lines to a table cell, so the figures still stand in columns under their
headings (real header cells of the same widths, repeated on every page) at a small part of the
layout work. Used above ``content.COMPACT_ABOVE`` municipalities only; smaller reports keep
their ordinary tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

# DejaVu Sans Mono (fonts-dejavu-core, as DejaVu Sans): every glyph is 0.602 em wide.
MONO_ADVANCE_EM = 0.602
# The A4 page's text width in the report CSS (210 mm - 18 mm - 18 mm), in points, less a
# little room so that a rounding never breaks a line.
TEXT_WIDTH_PT = 174 / 25.4 * 72 - 4
LARGEST_FONT_PT = 8.0
# Lines per table row: a rule under every fifth line, as in a ledger, guides the eye along the
# lines, and a table row of five lines is half the layout work of five rows (a page breaks
# between such rows, never inside one).
LINES_PER_ROW = 5
# Names beyond this many characters end in an ellipsis; the code before them stays whole.
NAME_MAX = 34
ELLIPSIS = "…"


@dataclass(frozen=True)
class LineColumn:
    label: str
    width: int  # in characters
    numeric: bool

    @property
    def style(self) -> str:
        return f"width: {self.width}ch"


@dataclass(frozen=True)
class LineTable:
    caption: str
    columns: tuple[LineColumn, ...]
    lines: tuple[str, ...]
    total: str  # the bold last line, or ""

    @property
    def rows(self) -> tuple[str, ...]:
        """The lines in table rows of ``LINES_PER_ROW`` (the text of a cell, one per row)."""
        return tuple(
            "\n".join(self.lines[start : start + LINES_PER_ROW])
            for start in range(0, len(self.lines), LINES_PER_ROW)
        )

    @property
    def dom_id(self) -> str:
        """The table's id, for its widths in a style element (the templates carry no style
        attributes: tests/test_security_headers.py)."""
        return "lines-" + hashlib.sha256(self.caption.encode()).hexdigest()[:8]

    @property
    def characters(self) -> int:
        return sum(column.width for column in self.columns)

    @property
    def style(self) -> str:
        """The table's width in characters and the largest font size that fits the page.

        A string, not numbers for the template: a template would localise 7.5 as "7,5"."""
        size = min(LARGEST_FONT_PT, TEXT_WIDTH_PT / (self.characters * MONO_ADVANCE_EM))
        return f"width: {self.characters}ch; font-size: {size:.2f}pt"


def line_table(
    caption: str,
    headings: Sequence[tuple[str, bool]],
    rows: Sequence[Sequence[str]],
    total: Sequence[str] | None = None,
    *,
    word_cap: int = 12,
) -> LineTable:
    """The table of ``rows`` (cells as text, in the order of ``headings``: (label, numeric)).

    A text column is as wide as its longest cell (names capped at ``NAME_MAX``) plus a space
    after it; a numeric column as its longest cell plus two spaces before it, and at least as
    its heading's longest word and a space (up to ``word_cap``: longer words are hyphenated),
    so that a heading wraps between its words.
    """
    every = [*rows, total] if total is not None else list(rows)
    columns = []
    for index, (label, numeric) in enumerate(headings):
        longest = max((len(_fit(row[index], numeric)) for row in every), default=0)
        if numeric:
            word = min(max(len(w) for w in label.split()), word_cap)
            width = max(longest + 2, word + 1)
        else:
            width = max(longest, len(label)) + 1
        columns.append(LineColumn(label=label, width=width, numeric=numeric))
    return LineTable(
        caption=caption,
        columns=tuple(columns),
        lines=tuple(_line(row, columns) for row in rows),
        total=_line(total, columns) if total is not None else "",
    )


def _fit(cell: str, numeric: bool) -> str:
    if numeric or len(cell) <= NAME_MAX:
        return cell
    return cell[: NAME_MAX - 1] + ELLIPSIS


def _line(row: Sequence[str], columns: Sequence[LineColumn]) -> str:
    cells = []
    for cell, column in zip(row, columns, strict=True):
        text = _fit(cell, column.numeric)
        cells.append(text.rjust(column.width) if column.numeric else text.ljust(column.width))
    return "".join(cells).rstrip()
