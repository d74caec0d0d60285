"""The managers' attention queue: flagged orders, failed mail and failed Stripe events.

Everything that needs a person is read from where it is written, so nothing is copied:
- an order whose `attention_reason` is set (orders.services.flag_order: amount or currency
  mismatch, a payment after its hold was released, a refund made at Stripe, ...);
- an outbox message that failed after its last retry (mail.services.record_failure);
- a Stripe event whose handling raised and that no later delivery processed
  (checkout.webhooks.record_event_failure).
Each leaves the queue through one guarded update (two managers at once: one resolution, the
other gets Conflict), recorded in the audit log with the manager's note.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from storefront.audit import record_audit
from storefront.checkout.models import StripeEvent, StripeEventFailure
from storefront.errors import Conflict
from storefront.mail.models import MessageStatus, OutboxMessage
from storefront.orders.models import Order, OrderEvent
from storefront.timeutil import utcnow


class FlagKind(StrEnum):
    """What an order's flag is about, read from the reason its writer gave."""

    MISMATCH = "mismatch"
    PAID_LATE = "paid_late"
    STRIPE_REFUND = "stripe_refund"
    OTHER = "other"


FLAG_LABELS = {
    FlagKind.MISMATCH: _l("Payment does not match the order"),
    FlagKind.PAID_LATE: _l("Paid after its hold was released"),
    FlagKind.STRIPE_REFUND: _l("Refund at Stripe to check"),
    FlagKind.OTHER: _l("Flagged order"),
}
# Words of the reasons written by the flag's writers (checkout.fulfil, orders.services.status,
# checkout.webhooks, showroom.services.returns); the first that matches names the kind.
_REASON_WORDS = (
    ("does not match the order total", FlagKind.MISMATCH),
    ("Paid after its hold was released", FlagKind.PAID_LATE),
    ("Stripe", FlagKind.STRIPE_REFUND),
)


def flag_kind(reason: str) -> FlagKind:
    """The kind of one reason line of an order's attention_reason."""
    for words, kind in _REASON_WORDS:
        if words in reason:
            return kind
    return FlagKind.OTHER


def reason_seal(reason: str | None) -> str:
    """A short fingerprint of an attention_reason, carried by the resolve form.

    Resolving clears the reason only while it is still the one the manager read, so a reason
    added meanwhile (a second event for the same order) is not cleared unseen.
    """
    return hashlib.sha256((reason or "").encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FlaggedOrder:
    """An order in the queue with its reason lines, each with its kind."""

    order: Order
    reasons: list[tuple[FlagKind, str]]
    seal: str


@dataclass(frozen=True)
class AttentionQueue:
    """Everything waiting for a manager, oldest first within each kind."""

    orders: list[FlaggedOrder]
    messages: list[OutboxMessage]
    events: list[StripeEventFailure]

    @property
    def count(self) -> int:
        """How many items wait."""
        return len(self.orders) + len(self.messages) + len(self.events)


def _open_event_failures():
    processed = exists().where(StripeEvent.event_id == StripeEventFailure.event_id)
    return select(StripeEventFailure).where(StripeEventFailure.resolved_at.is_(None), ~processed)


def attention_queue(session: Session, *, limit: int = 200) -> AttentionQueue:
    """The open items of each kind (at most `limit` of each), oldest first."""
    flagged = session.scalars(
        select(Order)
        .where(Order.attention_reason.is_not(None), Order.attention_reason != "")
        .order_by(Order.updated_at, Order.id)
        .limit(limit)
    ).all()
    messages = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.FAILED)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    events = session.scalars(
        _open_event_failures()
        .order_by(StripeEventFailure.first_failed_at, StripeEventFailure.id)
        .limit(limit)
    ).all()
    return AttentionQueue(
        orders=[
            FlaggedOrder(
                order=order,
                reasons=[
                    (flag_kind(line), line) for line in order.attention_reason.splitlines() if line
                ],
                seal=reason_seal(order.attention_reason),
            )
            for order in flagged
        ],
        messages=list(messages),
        events=list(events),
    )


