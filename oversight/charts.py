"""Bar charts as inline SVG, drawn on the server: no script, nothing fetched from elsewhere.

Each bar carries its number beside it, so the chart is also the table.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 960
LABEL_WIDTH = 250
BAR_AREA = 380
ROW_HEIGHT = 24
BAR_HEIGHT = 16
COLOURS = {"normal": "#3a6ea5", "warn": "#d08a1f", "bad": "#c0392b", "good": "#2e8b57"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    href: str = ""
    tone: str = "normal"


def _shorten(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(bars: list[Bar], *, title: str, max_value: float | None = None, empty: str = "暂无数据") -> SafeString:
    if not bars:
        return mark_safe(f'<p class="muted">{escape(empty)}</p>' if empty else "")
    top = max_value if max_value is not None else max((bar.value for bar in bars), default=0)
    top = top or 1
    height = ROW_HEIGHT * len(bars) + 8
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12"><title>{escape(title)}</title>'
    ]
    for n, bar in enumerate(bars):
        y = 4 + n * ROW_HEIGHT
        width = max(0.0, min(1.0, bar.value / top)) * BAR_AREA
        label = f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end"><title>{escape(bar.label)}</title>{escape(_shorten(bar.label))}</text>'
        if bar.href:
            label = f'<a href="{escape(bar.href)}">{label}</a>'
        parts.append(label)
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 1}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{COLOURS.get(bar.tone, COLOURS["normal"])}"></rect>'
        )
        parts.append(f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 13}">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
