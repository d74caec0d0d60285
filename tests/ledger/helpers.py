"""Paid orders in both channels, and the hand-over events that start an online window."""

from __future__ import annotations

from datetime import datetime, timedelta

from storefront.ledger.balances import ReturnWindows
from storefront.orders import services as orders
from storefront.orders.models import Channel, Order, OrderEvent
from storefront.timeutil import utcnow

WINDOWS = ReturnWindows(online_days=14, showroom_days=7)


def paid_order(session, product, quantity=1, *, channel=Channel.ONLINE, paid_at=None) -> Order:
    """A paid order of `quantity` of `product`, its sale posted; paid_at moved if given."""
    order = orders.create_order(session, channel=channel, lines=[(product.id, quantity)])
    orders.mark_paid(session, order, payment_method="test", payment_reference=None)
    if paid_at is not None:
        order.paid_at = paid_at
        session.flush()
    return order


def hand_over(session, order: Order, *, kind="delivered", at: datetime | None = None):
    """The fulfilment event that hands an online order to its buyer (collected or delivered)."""
    event = OrderEvent(order=order, kind=kind, created_at=at or utcnow())
    session.add(event)
    session.flush()
    return event


def later(days: float) -> datetime:
    """A moment `days` from now (naive UTC), to judge windows at."""
    return utcnow() + timedelta(days=days)
