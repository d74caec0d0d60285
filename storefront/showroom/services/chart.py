"""Horizontal stacked bar charts laid out on the server, for an SVG template to draw."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 200
PLOT_WIDTH = 420
VALUE_WIDTH = 120


@dataclass(frozen=True)
class Bar:
    """One bar: its label, two stacked segments (showroom, online) and where they sit."""

    label: str
    showroom: int
    online: int
    y: int
    showroom_width: int
    online_width: int

    @property
    def total(self) -> int:
        """Both segments together, in minor units."""
        return self.showroom + self.online


@dataclass(frozen=True)
class Chart:
    """A chart's bars and its drawing size in SVG user units."""

    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(rows: list[tuple[str, int, int]], *, limit: int = 12) -> Chart:
    """Lay out (label, showroom, online) rows, largest total first; widths scale to the largest.

    Widths are whole SVG units, rounded down, with at least 1 unit for a non-zero segment so
    that every sale is visible.
    """
    rows = sorted(rows, key=lambda r: (-(r[1] + r[2]), r[0]))[:limit]
    largest = max((s + o for _label, s, o in rows), default=0) or 1
    bars = []
    for index, (label, showroom, online) in enumerate(rows):

        def width(value: int) -> int:
            return max(1, value * PLOT_WIDTH // largest) if value > 0 else 0

        bars.append(
            Bar(
                label=label,
                showroom=showroom,
                online=online,
                y=GAP + index * (BAR_HEIGHT + GAP),
                showroom_width=width(showroom),
                online_width=width(online),
            )
        )
    height = GAP + len(bars) * (BAR_HEIGHT + GAP)
    return Chart(bars=bars, width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height=max(height, 40))
