"""Charts as inline SVG strings: no script, no network, readable in any browser.

Every chart has a fixed pixel size and a `viewBox`, so it scales with the page and is never
drawn at zero size. Colours come from one small palette (colour-blind safe, Okabe-Ito).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
WIDTH, HEIGHT = 720, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 28, 36


def number(value: float | None, decimals: int = 0) -> str:
    """A figure as the report prints it: thousands separated, a dash for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}"


def _nice_ceiling(value: float) -> float:
    """The round number (1, 2 or 5 times a power of ten) at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _svg(body: list[str], title: str, width: int = WIDTH, height: int = HEIGHT) -> str:
    return (
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _empty(title: str, message: str) -> str:
    return _svg(
        [
            f'<text x="{WIDTH / 2}" y="44" text-anchor="middle" '
            f'class="muted">{escape(message)}</text>'
        ],
        title,
        height=80,
    )


def _y_axis(top: float, plot_height: float, maximum: float, bottom_value: float = 0.0) -> list[str]:
    parts = []
    for tick in range(5):
        value = bottom_value + (maximum - bottom_value) * tick / 4
        y = top + plot_height - plot_height * tick / 4
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'class="grid"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{number(value, 0 if maximum - bottom_value >= 10 else 1)}</text>"
        )
    return parts


@dataclass
class Series:
    """One line of a time chart: values per date, drawn as a line (or a step)."""

    name: str
    points: Sequence[tuple[date, float | None]]
    colour: str = PALETTE[0]
    dashed: bool = False
    step: bool = False


@dataclass
class Band:
    """A shaded range between two values per date (a forecast's interval)."""

    name: str
    points: Sequence[tuple[date, float, float]]
    colour: str = PALETTE[0]


@dataclass
class TimeChart:
    """Lines, bands, marked points and shaded date ranges over one date axis."""

    title: str
    lines: list[Series] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    markers: list[tuple[date, float, str]] = field(default_factory=list)  # (date, value, label)
    shaded: list[tuple[date, date, str]] = field(default_factory=list)  # (from, to, label)
    rules: list[tuple[date, str]] = field(default_factory=list)  # vertical line (date, label)

    def render(self) -> str:
        dates = [d for s in self.lines for d, _ in s.points] + [
            d for b in self.bands for d, *_ in b.points
        ]
        values = [v for s in self.lines for _, v in s.points if v is not None]
        values += [v for b in self.bands for _, lo, hi in b.points for v in (lo, hi)]
        if not dates or not values:
            return _empty(self.title, "no data")
        first, last = min(dates), max(dates)
        span = max((last - first).days, 1)
        low = -_nice_ceiling(-min(values)) if min(values) < 0 else 0.0
        high = _nice_ceiling(max(values)) if max(values) > 0 else 1.0
        plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
        plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

        def x(day: date) -> float:
            return MARGIN_LEFT + plot_w * (day - first).days / span

        def y(value: float) -> float:
            return MARGIN_TOP + plot_h - plot_h * (value - low) / (high - low)

        body = _y_axis(MARGIN_TOP, plot_h, high, low)
        for start, end, label in self.shaded:
            x0, x1 = x(max(start, first)), x(min(end, last))
            body.append(
                f'<rect x="{x0:.1f}" y="{MARGIN_TOP}" width="{max(x1 - x0, 2):.1f}" '
                f'height="{plot_h}" class="shade"><title>{escape(label)}</title></rect>'
            )
        for band in self.bands:
            upper = " ".join(f"{x(d):.1f},{y(hi):.1f}" for d, _, hi in band.points)
            lower = " ".join(f"{x(d):.1f},{y(lo):.1f}" for d, lo, _ in reversed(band.points))
            body.append(
                f'<polygon points="{upper} {lower}" fill="{band.colour}" fill-opacity="0.18" '
                f'stroke="none"><title>{escape(band.name)}</title></polygon>'
            )
        for series in self.lines:
            body.append(_polyline(series, x, y))
        for day, value, label in self.markers:
            body.append(
                f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="4" class="marker">'
                f"<title>{escape(label)}</title></circle>"
            )
        for day, label in self.rules:
            if first <= day <= last:
                body.append(
                    f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{MARGIN_TOP}" '
                    f'y2="{MARGIN_TOP + plot_h}" class="rule"/>'
                    f'<text x="{x(day) + 4:.1f}" y="{MARGIN_TOP + 10}" class="tick">'
                    f"{escape(label)}</text>"
                )
        body.append(
            f'<text x="{MARGIN_LEFT}" y="{HEIGHT - 8}" class="tick">{first.isoformat()}</text>'
            f'<text x="{WIDTH - MARGIN_RIGHT}" y="{HEIGHT - 8}" text-anchor="end" class="tick">'
            f"{last.isoformat()}</text>"
        )
        body.append(
            _legend(
                [(s.name, s.colour) for s in self.lines] + [(b.name, b.colour) for b in self.bands]
            )
        )
        return _svg(body, self.title)


def _polyline(series: Series, x, y) -> str:
    segments: list[list[str]] = [[]]
    previous: float | None = None
    for day, value in series.points:
        if value is None:
            segments.append([])
            previous = None
            continue
        if series.step and previous is not None:
            segments[-1].append(f"{x(day):.1f},{y(previous):.1f}")
        segments[-1].append(f"{x(day):.1f},{y(value):.1f}")
        previous = value
    dash = ' stroke-dasharray="6 4"' if series.dashed else ""
    return "".join(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{series.colour}" '
        f'stroke-width="2"{dash}><title>{escape(series.name)}</title></polyline>'
        for points in segments
        if points
    )


def _legend(entries: list[tuple[str, str]]) -> str:
    parts, left = [], MARGIN_LEFT
    for name, colour in entries:
        parts.append(
            f'<rect x="{left}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 16}" y="18" class="tick">{escape(name)}</text>'
        )
        left += 28 + 7 * len(name)
    return "".join(parts)


def bar_chart(
    title: str,
    categories: Sequence[str],
    stacks: Sequence[tuple[str, Sequence[float]]],
) -> str:
    """Vertical bars per category, stacked by series (name, one value per category)."""
    totals = [sum(values[i] for _, values in stacks) for i in range(len(categories))]
    if not categories or max(totals, default=0) <= 0:
        return _empty(title, "nothing to show")
    high = _nice_ceiling(max(totals))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_w / len(categories)
    body = _y_axis(MARGIN_TOP, plot_h, high)
    for index, category in enumerate(categories):
        base = 0.0
        left = MARGIN_LEFT + slot * index + slot * 0.15
        for stack_index, (name, values) in enumerate(stacks):
            value = values[index]
            if value <= 0:
                continue
            top = MARGIN_TOP + plot_h - plot_h * (base + value) / high
            height = plot_h * value / high
            body.append(
                f'<rect x="{left:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{max(height, 0.5):.1f}" fill="{PALETTE[stack_index % len(PALETTE)]}">'
                f"<title>{escape(category)} · {escape(name)}: {number(value, 2)}</title></rect>"
            )
            base += value
        if len(categories) <= 16 or index % math.ceil(len(categories) / 16) == 0:
            body.append(
                f'<text x="{left + slot * 0.35:.1f}" y="{HEIGHT - 20}" text-anchor="middle" '
                f'class="tick">{escape(category)}</text>'
            )
    if len(stacks) > 1:
        body.append(
            _legend([(name, PALETTE[i % len(PALETTE)]) for i, (name, _) in enumerate(stacks)])
        )
    return _svg(body, title)


def horizontal_bars(title: str, rows: Sequence[tuple[str, float]], decimals: int = 0) -> str:
    """One bar per labelled row, longest first as given; the value printed at the bar's end."""
    if not rows or max(value for _, value in rows) <= 0:
        return _empty(title, "nothing to show")
    bar_h, gap, label_w = 18, 6, 180
    height = MARGIN_TOP + len(rows) * (bar_h + gap) + 8
    high = max(value for _, value in rows)
    plot_w = WIDTH - label_w - 90
    body = []
    for index, (label, value) in enumerate(rows):
        top = MARGIN_TOP + index * (bar_h + gap)
        length = plot_w * max(value, 0) / high
        body.append(
            f'<text x="{label_w - 8}" y="{top + 13}" text-anchor="end" class="tick">'
            f"{escape(label[:28])}</text>"
            f'<rect x="{label_w}" y="{top}" width="{max(length, 0.5):.1f}" height="{bar_h}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {number(value, decimals)}</title></rect>'
            f'<text x="{label_w + length + 6:.1f}" y="{top + 13}" class="tick">'
            f"{number(value, decimals)}</text>"
        )
    return _svg(body, title, height=height)
