"""A column chart over time, current period beside the previous one, laid out for an SVG."""

from __future__ import annotations

from dataclasses import dataclass

PLOT_HEIGHT = 160
COLUMN_GAP = 6
CHART_WIDTH = 720
AXIS = 24


@dataclass(frozen=True)
class Column:
    """One bucket: its label, both values (minor units) and where its two bars sit."""

    label: str
    current: int
    previous: int
    x: int
    width: int
    current_height: int
    previous_height: int


@dataclass(frozen=True)
class TimeChart:
    """Columns and the drawing size in SVG user units."""

    columns: list[Column]
    width: int
    height: int
    plot_height: int = PLOT_HEIGHT


def time_chart(labels: list[str], current: list[int], previous: list[int]) -> TimeChart:
    """Lay out paired columns; heights scale to the largest value, at least 1 unit when non-zero.

    `previous` is matched bucket by bucket (it may be shorter: missing buckets count 0).
    """
    count = max(len(labels), 1)
    slot = max((CHART_WIDTH - AXIS) // count, 4)
    largest = max([*current, *previous, 1])

    def height(value: int) -> int:
        return max(1, value * PLOT_HEIGHT // largest) if value > 0 else 0

    columns = []
    for n, label in enumerate(labels):
        before = previous[n] if n < len(previous) else 0
        columns.append(
            Column(
                label=label,
                current=current[n],
                previous=before,
                x=AXIS + n * slot,
                width=max((slot - COLUMN_GAP) // 2, 1),
                current_height=height(current[n]),
                previous_height=height(before),
            )
        )
    return TimeChart(columns=columns, width=AXIS + count * slot, height=PLOT_HEIGHT + 40)
