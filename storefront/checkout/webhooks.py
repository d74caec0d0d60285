"""Stripe webhook events: stored first (repeats skipped), then dispatched through a dict."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.orders import services as orders
from storefront.orders.models import Order, OrderLine, OrderStatus

from .fulfil import PaymentResult, attempt_for_session, current_attempt, end_payment, fulfil_payment
from .models import StripeEvent
from .stripe_gateway import session_state_from_event


def _completed(session: Session, obj: dict) -> str:
    state = session_state_from_event(obj)
    if not state.paid:
        return "awaiting payment"
    return fulfil_payment(session, PaymentResult.from_session(state))


def _ended(session: Session, obj: dict, *, failed: bool) -> str:
    state = session_state_from_event(obj)
    order = orders.order_by_number(session, state.order_number or "")
    if order is None:
        return "unknown order"
    latest = current_attempt(session, order)
    if latest is not None and latest.session_id and latest.session_id != state.id:
        return "older session"  # a newer attempt is still open; this one ending changes nothing
    if order.status != OrderStatus.PENDING_PAYMENT:
        return f"already {order.status}"
    reason = "payment failed" if failed else "Stripe session expired"
    return "released" if end_payment(session, order, failed=failed, reason=reason) else "unchanged"


def _refunded(session: Session, obj: dict) -> str:
    """A refund seen at Stripe: booked here if it covers the whole order, otherwise flagged.

    Refunds made through the shop are already booked (their ledger entries sum to the amount);
    only money refunded beyond that, e.g. from Stripe's dashboard, needs anything.
    """
    order = session.scalar(
        select(Order).where(Order.payment_reference == obj.get("payment_intent"))
    )
    if order is None:
        return "unknown payment"
    booked = -(
        session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0))
            .join(OrderLine, LedgerEntry.order_line_id == OrderLine.id)
            .where(OrderLine.order_id == order.id, LedgerEntry.kind == EntryKind.REFUND)
        )
        or 0
    )
    refunded = int(obj.get("amount_refunded") or 0)
    if refunded <= booked:
        return "already booked"
    remaining = [(ln, ln.quantity - ln.refunded_quantity) for ln in order.lines]
    remaining = [(ln, q) for ln, q in remaining if q > 0]
    if refunded >= order.total_minor and remaining:
        orders.refund_order_lines(
            session, order, remaining, restock=False, reason="refunded in full at Stripe"
        )
        orders.flag_order(
            session, order, "Refunded in full at Stripe; check whether the pieces return to stock."
        )
        return "refund booked"
    note = (
        f"Stripe shows {refunded} refunded, the shop booked {booked}: record the returned pieces."
    )
    if note not in (order.attention_reason or ""):
        orders.flag_order(session, order, note)
    return "flagged"


HANDLERS: dict[str, Callable[[Session, dict], str]] = {
    "checkout.session.completed": _completed,
    "checkout.session.async_payment_succeeded": _completed,
    "checkout.session.async_payment_failed": lambda s, o: _ended(s, o, failed=True),
    "checkout.session.expired": lambda s, o: _ended(s, o, failed=False),
    "charge.refunded": _refunded,
}


def handle_event(session: Session, event: dict) -> str:
    """Record the event id first and skip a repeat, then run the event type's handler.

    The caller commits; if a handler fails the whole transaction (the id too) rolls back and
    Stripe's retry runs it again. Two copies arriving at once collide on the unique event id.
    """
    event_id = str(event["id"])
    if session.scalar(select(StripeEvent.id).where(StripeEvent.event_id == event_id)):
        return "duplicate"
    row = StripeEvent(event_id=event_id, type=str(event.get("type", ""))[:80])
    session.add(row)
    session.flush()
    obj = (event.get("data") or {}).get("object") or {}
    handler = HANDLERS.get(row.type)
    outcome = handler(session, obj) if handler else "ignored"
    number = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("order_number")
    order = orders.order_by_number(session, number) if number else None
    if order is None and obj.get("id", "").startswith("cs_"):
        attempt = attempt_for_session(session, obj["id"])
        order = attempt.order if attempt else None
    row.order_id = order.id if order else None
    row.outcome = outcome[:200]
    session.flush()
    return outcome
