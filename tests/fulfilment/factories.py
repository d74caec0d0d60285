"""Paid online orders for the desk's tests."""

from __future__ import annotations

from storefront.orders.models import Carrier, Channel, Delivery, Order
from storefront.orders.services import create_order, mark_paid
from tests.factories import make_product

LYON = {
    "line1": "5 place Bellecour",
    "line2": "",
    "city": "Lyon",
    "postal_code": "69002",
    "country": "FR",
}


def make_paid_order(
    session, *, delivery: str = Delivery.SHIP, pieces=None, locale: str = "fr", **overrides
) -> Order:
    """A paid test-gateway online order (two pieces by two makers unless `pieces` is given)."""
    if pieces is None:
        pieces = [
            make_product(
                session,
                price_minor=45000,
                title_fr="Tapis",
                title_en="Rug",
                weight_grams=2500,
                stock=2,
            ),
            make_product(
                session,
                price_minor=12000,
                title_fr="Jarre",
                title_en="Jar",
                weight_grams=800,
                stock=3,
            ),
        ]
    values = dict(
        channel=Channel.ONLINE,
        lines=[(p.id, 1) for p in pieces],
        customer_email="camille@example.com",
        customer_name="Camille Martin",
        locale=locale,
        delivery=delivery,
        address=LYON if delivery == Delivery.SHIP else None,
        shipping_minor=25000 if delivery == Delivery.SHIP else 0,
        hold_minutes=30,
    )
    values.update(overrides)
    order = create_order(session, **values)
    mark_paid(session, order, payment_method="test", payment_reference=f"test_{order.number}")
    return order


def make_carrier(session, **overrides) -> Carrier:
    """A carrier with a tracking pattern."""
    values = dict(name="Amana", tracking_url="https://track.example.ma/?n={number}", active=True)
    values.update(overrides)
    carrier = Carrier(**values)
    session.add(carrier)
    session.flush()
    return carrier
