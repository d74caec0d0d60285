"""Shops of the activities zone and the artisans who work in them."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import db
from storefront.timeutil import utcnow

if TYPE_CHECKING:
    from storefront.catalog.models import Craft


class ShopKind(StrEnum):
    """Productive crafts make pieces; service crafts repair, tailor or dye."""

    PRODUCTIVE = "productive"
    SERVICE = "service"


# The activities zone's shops are numbered 1 to SHOP_COUNT.
SHOP_COUNT = 100


class Shop(db.Model):
    """One of the 100 numbered shops of the centre's activities zone."""

    __tablename__ = "shops"
    __table_args__ = (CheckConstraint("number BETWEEN 1 AND 100", name="number_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=ShopKind.PRODUCTIVE)
    craft_id: Mapped[int] = mapped_column(ForeignKey("crafts.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str | None] = mapped_column(String(120))
    # Position on the zone map: aisle (row) and place in the aisle (column).
    map_row: Mapped[int]
    map_col: Mapped[int]
    opens_at: Mapped[time] = mapped_column(default=time(9, 0))
    closes_at: Mapped[time] = mapped_column(default=time(19, 0))
    # ISO weekday (1 = Monday) the shop is closed, if any.
    closed_weekday: Mapped[int | None]
    phone: Mapped[str | None] = mapped_column(String(32))

    craft: Mapped[Craft] = relationship(lazy="joined", innerjoin=True)
    artisans: Mapped[list[Artisan]] = relationship(back_populates="shop", order_by="Artisan.name")

    def display_name(self, lang: str) -> str:
        """The name in Arabic script for Arabic pages when known, otherwise the Latin one."""
        return self.name_ar if (lang == "ar" and self.name_ar) else self.name

    def __repr__(self) -> str:
        return f"<Shop {self.number}>"


class Artisan(db.Model):
    """A maker; several artisans may share one shop (cooperatives)."""

    __tablename__ = "artisans"
    __table_args__ = (
        CheckConstraint(
            "commission_bps IS NULL OR (commission_bps BETWEEN 0 AND 10000)",
            name="commission_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str | None] = mapped_column(String(120))
    source_lang: Mapped[str] = mapped_column(String(2), default="ar")
    bio_ar: Mapped[str | None] = mapped_column(Text)
    bio_fr: Mapped[str | None] = mapped_column(Text)
    bio_en: Mapped[str | None] = mapped_column(Text)
    photo_key: Mapped[str | None] = mapped_column(String(80))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    craft_id: Mapped[int] = mapped_column(ForeignKey("crafts.id"), index=True)
    # Null means the centre's default commission.
    commission_bps: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    since_year: Mapped[int | None]
    # Where bank transfers go: the 24-digit Moroccan RIB (checked with its key, ledger.rib).
    rib: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shop: Mapped[Shop] = relationship(back_populates="artisans")
    craft: Mapped[Craft] = relationship()

    def display_name(self, lang: str) -> str:
        """The name in Arabic script for Arabic pages when known, otherwise the Latin one."""
        return self.name_ar if (lang == "ar" and self.name_ar) else self.name

    def __repr__(self) -> str:
        return f"<Artisan {self.slug}>"
