"""Small helpers that write SVG elements as text. No drawing library: the charts are simple and
the markup must be identical in the browser and in WeasyPrint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours with enough contrast on white (WCAG 1.4.11); every series also has a text label or a
# dash pattern, so colour is never the only carrier of meaning.
INK = "#1a1a1a"
GRID = "#c8c8c8"
SERIES = "#00578a"
TARGET = "#b3261e"
MUTED = "#5c5c5c"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


# The charts' font, to measure labels before placing them (the same font the browser and
# WeasyPrint use when it is installed, as in the Docker image and CI). Without it a generous
# estimate keeps labels apart all the same.
FONT_FILES = {
    "normal": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "bold": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}


@lru_cache(maxsize=2)
def _advances(weight: str) -> tuple[dict[int, int], int, int] | None:
    path = FONT_FILES.get(weight)
    if path is None or not path.exists():
        return None
    from fontTools.ttLib import TTFont

    with TTFont(path) as font:
        cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        advances = {code: metrics[glyph][0] for code, glyph in cmap.items() if glyph in metrics}
        return advances, font["head"].unitsPerEm, metrics[".notdef"][0]


def text_width(content: str, size: float, weight: str = "normal") -> float:
    """The width in pixels of ``content`` at ``size`` in the charts' font."""
    known = _advances(weight)
    if known is None:
        return len(content) * size * (0.68 if weight == "bold" else 0.62)
    advances, units, missing = known
    return sum(advances.get(ord(c), missing) for c in content) * size / units


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    svg: SafeString
    columns: Sequence[str]
    rows: Sequence[Sequence[object]] = field(default_factory=list)

    @property
    def labelled_rows(self) -> list[list[tuple[str, object]]]:
        """Each cell with its column's name, for tables that stack on narrow screens."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]


def fmt(value: float | int) -> str:
    """Coordinates with at most one decimal: shorter markup, same picture."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 12,
    fill: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{fmt(x)}" y="{fmt(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}" {FONT}>{escape(content)}</text>'
    )


def line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    stroke: str = GRID,
    width: float = 1,
    dash: str = "",
) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" stroke="{stroke}" '
        f'stroke-width="{fmt(width)}"{dash_attr}/>'
    )


def rect(x: float, y: float, width: float, height: float, *, fill: str = SERIES) -> str:
    return (
        f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(max(width, 0))}" '
        f'height="{fmt(max(height, 0))}" fill="{fill}"/>'
    )


def polyline(
    points: Sequence[tuple[float, float]], *, stroke: str = SERIES, width: float = 2, dash: str = ""
) -> str:
    if not points:
        return ""
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    coordinates = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)
    return (
        f'<polyline points="{coordinates}" fill="none" stroke="{stroke}" '
        f'stroke-width="{fmt(width)}"{dash_attr}/>'
    )


def document(
    key: str, title: str, description: str, width: int, height: int, body: Sequence[str]
) -> SafeString:
    """The <svg> element: labelled by its own <title> and <desc> for assistive technology."""
    title_id = f"chart-{key}-title"
    desc_id = f"chart-{key}-desc"
    return mark_safe(  # noqa: S308 - every text in ``body`` went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def nice_ceiling(value: float) -> float:
    """The smallest 'round' number (1, 2, 2.5, 5 x 10^n) at or above ``value``, for axes."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def ticks(maximum: float, count: int = 5) -> list[float]:
    top = nice_ceiling(maximum)
    return [top * i / count for i in range(count + 1)]


def number(value: float) -> str:
    """A tick or figure label: whole numbers without decimals."""
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"
