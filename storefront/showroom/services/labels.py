"""Product labels: which pieces to print, and their QR codes drawn as SVG by segno."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from storefront.artisans.models import Artisan, Shop
from storefront.catalog.models import Product, ProductStatus
from storefront.qr import qr_svg
from storefront.timeutil import local_midnight

MAX_LABELS = 200

__all__ = ["MAX_LABELS", "products_for_labels", "qr_svg"]


def products_for_labels(
    session: Session,
    *,
    artisan_id: int | None = None,
    added_from: date | None = None,
    added_to: date | None = None,
    limit: int = MAX_LABELS,
) -> list[Product]:
    """Live pieces to label, by artisan and/or by local day added (inclusive), by shop and SKU."""
    stmt = (
        select(Product)
        .join(Artisan, Product.artisan_id == Artisan.id)
        .join(Shop, Artisan.shop_id == Shop.id)
        .where(Product.status == ProductStatus.ACTIVE)
        .options(joinedload(Product.artisan).joinedload(Artisan.shop))
        .order_by(Shop.number, Product.sku)
        .limit(limit)
    )
    if artisan_id is not None:
        stmt = stmt.where(Product.artisan_id == artisan_id)
    if added_from is not None:
        stmt = stmt.where(Product.created_at >= local_midnight(added_from))
    if added_to is not None:
        stmt = stmt.where(Product.created_at < local_midnight(added_to + timedelta(days=1)))
    return list(session.scalars(stmt).unique())
