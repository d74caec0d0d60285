"""Stripe webhook events: stored first (repeats skipped), then dispatched through a dict."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.orders import services as orders
from storefront.orders.models import Order, OrderStatus
from storefront.showroom.services import returns
from storefront.timeutil import utcnow

from .fulfil import PaymentResult, attempt_for_session, current_attempt, end_payment, fulfil_payment
from .models import StripeEvent, StripeEventFailure
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


# (payment_intent) -> Stripe's Refund objects for that payment (id, amount, status, metadata).
RefundLister = Callable[[str], list[dict]]


def _order_for_payment(session: Session, payment_intent: object) -> Order | None:
    """The order paid by a PaymentIntent, with its row locked (see orders.services.lock_order)."""
    if not isinstance(payment_intent, str) or not payment_intent:
        return None
    order = session.scalar(select(Order).where(Order.payment_reference == payment_intent[:120]))
    return orders.lock_order(session, order) if order is not None else None


def _refund_changed(session: Session, obj: dict) -> str:
    """refund.created / refund.updated / charge.refund.updated: book that one refund once."""
    order = _order_for_payment(session, obj.get("payment_intent"))
    if order is None:
        return "unknown payment"
    return returns.record_stripe_refund(session, order, obj)


def _fallback_refunded(session: Session, order: Order, refunded: int) -> str:
    """Without Stripe's list of refunds: book a full refund, ask staff about a partial one."""
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
    booked = returns.stripe_refunds_booked(session, order)
    note = (
        f"Stripe shows {refunded} refunded, the shop booked {booked}: record the returned pieces."
    )
    if note not in (order.attention_reason or ""):
        orders.flag_order(session, order, note)
    return "flagged"


def _refunded(session: Session, obj: dict, list_refunds: RefundLister | None) -> str:
    """charge.refunded: whatever of the charge's refunded amount the shop has not booked yet.

    Under the order's lock (the counter holds it while it refunds), so a refund the shop is
    booking right now is seen once it commits: refunds made through the shop are booked
    already and change nothing. Anything beyond is looked up refund by refund at Stripe and
    each is booked once by its id (showroom.services.returns.record_stripe_refund).
    """
    order = _order_for_payment(session, obj.get("payment_intent"))
    if order is None:
        return "unknown payment"
    refunded = int(obj.get("amount_refunded") or 0)
    if refunded <= returns.stripe_refunds_booked(session, order):
        return "already booked"
    if list_refunds is None:
        return _fallback_refunded(session, order, refunded)
    refunds = list_refunds(order.payment_reference or "")
    outcomes = [returns.record_stripe_refund(session, order, refund) for refund in refunds]
    for outcome in ("refund booked", "flagged"):
        if outcome in outcomes:
            return outcome
    if not refunds:
        note = f"Stripe shows {refunded} refunded but lists no refund: check the payment there."
        if note not in (order.attention_reason or ""):
            orders.flag_order(session, order, note)
        return "flagged"
    # Every refund is known. (A refund booked here may differ from Stripe's amount: the
    # book reverses the pieces, while a refund in full also returns the shipping.)
    return "already booked"


HANDLERS: dict[str, Callable[[Session, dict, RefundLister | None], str]] = {
    "checkout.session.completed": lambda s, o, _: _completed(s, o),
    "checkout.session.async_payment_succeeded": lambda s, o, _: _completed(s, o),
    "checkout.session.async_payment_failed": lambda s, o, _: _ended(s, o, failed=True),
    "checkout.session.expired": lambda s, o, _: _ended(s, o, failed=False),
    "charge.refunded": _refunded,
    "refund.created": lambda s, o, _: _refund_changed(s, o),
    "refund.updated": lambda s, o, _: _refund_changed(s, o),
    "charge.refund.updated": lambda s, o, _: _refund_changed(s, o),
}


def handle_event(session: Session, event: dict, *, list_refunds: RefundLister | None = None) -> str:
    """Record the event id first and skip a repeat, then run the event type's handler.

    `list_refunds` asks Stripe for a payment's refunds (charge.refunded names only a total);
    it may raise GatewayError, and the event is then left for Stripe's retry.

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
    outcome = handler(session, obj, list_refunds) if handler else "ignored"
    number = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("order_number")
    order = orders.order_by_number(session, number) if number else None
    if order is None and obj.get("id", "").startswith("cs_"):
        attempt = attempt_for_session(session, obj["id"])
        order = attempt.order if attempt else None
    row.order_id = order.id if order else None
    row.outcome = outcome[:200]
    session.flush()
    return outcome


def record_event_failure(session: Session, event: dict, error: str) -> StripeEventFailure:
    """Keep an event whose handling raised, for the attention queue (one row per event id).

    Called in a transaction of its own after the handler's rolled back. A repeat failure counts
    up and reopens a row staff had resolved; two failing copies at once collide on the unique
    event id (the caller ignores that: the other copy recorded it).
    """
    event_id = str(event.get("id") or "")[:255]
    row = session.scalar(select(StripeEventFailure).where(StripeEventFailure.event_id == event_id))
    now = utcnow()
    if row is None:
        row = StripeEventFailure(
            event_id=event_id, type=str(event.get("type") or "")[:80], first_failed_at=now
        )
        session.add(row)
    else:
        row.failures += 1
        row.resolved_at, row.resolved_by_id, row.resolution_note = None, None, None
    row.error, row.last_failed_at = error[:2000], now
    session.flush()
    return row
