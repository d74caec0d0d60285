"""Fulfilment: the one idempotent path from "the gateway says paid" to a paid, booked order.

The webhook, the success page, the test payment page and the hold sweeper all end here, so
whichever arrives first does the work and the others change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.mail.services import queue_order_emails
from storefront.money import format_money
from storefront.orders import services as orders
from storefront.orders.models import Channel, Order, OrderStatus
from storefront.timeutil import utcnow

from .gateways import Gateway, GatewayError, SessionState
from .models import AttemptStatus, PaymentAttempt
from .payments import current_attempt

# Outcomes of fulfil_payment (and so of settle_hold and the webhook) that queued the order's mail.
MAIL_OUTCOMES = frozenset({"paid", "paid after release"})


@dataclass(frozen=True)
class PaymentResult:
    """A gateway's word about one payment, whatever the gateway."""

    order_number: str | None
    paid: bool
    amount_minor: int | None
    currency: str | None
    reference: str | None
    method: str

    @classmethod
    def from_session(cls, state: SessionState, method: str = "stripe") -> PaymentResult:
        """From a Checkout Session's state."""
        return cls(
            state.order_number,
            state.paid,
            state.amount_minor,
            state.currency,
            state.reference,
            method,
        )


def _close_attempt(session: Session, order: Order, status: str) -> None:
    attempt = current_attempt(session, order)
    if attempt is not None and attempt.status in (AttemptStatus.OPEN, AttemptStatus.CREATING):
        attempt.status = status
        session.flush()


def fulfil_payment(session: Session, result: PaymentResult) -> str:
    """Record a payment once: check amount and currency, move to paid, book it, queue the mail.

    Returns what happened. A payment whose amount or currency differs from the order's total
    is not accepted: the order is flagged for staff. A payment for an order whose hold was
    released is accepted and flagged (orders.mark_paid_after_release), never a silent oversell.
    """
    order = orders.order_by_number(session, result.order_number or "")
    if order is None:
        return "unknown order"
    if not result.paid:
        return "not paid yet"
    if result.amount_minor != order.total_minor or (result.currency or "") != order.currency:
        reason = (
            f"Payment {result.reference or ''} of "
            f"{format_money(result.amount_minor or 0, 'en', result.currency or order.currency)}"
            f" does not match the order total of {format_money(order.total_minor, 'en')}."
        )
        if reason not in (order.attention_reason or ""):
            orders.flag_order(session, order, reason)
        return "amount mismatch"
    if order.status == OrderStatus.PENDING_PAYMENT:
        if orders.mark_paid(
            session, order, payment_method=result.method, payment_reference=result.reference
        ):
            _close_attempt(session, order, AttemptStatus.COMPLETE)
            queue_order_emails(session, order)
            return "paid"
    if order.status in (OrderStatus.CANCELLED, OrderStatus.PAYMENT_FAILED):
        if orders.mark_paid_after_release(
            session, order, payment_method=result.method, payment_reference=result.reference
        ):
            queue_order_emails(session, order)
            return "paid after release"
    return f"already {order.status}"


def end_payment(session: Session, order: Order, *, failed: bool, reason: str) -> bool:
    """Cancel a pending order (or mark its payment failed) and return its stock, once."""
    status = OrderStatus.PAYMENT_FAILED if failed else OrderStatus.CANCELLED
    done = orders.cancel_order(session, order, status=status, reason=reason)
    if done:
        _close_attempt(session, order, AttemptStatus.FAILED if failed else AttemptStatus.EXPIRED)
    return done


def settle_hold(session: Session, order: Order, gateway: Gateway, *, reason: str) -> str:
    """End a pending order's payment: expire its session first, then release, unless it was paid.

    The session is expired at the gateway before any stock is returned, so it can no longer be
    paid; if it turns out complete and paid, the order is fulfilled instead. An attempt whose
    answer never arrived is replayed (same key, same request) to learn whether a session exists.
    Raises GatewayError when the gateway cannot be reached (nothing is released then).
    """
    attempt = current_attempt(session, order)
    state: SessionState | None = None
    if (
        attempt is not None
        and attempt.session_id is None
        and attempt.status == AttemptStatus.CREATING
    ):
        try:
            state = gateway.create(json.loads(attempt.params), attempt.idempotency_key)
        except GatewayError as exc:
            if exc.retryable:
                raise
            state = None  # refused now, so it was never created: nothing can be paid
        else:
            attempt.session_id, attempt.url = state.id, state.url
    if attempt is not None and attempt.session_id:
        state = gateway.expire(attempt.session_id)
        if state.status == "complete":
            if state.paid:
                return fulfil_payment(session, PaymentResult.from_session(state, gateway.name))
            return "awaiting payment"
    return "released" if end_payment(session, order, failed=False, reason=reason) else "unchanged"


def expired_holds(session: Session, now: datetime | None = None) -> Iterator[Order]:
    """Online orders still waiting for payment whose hold has ended, oldest first."""
    stmt = (
        select(Order)
        .where(
            Order.channel == Channel.ONLINE,
            Order.status == OrderStatus.PENDING_PAYMENT,
            Order.hold_expires_at < (now or utcnow()),
        )
        .order_by(Order.hold_expires_at, Order.id)
    )
    yield from session.scalars(stmt).all()


def attempt_for_session(session: Session, session_id: str) -> PaymentAttempt | None:
    """The attempt that opened a gateway session."""
    return session.scalar(select(PaymentAttempt).where(PaymentAttempt.session_id == session_id))
