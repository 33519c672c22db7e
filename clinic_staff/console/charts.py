"""Bar charts as server-rendered SVG: no JavaScript, no chart library, readable by screen
readers (role="img", a title, and the figures repeated in a table next to each chart)."""

from __future__ import annotations

from html import escape
from typing import Sequence, Tuple

from markupsafe import Markup

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 260, 16, 44, 24


def bar_chart(title: str, bars: Sequence[Tuple[str, float]], unit: str = "") -> Markup:
    """Vertical bars with their values on top; labels thinned out when there are many."""
    top = max([value for _, value in bars] + [1])
    inner_w, inner_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = inner_w / max(len(bars), 1)
    every = max(1, -(-len(bars) // 6))  # at most 6 labels: they must stay readable
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH - 8}" '
        f'y2="{HEIGHT - PAD_BOTTOM}" class="axis"/>',
    ]
    for i, (label, value) in enumerate(bars):
        h = inner_h * value / top
        x = PAD_LEFT + i * step + step * 0.15
        y = HEIGHT - PAD_BOTTOM - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'class="bar"><title>{escape(label)}: {value:g}{unit}</title></rect>'
        )
        if value:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" class="value">{value:g}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" '
                f'class="label">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
