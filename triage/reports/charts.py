"""Charts drawn on the server as SVG: no script, no CDN, readable in print and by screen readers.

Each chart carries a <title> and a <desc> that says in words what the bars show, text
labels on the axes and every bar's value, and colours from CSS classes so light and dark
themes both hold. Every piece of text goes through escape(): topics and tags are user text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    css: str = ""  # e.g. "band-1": the band colour; the word is in the label


@dataclass(frozen=True)
class Mark:
    """A vertical line on a time chart: a crisis phase or a peak."""

    at: datetime
    label: str
    kind: str


def _nice_max(value: int) -> int:
    """A round top for the y axis: 1, 2, 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * magnitude:
            return max(1, round(step * magnitude))
    return 10 * magnitude


def _open(width: int, height: int, uid: str, title: str, desc: str, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]


def hbars(bars: Sequence[Bar], *, uid: str, title: str, unit: str = "mentions") -> SafeString:
    """Horizontal bars, one row per label, the value written at the end of each bar."""
    row, label_w, width = 24, 110, 380
    height = max(1, len(bars)) * row + 8
    top = _nice_max(max((b.value for b in bars), default=0))
    desc = "; ".join(f"{b.label}: {b.value} {unit}" for b in bars) or f"No {unit}."
    out = _open(width, height, uid, title, desc, "hbars")
    plot = width - label_w - 50
    for i, bar in enumerate(bars):
        y = 4 + i * row
        w = round(plot * bar.value / top, 1)
        out.append(
            f'<text class="c-label" x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(bar.label)}</text>"
            f'<rect class="c-bar {escape(bar.css)}" x="{label_w}" y="{y + 3}" '
            f'width="{w}" height="{row - 8}" rx="2"/>'
            f'<text class="c-value" x="{label_w + w + 6}" y="{y + 17}">{bar.value}</text>'
        )
    if not bars:
        out.append(f'<text class="c-label" x="8" y="18">No {escape(unit)}.</text>')
    out.append("</svg>")
    # Every text above went through escape()
    return mark_safe("".join(out))  # nosec B308, B703


def _tick_every(n: int, hourly: bool) -> int:
    """Hours (or days) between axis labels: at most about 14 labels, on round hours."""
    steps = (1, 2, 3, 6, 12, 24, 48) if hourly else (1, 2, 7, 14, 28, 56)
    return next((s for s in steps if n / s <= 14), steps[-1])


def _tick_label(at: datetime, hourly: bool, first: bool) -> str:
    if not hourly:
        return f"{at:%d %b}"
    return f"{at:%d %b %H:%M}" if first or at.hour == 0 else f"{at:%H:%M}"


def volume(
    series: Sequence[tuple[datetime, int]],
    marks: Sequence[Mark] = (),
    *,
    uid: str,
    title: str,
    hourly: bool = True,
) -> SafeString:
    """Mentions per hour (or day) as columns, with the crisis phases as labelled vertical lines."""
    width, height = 960, 300
    left, right, top_pad, bottom = 52, 16, 44, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(1, len(series))
    slot = plot_w / n
    peak = max((v for _, v in series), default=0)
    top = _nice_max(peak)
    unit = "hour" if hourly else "day"
    total = sum(v for _, v in series)
    busiest = max(series, key=lambda p: p[1]) if series else None
    desc = f"{total} mentions over {len(series)} {unit}s"
    if busiest and busiest[1]:
        desc += f"; the busiest {unit} was {_tick_label(busiest[0], hourly, True)} with {busiest[1]}"
    desc += "".join(f"; {m.label} at {m.at:%d %b %H:%M}" for m in marks) + "."
    out = _open(width, height, uid, title, desc, "volume")
    base = top_pad + plot_h
    for frac in (0, 0.5, 1):  # y axis: 0, half, top, with grid lines
        y = round(base - plot_h * frac, 1)
        out.append(
            f'<line class="c-grid" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}"/>'
            f'<text class="c-axis" x="{left - 6}" y="{y + 4}" text-anchor="end">{round(top * frac)}</text>'
        )
    out.append(f'<text class="c-axis" x="{left}" y="{top_pad - 30}">mentions per {unit}</text>')
    every, labelled = _tick_every(n, hourly), 0
    for i, (at, value) in enumerate(series):
        x = left + i * slot
        h = round(plot_h * value / top, 1)
        if value:
            out.append(
                f'<rect class="c-bar" x="{x + slot * 0.1:.1f}" y="{base - h:.1f}" '
                f'width="{max(slot * 0.8, 0.8):.1f}" height="{h}">'
                f"<title>{escape(_tick_label(at, hourly, True))}: {value}</title></rect>"
            )
        if (at.hour % every == 0) if hourly and every > 1 else (i % every == 0):
            out.append(
                f'<text class="c-axis" x="{x + slot / 2:.1f}" y="{base + 16}" text-anchor="middle">'
                f"{escape(_tick_label(at, hourly, labelled == 0))}</text>"
            )
            labelled += 1
    out.append(f'<line class="c-axisline" x1="{left}" x2="{width - right}" y1="{base}" y2="{base}"/>')
    out += _marks(series, marks, left=left, slot=slot, top_pad=top_pad, base=base, hourly=hourly, width=width)
    out.append("</svg>")
    # Every text above went through escape()
    return mark_safe("".join(out))  # nosec B308, B703


def _marks(series, marks, *, left, slot, top_pad, base, hourly, width) -> list[str]:
    if not series:
        return []
    start = series[0][0]
    step = (series[1][0] - start) if len(series) > 1 else None
    out, last_x, row = [], -999.0, 0
    for mark in marks:
        offset = (mark.at - start) / step if step else 0
        if mark.kind == "peak":  # a peak is a bucket: point at the middle of its bar
            offset += 0.5
        x = max(left, min(width - 20, left + offset * slot))
        row = row + 1 if x - last_x < 130 else 0  # stagger labels that would overlap
        last_x = x
        y = top_pad - 16 + (row % 3) * 14
        anchor = "end" if x > width - 140 else "start"
        dx = -4 if anchor == "end" else 4
        out.append(
            f'<line class="c-mark c-mark-{escape(mark.kind)}" x1="{x:.1f}" x2="{x:.1f}" '
            f'y1="{y - 10}" y2="{base}"/>'
            f'<text class="c-marklabel c-mark-{escape(mark.kind)}" x="{x + dx:.1f}" y="{y}" '
            f'text-anchor="{anchor}">{escape(mark.label)}</text>'
        )
    return out