def count_attention(session: Session) -> int:
    """How many items wait in the queue (for the staff home)."""
    return attention_queue(session).count


ALREADY = _l("Someone else has already dealt with this item, or it changed: please look again.")


def resolve_order_flag(
    session: Session, order: Order, *, seal: str, note: str, user_id: int
) -> None:
    """Clear an order's attention_reason with the manager's note; audited, and an order event.

    Guarded: `UPDATE orders SET attention_reason = NULL WHERE id = :id AND attention_reason =
    :read`, where :read is the reason whose seal the manager's form carried. Raises Conflict
    when the reason is gone (another manager resolved it) or changed since it was shown.
    """
    session.refresh(order, ["attention_reason"])
    reason = order.attention_reason
    if not reason or reason_seal(reason) != seal:
        raise Conflict(ALREADY)
    cleared = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.attention_reason == reason)
        .values(attention_reason=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if cleared != 1:
        raise Conflict(ALREADY)
    session.refresh(order, ["attention_reason"])
    session.add(OrderEvent(order=order, kind="attention_resolved", message=note))
    record_audit(
        session,
        "attention.order_resolved",
        "order",
        order.id,
        user_id=user_id,
        number=order.number,
        reason=reason,
        note=note,
    )
    session.flush()


def _move_failed_message(session: Session, message: OutboxMessage, **values) -> None:
    moved = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == MessageStatus.FAILED)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict(ALREADY)
    session.refresh(message)


def resend_message(
    session: Session, message: OutboxMessage, *, user_id: int, note: str = ""
) -> None:
    """Put a failed message back in the outbox for a fresh round of tries; audited.

    Guarded failed → pending (attempts from zero, due now); raises Conflict if it is no longer
    failed. The caller tells the worker after commit (jobs.mail_queued).
    """
    error = message.last_error
    _move_failed_message(
        session, message, status=MessageStatus.PENDING, attempts=0, next_attempt_at=utcnow()
    )
    record_audit(
        session,
        "attention.mail_resent",
        "outbox_message",
        message.id,
        user_id=user_id,
        to=message.to_address,
        kind=message.kind,
        error=error,
        note=note,
    )
    session.flush()


def dismiss_message(session: Session, message: OutboxMessage, *, note: str, user_id: int) -> None:
    """Close a failed message that staff handled another way (a call, a new address); audited.

    Guarded failed → dismissed; raises Conflict if it is no longer failed.
    """
    _move_failed_message(session, message, status=MessageStatus.DISMISSED)
    record_audit(
        session,
        "attention.mail_dismissed",
        "outbox_message",
        message.id,
        user_id=user_id,
        to=message.to_address,
        kind=message.kind,
        error=message.last_error,
        note=note,
    )
    session.flush()


def resolve_event_failure(
    session: Session, failure: StripeEventFailure, *, note: str, user_id: int
) -> None:
    """Close a failed Stripe event that a manager checked (e.g. in Stripe's dashboard); audited.

    Guarded on resolved_at IS NULL; raises Conflict when it was resolved already, or when a
    later delivery processed the event (it has left the queue by itself).
    """
    processed = session.scalar(
        select(StripeEvent.id).where(StripeEvent.event_id == failure.event_id)
    )
    if processed is not None:
        raise Conflict(ALREADY)
    done = session.execute(
        update(StripeEventFailure)
        .where(StripeEventFailure.id == failure.id, StripeEventFailure.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=user_id, resolution_note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Conflict(ALREADY)
    session.refresh(failure)
    record_audit(
        session,
        "attention.stripe_event_resolved",
        "stripe_event_failure",
        failure.id,
        user_id=user_id,
        event_id=failure.event_id,
        type=failure.type,
        error=failure.error,
        note=note,
    )
    session.flush()
