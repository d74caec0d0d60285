"""The moves of an online order after payment, each one guarded, recorded, audited and mailed.

pickup:   paid → preparing → ready_for_pickup → collected
shipping: paid → preparing → shipped → delivered
either:   paid | preparing → cancelled, refunded through the order's gateway

Every move is one `UPDATE orders SET status = :dst WHERE id = :id AND status IN (:src)`; its
row count decides who made it, so two staff pressing "shipped" at once give one move, one
event and one mail, and the other gets Conflict (409). Each move adds an OrderEvent whose kind
is the new status ("collected" and "delivered" start the return window, see the payouts), an
audit entry, and a mail to the buyer in the order's language through the outbox. A piece
received from its maker is its own guarded update on the line (at_desk_at IS NULL).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from storefront.accounts.models import User
from storefront.audit import record_audit
from storefront.errors import Conflict, DomainError
from storefront.mail.models import MessageKind, OutboxMessage
from storefront.orders.models import (
    Carrier,
    Channel,
    Delivery,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from storefront.orders.services import lock_order
from storefront.showroom.services.returns import StripeRefunder, refund_cancelled_order
from storefront.timeutil import utcnow

# The states an online order is open in: someone at the desk still has work on it.
OPEN = (
    OrderStatus.PAID,
    OrderStatus.PREPARING,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.SHIPPED,
)
# The states whose pieces are still being gathered from their makers.
GATHERING = (OrderStatus.PAID, OrderStatus.PREPARING)
MAX_TRACKING = 64

MOVED_ALREADY = _l("Someone else changed this order a moment ago; here is where it stands now.")


def _online(order: Order) -> None:
    if order.channel != Channel.ONLINE:
        raise DomainError(_l("Only online orders go through the desk."))


def _try_move(session: Session, order: Order, src: tuple[str, ...], dst: str, **values) -> bool:
    """The guarded status move; True when this call made it."""
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(src))
        .values(status=dst, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(order)
    return result.rowcount == 1


def _move(session: Session, order: Order, src: tuple[str, ...], dst: str, **values) -> None:
    """The guarded status move; raises Conflict when another request moved the order first."""
    if not _try_move(session, order, src, dst, **values):
        raise Conflict(MOVED_ALREADY)


def _record(
    session: Session,
    order: Order,
    kind: str,
    user: User | None,
    *,
    message: str = "",
    mail: MessageKind | None = None,
    **detail,
) -> OrderEvent:
    """The move's event, audit entry and (when `mail`) the buyer's mail in the order's language."""
    user_id = user.id if user is not None else None
    event = OrderEvent(order=order, kind=kind, message=message, user_id=user_id)
    session.add(event)
    record_audit(session, f"order.{kind}", "order", order.id, user_id=user_id, **detail)
    if mail is not None and order.customer_email:
        session.add(
            OutboxMessage(
                kind=mail, to_address=order.customer_email, locale=order.locale, order_id=order.id
            )
        )
    session.flush()
    return event


def open_lines(order: Order) -> list[OrderLine]:
    """The lines still to hand over: those not refunded in full."""
    return [line for line in order.lines if line.refunded_quantity < line.quantity]


def all_at_desk(order: Order) -> bool:
    """True when every piece still to hand over has reached the desk."""
    return all(line.at_desk_at is not None for line in open_lines(order))


