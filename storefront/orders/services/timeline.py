"""The steps an online order shows its buyer, each done or still to come, from its events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Delivery, Order, OrderStatus

PICKUP_STEPS = (
    OrderStatus.PAID,
    OrderStatus.PREPARING,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.COLLECTED,
)
SHIPPING_STEPS = (
    OrderStatus.PAID,
    OrderStatus.PREPARING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)


@dataclass(frozen=True)
class Step:
    """One step of the timeline: its kind (a status), and when it happened (None: not yet)."""

    kind: str
    at: datetime | None

    @property
    def done(self) -> bool:
        """True once the step happened."""
        return self.at is not None


def order_timeline(order: Order) -> list[Step]:
    """The buyer's steps: paid, preparing, then ready and collected, or shipped and delivered.

    A step's time is its first event (a late payment's "paid_late" counts as paid). A step
    skipped on the way (none today) shows as done when a later one is. A cancelled order shows
    what happened up to the cancellation, then the cancellation. Empty before payment.
    """
    if order.paid_at is None:
        return []
    seen: dict[str, datetime] = {}
    for event in order.events:
        kind = "paid" if event.kind == "paid_late" else event.kind
        seen.setdefault(kind, event.created_at)
    seen.setdefault(OrderStatus.PAID, order.paid_at)
    steps = PICKUP_STEPS if order.delivery == Delivery.PICKUP else SHIPPING_STEPS
    if order.status == OrderStatus.CANCELLED:
        done = [Step(s, seen[s]) for s in steps if s in seen]
        return [*done, Step(OrderStatus.CANCELLED, seen.get(OrderStatus.CANCELLED))]
    timeline, later = [], None
    for kind in reversed(steps):
        at = seen.get(kind) or later
        timeline.append(Step(kind, at))
        later = at
    return list(reversed(timeline))
