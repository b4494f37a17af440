"""The concentration curve as inline SVG, drawn on the server: no JavaScript, no library.

Lines differ by dash pattern and marks by shape, never by colour alone, and the picture
carries a <title> and <desc> in words; the page puts a table of the same figures beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Point = tuple[float, float]

# A few hundred points draw a smooth curve; more only make the page heavier.
MAX_POINTS = 300

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 72, 620, 16, 356  # the plot area, in viewBox units
LEGEND_TOP, LEGEND_ROW = BOTTOM + 82, 26
TICKS = (0, 20, 40, 60, 80, 100)
INK, GREY, BLUE, RED = "#0b0c0c", "#505a5f", "#1d70b8", "#d4351c"
DASHES = "10 6"
EQUAL_STROKE = f' stroke="{GREY}" stroke-width="1.5" stroke-dasharray="2 4"'


@dataclass(frozen=True)
class Line:
    label: str
    points: Sequence[Point]
    dashed: bool = False


@dataclass(frozen=True)
class Mark:
    label: str
    x: float
    y: float
    shape: Literal["circle", "square"] = "circle"


def downsample(points: Sequence[Point], limit: int = MAX_POINTS) -> list[Point]:
    """At most `limit` points, evenly spaced along the sequence, keeping the first and last."""
    if limit < 2:
        raise ValueError("Keep at least the first and last points")
    if len(points) <= limit:
        return list(points)
    last = len(points) - 1
    indexes = sorted({round(i * last / (limit - 1)) for i in range(limit)})
    return [points[i] for i in indexes]


def to_svg(x: float, y: float) -> Point:
    """A point on the unit square to viewBox units; y grows downwards in SVG."""
    return (LEFT + x * (RIGHT - LEFT), BOTTOM - y * (BOTTOM - TOP))


def path(points: Sequence[Point]) -> str:
    """An SVG path through the points, to one decimal place."""
    steps = []
    for i, (x, y) in enumerate(points):
        sx, sy = to_svg(x, y)
        steps.append(f"{'L' if i else 'M'}{sx:.1f} {sy:.1f}")
    return " ".join(steps)


def _axes(x_label: str, y_label: str) -> list[str]:
    parts = []
    for tick in TICKS:
        x, _ = to_svg(tick / 100, 0)
        _, y = to_svg(0, tick / 100)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" stroke="#b1b4b6" '
            f'stroke-width="1"/><line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{BOTTOM}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{BOTTOM + 22}" text-anchor="middle">{tick}%</text>'
            f'<text x="{LEFT - 8}" y="{y + 5:.1f}" text-anchor="end">{tick}%</text>'
        )
    parts.append(
        f'<path d="M{LEFT} {TOP} V{BOTTOM} H{RIGHT}" fill="none" stroke="{INK}" stroke-width="2"/>'
    )
    middle_x, middle_y = (LEFT + RIGHT) / 2, (TOP + BOTTOM) / 2
    parts.append(
        f'<text x="{middle_x:.0f}" y="{BOTTOM + 50}" text-anchor="middle">{escape(x_label)}</text>'
        f'<text transform="translate(18 {middle_y:.0f}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    return parts


def _mark(mark: Mark, x: float, y: float) -> str:
    # A hollow square drawn over a small filled circle leaves both visible where they meet.
    if mark.shape == "square":
        return (
            f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" fill="none" '
            f'stroke="{INK}" stroke-width="2.5"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{RED}" stroke="{INK}" stroke-width="1.5"/>'
    )


def _line_sample(x: float, y: float, stroke: str) -> str:
    return f'<line x1="{x:.1f}" y1="{y}" x2="{x + 36:.1f}" y2="{y}"{stroke}/>'


def _legend(lines: Sequence[Line], marks: Sequence[Mark], equal_label: str) -> list[str]:
    """A key below the x-axis label, one entry a row, so long labels have the full width."""
    x, y = float(LEFT), LEGEND_TOP
    parts = []
    for line in lines:
        parts.append(_line_sample(x, y, _stroke(line.dashed)))
        parts.append(f'<text x="{x + 48:.1f}" y="{y + 5}">{escape(line.label)}</text>')
        y += LEGEND_ROW
    parts.append(_line_sample(x, y, EQUAL_STROKE))
    parts.append(f'<text x="{x + 48:.1f}" y="{y + 5}">{escape(equal_label)}</text>')
    y += LEGEND_ROW
    for mark in marks:
        parts.append(_mark(mark, x + 18, y))
        parts.append(f'<text x="{x + 48:.1f}" y="{y + 5}">{escape(mark.label)}</text>')
        y += LEGEND_ROW
    return parts


def _stroke(dashed: bool) -> str:
    if dashed:
        return f' stroke="{BLUE}" stroke-width="3" stroke-dasharray="{DASHES}"'
    return f' stroke="{INK}" stroke-width="3"'


def concentration_svg(
    *,
    lines: Sequence[Line],
    marks: Sequence[Mark] = (),
    title: str,
    desc: str,
    chart_id: str = "concentration",
    x_label: str = "Share of offenders, the most prolific first",
    y_label: str = "Share of offences",
    equal_label: str = "Everyone offending equally",
) -> SafeString:
    """The curves, the line of equal shares and the marked points, as an accessible SVG."""
    chart_id = escape(chart_id)
    height = LEGEND_TOP + LEGEND_ROW * (len(lines) + len(marks)) + 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" '
        f'id="{chart_id}" font-family="GDS Transport, arial, sans-serif" font-size="16" '
        f'fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        *_axes(x_label, y_label),
        f'<path d="{path([(0.0, 0.0), (1.0, 1.0)])}" fill="none"{EQUAL_STROKE}/>',
    ]
    for line in lines:
        parts.append(
            f'<path d="{path(downsample(line.points))}" fill="none"{_stroke(line.dashed)}/>'
        )
    for mark in marks:
        parts.append(_mark(mark, *to_svg(mark.x, mark.y)))
    parts.extend(_legend(lines, marks, equal_label))
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is numbers and fixed markup.
    return mark_safe("".join(parts))  # noqa: S308