def receive_piece(session: Session, order: Order, line: OrderLine, *, user: User) -> OrderEvent:
    """Record that a line's piece came from its maker to the desk; the first moves paid → preparing.

    Guarded on the line (`WHERE at_desk_at IS NULL`), so a piece is received once; raises
    Conflict when it already was, or when the order is no longer gathering its pieces, and
    DomainError for a line of another order.
    """
    _online(order)
    if line.order_id != order.id:
        raise DomainError(_l("This line is not part of the order."))
    if order.status not in GATHERING:
        raise Conflict(_l("This order is not waiting for its pieces."))
    result = session.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id, OrderLine.at_desk_at.is_(None))
        .values(at_desk_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(line)
    if result.rowcount != 1:
        raise Conflict(_l("This piece was already received at the desk."))
    # Two pieces of one order received at once: whichever moves the order records the move.
    if _try_move(session, order, (OrderStatus.PAID,), OrderStatus.PREPARING):
        _record(session, order, str(OrderStatus.PREPARING), user, mail=MessageKind.PREPARING)
    return _record(
        session,
        order,
        "piece_received",
        user,
        message=f"{line.sku} × {line.quantity} ({line.artisan_name}, {line.shop_number})",
        line=line.id,
        sku=line.sku,
    )


def start_preparing(session: Session, order: Order, *, user: User) -> OrderEvent:
    """paid → preparing: the desk has started on the order; the buyer is told.

    Raises Conflict when the order is not paid (it moved on already).
    """
    _online(order)
    _move(session, order, (OrderStatus.PAID,), OrderStatus.PREPARING)
    return _record(session, order, str(OrderStatus.PREPARING), user, mail=MessageKind.PREPARING)


def _ready_to_leave(order: Order, delivery: Delivery) -> None:
    _online(order)
    if order.delivery != delivery:
        if delivery == Delivery.PICKUP:
            raise DomainError(_l("This order is to be shipped, not collected."))
        raise DomainError(_l("This order is to be collected at the desk, not shipped."))
    if order.status in GATHERING and not all_at_desk(order):
        raise DomainError(_l("Some pieces are still with their makers."))


def mark_ready(session: Session, order: Order, *, user: User) -> OrderEvent:
    """preparing → ready_for_pickup, once every piece is at the desk; mails hours and a map.

    Raises DomainError for a shipping order or pieces still with their makers, Conflict when
    the order is not preparing (another member of staff moved it).
    """
    _ready_to_leave(order, Delivery.PICKUP)
    _move(session, order, (OrderStatus.PREPARING,), OrderStatus.READY_FOR_PICKUP)
    return _record(
        session, order, str(OrderStatus.READY_FOR_PICKUP), user, mail=MessageKind.READY_FOR_PICKUP
    )


def mark_shipped(
    session: Session, order: Order, *, carrier: Carrier, tracking_number: str, user: User
) -> OrderEvent:
    """preparing → shipped with a carrier from staff's list and its tracking number; mails the link.

    The number is kept as typed (stripped, at most 64 characters) and the link built from the
    carrier's pattern. Raises DomainError without a number, with a switched-off carrier, for a
    pickup order or pieces still with their makers; Conflict when the order is not preparing.
    """
    number = (tracking_number or "").strip()
    if not number:
        raise DomainError(_l("Enter the tracking number."))
    if len(number) > MAX_TRACKING:
        raise DomainError(_l("At most %(max)d characters.", max=MAX_TRACKING))
    if not carrier.active:
        raise DomainError(_l("Choose a carrier from the list."))
    _ready_to_leave(order, Delivery.SHIP)
    _move(
        session,
        order,
        (OrderStatus.PREPARING,),
        OrderStatus.SHIPPED,
        carrier_id=carrier.id,
        tracking_number=number,
    )
    return _record(
        session,
        order,
        str(OrderStatus.SHIPPED),
        user,
        message=f"{carrier.name} {number}",
        mail=MessageKind.SHIPPED,
        carrier=carrier.name,
        tracking_number=number,
    )


def mark_collected(session: Session, order: Order, *, user: User) -> OrderEvent:
    """ready_for_pickup → collected: handed over at the desk (its event starts the return window).

    Raises Conflict when the order is not ready for pickup (not yet, or already collected).
    """
    _online(order)
    if order.delivery != Delivery.PICKUP:
        raise DomainError(_l("This order is to be shipped, not collected."))
    _move(session, order, (OrderStatus.READY_FOR_PICKUP,), OrderStatus.COLLECTED)
    return _record(session, order, str(OrderStatus.COLLECTED), user, mail=MessageKind.COLLECTED)


def mark_delivered(session: Session, order: Order, *, user: User) -> OrderEvent:
    """shipped → delivered, when the carrier shows it delivered (starts the return window).

    Raises Conflict when the order is not shipped.
    """
    _online(order)
    _move(session, order, (OrderStatus.SHIPPED,), OrderStatus.DELIVERED)
    return _record(session, order, str(OrderStatus.DELIVERED), user, mail=MessageKind.DELIVERED)


def cancel_order(
    session: Session,
    order: Order,
    *,
    user: User,
    reason: str,
    stripe_refunder: StripeRefunder | None = None,
) -> OrderEvent:
    """paid | preparing → cancelled, refunded in full through the order's gateway, restocked.

    Takes the order's row lock first (the lock Stripe's refund webhooks take), then the guarded
    move, then the refund: showroom.services.refund_cancelled_order books every line through
    the ledger's reversal (orders.services.refund_order_lines), puts the pieces back in stock
    and sends the money back through Stripe (or nothing moves, for the test gateway). Raises
    DomainError without a reason or when Stripe refuses (the request rolls back whole),
    Conflict when the order has moved on or was cancelled already.
    """
    _online(order)
    if not (reason or "").strip():
        raise DomainError(_l("Give a reason for cancelling."))
    lock_order(session, order)
    _move(session, order, GATHERING, OrderStatus.CANCELLED)
    refund = refund_cancelled_order(
        session, order, user=user, reason=reason, stripe_refunder=stripe_refunder
    )
    return _record(
        session,
        order,
        str(OrderStatus.CANCELLED),
        user,
        message=reason.strip()[:200],
        mail=MessageKind.CANCELLED,
        refund=refund.id,
        amount_minor=refund.amount_minor,
        reason=reason.strip()[:200],
    )
