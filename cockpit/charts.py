"""Geometry of the cockpit's charts, drawn as inline SVG by the templates (no JavaScript).

Charts are sized for a 360 px phone (a 320-unit wide viewBox that scales up on larger
screens); every chart comes with a table of the same figures for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .figures import Point

WIDTH = 320
HEIGHT = 168
TOP, BOTTOM, LEFT, RIGHT = 12, 28, 34, 6
MAX_X_LABELS = 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    series: int = 0  # 0 = current, 1 = a year before


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    bars: list[Bar]
    x_labels: list[Tick]
    y_ticks: list[Tick]
    baseline: float
    plot_left: int
    plot_right: int
    grouped: bool


def nice_ceiling(value: int) -> int:
    """A round axis maximum ≥ value (1, 2, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if value <= factor * exponent:
            return factor * exponent
    return 10 * exponent


def _format(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def columns(points: list[Point], *, grouped: bool = False) -> ColumnChart:
    """Vertical bars, one per point (two per point when comparing with a year before)."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    values = [point.value for point in points]
    if grouped:
        values += [point.previous or 0 for point in points]
    top = nice_ceiling(max(values, default=0))
    slot = plot_width / max(len(points), 1)
    per_slot = 2 if grouped else 1
    gap = min(2.0, slot * 0.2)
    bar_width = max((slot - gap) / per_slot, 0.5)
    bars = []
    for index, point in enumerate(points):
        series = [(point.value, 0)]
        if grouped:
            series = [(point.previous or 0, 1), (point.value, 0)]
        for offset, (value, kind) in enumerate(series):
            height = plot_height * value / top
            bars.append(Bar(x=round(LEFT + index * slot + gap / 2 + offset * bar_width, 2),
                            y=round(baseline - height, 2), width=round(bar_width, 2),
                            height=round(height, 2),
                            title=f"{point.long_label} : {_format(value)}", series=kind))
    step = max(1, math.ceil(len(points) / MAX_X_LABELS))
    x_labels = [Tick(position=round(LEFT + index * slot + slot / 2, 2), label=point.label)
                for index, point in enumerate(points) if index % step == 0]
    y_ticks = [Tick(position=round(baseline - plot_height * fraction, 2),
                    label=_format(round(top * fraction)))
               for fraction in (0, 0.5, 1)]
    return ColumnChart(width=WIDTH, height=HEIGHT, bars=bars, x_labels=x_labels,
                       y_ticks=y_ticks, baseline=baseline, plot_left=LEFT,
                       plot_right=WIDTH - RIGHT, grouped=grouped)


def bar_width_percent(count: int, largest: int) -> float:
    """Width of a breakdown row's bar, relative to the largest row."""
    return round(100 * count / largest, 1) if largest else 0.0
