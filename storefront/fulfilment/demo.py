"""Demo online orders for the desk: one to ship to France, one to collect at the showroom."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan
from storefront.catalog.models import Product, ProductStatus
from storefront.checkout.shipping import quote_shipping
from storefront.orders.models import Channel, Delivery, Order
from storefront.orders.services import create_order, mark_paid

from .carriers import seed_carriers

PARIS = {
    "line1": "12 rue des Tanneurs",
    "line2": "",
    "city": "Paris",
    "postal_code": "75003",
    "country": "FR",
}


def _pieces(session: Session, count: int, offset: int) -> list[Product]:
    """Live pieces in stock, from as many different shops as possible (deterministic)."""
    rows = session.scalars(
        select(Product)
        .where(Product.status == ProductStatus.ACTIVE, Product.stock > 1)
        .order_by(Product.id)
    ).all()
    chosen, makers = [], set()
    # From `offset` on, wrapping round: a small demo catalog still gives its pieces.
    start = offset % len(rows) if rows else 0
    for product in [*rows[start:], *rows[:start]]:
        if product.artisan_id not in makers:
            chosen.append(product)
            makers.add(product.artisan_id)
        if len(chosen) == count:
            break
    return chosen


def record_demo_online_orders(session: Session) -> list[Order]:
    """The demo carriers and two paid test-gateway orders waiting at the desk; flushes.

    No order is made when the catalog has no piece with more than one in stock.
    """
    seed_carriers(session)
    shipped = _pieces(session, 3, 10)
    if not shipped:
        return []
    weight = sum(p.weight_grams for p in shipped)
    to_paris = create_order(
        session,
        channel=Channel.ONLINE,
        lines=[(p.id, 1) for p in shipped],
        customer_email="camille.martin@example.com",
        customer_name="Camille Martin",
        customer_phone="+33 6 12 34 56 78",
        locale="fr",
        delivery=Delivery.SHIP,
        address=PARIS,
        shipping_minor=quote_shipping(session, "FR", weight),
        hold_minutes=30,
    )
    mark_paid(session, to_paris, payment_method="test", payment_reference=f"test_{to_paris.number}")
    # The demo artisan account is the first artisan's: give them a piece to bring to the desk.
    first = session.scalar(
        select(Product)
        .where(
            Product.artisan_id == select(func.min(Artisan.id)).scalar_subquery(),
            Product.status == ProductStatus.ACTIVE,
            Product.stock > 1,
        )
        .order_by(Product.id)
        .limit(1)
    )
    picked = [
        p
        for p in _pieces(session, 2, 40)
        if first is None or p.artisan_id != first.artisan_id
        if p.stock > 1 + sum(q.id == p.id for q in shipped)
    ]
    lines = [(p.id, 1) for p in [*picked, *([first] if first else [])]]
    if not lines:
        session.flush()
        return [to_paris]
    pickup = create_order(
        session,
        channel=Channel.ONLINE,
        lines=lines,
        customer_email="sara.elidrissi@example.com",
        customer_name="Sara El Idrissi",
        locale="ar",
        delivery=Delivery.PICKUP,
        hold_minutes=30,
    )
    mark_paid(session, pickup, payment_method="test", payment_reference=f"test_{pickup.number}")
    session.flush()
    return [to_paris, pickup]
