"""Geometry of the activities-zone map: each shop's rectangle in SVG units."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import Row

CELL_W = 64
CELL_H = 48
GAP = 6
MARGIN = 20
# A walkway runs across the zone after this row; it is where the showroom entrance is.
WALKWAY_AFTER_ROW = 5
WALKWAY_H = 56
COLUMNS = 10
ROWS = 10


@dataclass(frozen=True)
class Plot:
    """One shop on the map: its number, craft colour, and names in the page's language."""

    number: int
    colour: str
    name: str
    craft_name: str
    x: int
    y: int
    w: int = CELL_W
    h: int = CELL_H

    @property
    def geometry(self) -> Markup:
        """The rectangle's SVG attributes (numbers only, so safe as markup)."""
        return Markup(f'x="{self.x}" y="{self.y}" width="{self.w}" height="{self.h}"')

    @property
    def label_at(self) -> Markup:
        """Where the shop's number is written: the centre, a little below for the baseline."""
        return Markup(f'x="{self.cx}" y="{self.cy + 6}"')

    @property
    def cx(self) -> int:
        """Horizontal centre."""
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        """Vertical centre."""
        return self.y + self.h // 2


@dataclass(frozen=True)
class Layout:
    """The whole map: its size, the shops and the walkway band."""

    width: int
    height: int
    plots: list[Plot]
    walkway_y: int
    walkway_h: int = WALKWAY_H


def _y(row: int) -> int:
    extra = WALKWAY_H if row > WALKWAY_AFTER_ROW else 0
    return MARGIN + (row - 1) * (CELL_H + GAP) + extra


def zone_layout(shops: list[Row], lang: str = "fr") -> Layout:
    """Place each shop by its row and column (1-based) on a 10 x 10 grid with a walkway.

    shops: rows of artisans.services.ZONE_SHOPS; lang (ar|fr|en) names the shops and crafts.
    """
    plots = [
        Plot(
            number=s.number,
            colour=s.colour,
            # As Shop.display_name and i18n.tr on a craft (written in French first).
            name=s.name_ar if (lang == "ar" and s.name_ar) else s.name,
            craft_name=getattr(s, f"craft_name_{lang}", None) or s.craft_name_fr,
            x=MARGIN + (s.map_col - 1) * (CELL_W + GAP),
            y=_y(s.map_row),
        )
        for s in shops
    ]
    width = 2 * MARGIN + COLUMNS * CELL_W + (COLUMNS - 1) * GAP
    height = 2 * MARGIN + ROWS * CELL_H + (ROWS - 1) * GAP + WALKWAY_H
    walkway_y = MARGIN + WALKWAY_AFTER_ROW * (CELL_H + GAP)
    return Layout(width=width, height=height, plots=plots, walkway_y=walkway_y)


def grid_position(number: int) -> tuple[int, int]:
    """Row and column of shop `number` when shops are numbered row by row."""
    return (number - 1) // COLUMNS + 1, (number - 1) % COLUMNS + 1
