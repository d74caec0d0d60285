"""Product labels: which pieces to print, and their QR codes drawn as SVG by segno."""

from __future__ import annotations

from datetime import date, timedelta

import segno
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from storefront.artisans.models import Artisan, Shop
from storefront.catalog.models import Product, ProductStatus
from storefront.timeutil import local_midnight

MAX_LABELS = 200


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


def qr_svg(data: str, *, title: str = "") -> Markup:
    """An inline SVG QR code (medium error correction) that scales with its box via viewBox.

    segno draws it with attributes and classes only, which the Content Security Policy allows.
    """
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass="qr-line")
    if title:
        svg = svg.replace(">", f' role="img" aria-label="{Markup.escape(title)}">', 1)
    return Markup(svg)
