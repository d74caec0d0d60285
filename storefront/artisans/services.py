"""Queries for artisans' and shops' public pages and the zone map."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from .models import Artisan, Shop


def artisan_by_slug(session: Session, slug: str) -> Artisan | None:
    """An active artisan with their shop and craft, or None."""
    stmt = (
        select(Artisan)
        .where(Artisan.slug == slug, Artisan.active.is_(True))
        .options(joinedload(Artisan.shop), joinedload(Artisan.craft))
    )
    return session.scalars(stmt).unique().one_or_none()


def shop_by_number(session: Session, number: int) -> Shop | None:
    """A shop with its craft and its active artisans, or None."""
    stmt = (
        select(Shop)
        .where(Shop.number == number)
        .options(selectinload(Shop.artisans).joinedload(Artisan.craft))
    )
    return session.scalars(stmt).unique().one_or_none()


def zone_shops(session: Session) -> list[Shop]:
    """All shops of the activities zone with their craft (joined), by number."""
    stmt = select(Shop).order_by(Shop.number)
    return list(session.scalars(stmt).unique())
