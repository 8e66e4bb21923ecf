"""Bar charts drawn on the server: the geometry of an inline SVG, with no script and no style.

A chart is horizontal bars, one row per category and one bar per series within it (one series:
plain bars; two: grouped bars). Bars are proportional to their values on an axis that starts at
zero and ends at a round number, so that a glance compares them honestly. The template
``dashboard_chart.html`` draws the geometry; colours are classes of ``dashboard.css`` (the pages'
Content-Security-Policy allows no inline style, and SVG attributes carry only the geometry).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640  # the viewBox's width; the SVG scales to its column
VALUES = 50  # right of the plot: the value beside the longest bar
LABELS_MIN, LABELS_MAX = 120, 320  # left of the plot: the categories' names, as wide as needed
WIDE, NARROW = 13, 7.5  # the width of a CJK character and of a Latin one at the labels' size
ROW = 34  # the height of one category
LEGEND = 26  # above the plot, when there is more than one series
AXIS = 28  # below the plot: the ticks' values
TICKS = 5  # at most this many intervals on the axis


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # which series: its class, ``series-<n>``
    value: int


@dataclass(frozen=True, slots=True)
class Category:
    label: str
    y: float  # the middle of its row


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    value: int


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int  # the plot's edges
    right: int
    top: int
    bottom: int
    categories: tuple[Category, ...]
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    series: int  # how many series (a legend above the plot when more than one)

    @property
    def empty(self) -> bool:
        """Nothing to draw: no category, or every value zero (the axes are drawn all the same)."""
        return not any(bar.width for bar in self.bars)


def bar_chart(rows: Sequence[tuple[str, Sequence[int]]], series: int) -> Chart:
    """The chart of ``rows`` (a category's name and its value in each of ``series``)."""
    top = LEGEND if series > 1 else 8
    bottom = top + ROW * max(len(rows), 1)
    left = labels_width([label for label, _ in rows])
    plot = WIDTH - VALUES - left
    limit, step = axis(max((v for _, values in rows for v in values), default=0))
    bar_height = (ROW - 10) / series
    categories, bars = [], []
    for index, (label, values) in enumerate(rows):
        row_top = top + ROW * index
        categories.append(Category(label, row_top + ROW / 2))
        for number, value in enumerate(values):
            width = plot * value / limit
            y = row_top + 5 + bar_height * number
            bars.append(Bar(left, y, width, bar_height, number, value))
    ticks = tuple(Tick(left + plot * v / limit, v) for v in range(0, limit + 1, step))
    return Chart(
        WIDTH,
        bottom + AXIS,
        left,
        left + plot,
        top,
        bottom,
        tuple(categories),
        tuple(bars),
        ticks,
        series,
    )


def labels_width(labels: Sequence[str]) -> int:
    """Room for the longest of ``labels`` left of the plot (SVG text does not wrap), within
    bounds: a longer name runs past the edge rather than squeeze the bars away."""
    longest = max(
        (sum(WIDE if ord(c) > 0x2E80 else NARROW for c in label) for label in labels), default=0
    )
    return round(min(max(longest + 12, LABELS_MIN), LABELS_MAX))


def axis(highest: int) -> tuple[int, int]:
    """The axis's end and its step for values up to ``highest``: the step is 1, 2 or 5 times a
    power of ten, with at most ``TICKS`` intervals (an empty chart's axis runs from 0 to 1)."""
    step = 1
    while math.ceil(highest / step) > TICKS:
        step = _next_step(step)
    return max(step * math.ceil(highest / step), step), step


def _next_step(step: int) -> int:
    power: int = 10 ** (len(str(step)) - 1)  # the step's order of magnitude
    return {1: 2, 2: 5, 5: 10}[step // power] * power
