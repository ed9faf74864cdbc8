"""Charts as inline SVG: horizontal bars, one per label, no script, no CDN.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a text value on
every bar, so a screen reader and a reader without colour get the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_BAR, _GAP, _LABEL, _WIDTH = 18, 6, 150, 420


def bar_chart(title: str, bars: Sequence[tuple[str, int]], css: str = "bar") -> str:
    """An SVG bar chart of ``(label, value)`` pairs, in the order given."""
    height = max(1, len(bars)) * (_BAR + _GAP) + _GAP
    largest = max((value for _, value in bars), default=0) or 1
    span = _WIDTH - _LABEL - 50
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    if not bars:
        parts.append(
            f'<text x="4" y="{_BAR}" class="chart-label">nothing to show</text>'
        )
    for row, (label, value) in enumerate(bars):
        y = _GAP + row * (_BAR + _GAP)
        width = round(span * value / largest) if value else 0
        key = escape(label.replace(" ", "-").lower())
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + _BAR - 5}" text-anchor="end" '
            f'class="chart-label">{escape(_short(label))}</text>'
            f'<rect x="{_LABEL}" y="{y}" width="{width}" height="{_BAR}" '
            f'class="{css} {css}-{key}"><title>{escape(label)}: {value}</title></rect>'
            f'<text x="{_LABEL + width + 4}" y="{y + _BAR - 5}" '
            f'class="chart-value">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
