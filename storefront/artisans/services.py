"""Queries for artisans' and shops' public pages and the zone map."""

from __future__ import annotations

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from storefront.catalog.models import Craft

from .models import Artisan, Shop

# Built once: a statement object keeps its cache key, so each page skips recomputing it.
ARTISAN_BY_SLUG = (
    select(Artisan)
    .where(Artisan.slug == bindparam("slug"), Artisan.active.is_(True))
    .options(joinedload(Artisan.shop), joinedload(Artisan.craft))
)
SHOP_BY_NUMBER = (
    select(Shop)
    .where(Shop.number == bindparam("number"))
    .options(selectinload(Shop.artisans).joinedload(Artisan.craft))
)
# What the map shows of each shop, as plain rows: 100 of them on every shop page.
ZONE_SHOPS = (
    select(
        Shop.number,
        Shop.name,
        Shop.name_ar,
        Shop.map_row,
        Shop.map_col,
        Craft.colour,
        Craft.name_ar.label("craft_name_ar"),
        Craft.name_fr.label("craft_name_fr"),
        Craft.name_en.label("craft_name_en"),
    )
    .join(Craft, Shop.craft_id == Craft.id)
    .order_by(Shop.number)
)


def artisan_by_slug(session: Session, slug: str) -> Artisan | None:
    """An active artisan with their shop and craft, or None."""
    return session.scalars(ARTISAN_BY_SLUG, {"slug": slug}).unique().one_or_none()


def shop_by_number(session: Session, number: int) -> Shop | None:
    """A shop with its craft and its active artisans, or None."""
    return session.scalars(SHOP_BY_NUMBER, {"number": number}).unique().one_or_none()


def zone_shops(session: Session) -> list[Row]:
    """All shops of the activities zone, by number: rows of ZONE_SHOPS' columns."""
    return list(session.execute(ZONE_SHOPS))
