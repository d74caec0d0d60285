"""Status moves of an order (paid, cancelled, refunded), returning stock, flags and lookups.

Every move is a guarded UPDATE ... WHERE status IN (...) whose row count decides who made it,
so concurrent callers (webhook, success page, cron, staff) change an order once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storefront.audit import record_audit
from storefront.catalog.models import Product
from storefront.errors import DomainError
from storefront.ledger import services as ledger
from storefront.timeutil import utcnow

from ..models import Order, OrderEvent, OrderLine, OrderStatus


def release_stock(session: Session, order: Order, *, user_id: int | None = None) -> bool:
    """Put an order's taken stock back, once: each line's taken_quantity, never more.

    A guarded `UPDATE orders SET stock_taken = false WHERE id = :id AND stock_taken` decides who
    returns it, so two concurrent releases (webhook and cron) return it only once. Returns False
    when there was nothing to return.
    """
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.stock_taken.is_(True))
        .values(stock_taken=False)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    returned: dict[int, int] = {}
    for line in order.lines:
        taken, line.taken_quantity = line.taken_quantity, 0
        if line.product_id is None or not taken:
            continue
        returned[line.product_id] = returned.get(line.product_id, 0) + taken
    for product_id in sorted(returned):
        session.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(stock=Product.stock + returned[product_id])
            .execution_options(synchronize_session=False)
        )
    session.add(OrderEvent(order=order, kind="stock_released", user_id=user_id))
    record_audit(
        session, "order.stock_released", "order", order.id, user_id=user_id, returned=returned
    )
    session.flush()
    session.refresh(order)
    for product_id in returned:
        product = session.get(Product, product_id)
        if product is not None:
            session.refresh(product)
    return True


# Statuses a refund moves on to refunded or partially_refunded (a cancelled order stays so).
RETURNABLE = (
    OrderStatus.PAID,
    OrderStatus.FULFILLED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.PREPARING,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.COLLECTED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)

PARTLY_REFUNDABLE = (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED)


def _move_status(
    session: Session, order: Order, src: tuple[str, ...], dst: str, *guards, **values
) -> bool:
    """Guarded status move: one UPDATE ... WHERE status IN src; True if this call made it."""
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(src), *guards)
        .values(status=dst, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(order)
    return result.rowcount == 1


def mark_paid(
    session: Session,
    order: Order,
    *,
    payment_method: str,
    payment_reference: str | None,
    user_id: int | None = None,
) -> bool:
    """Move pending_payment → paid with a guarded UPDATE and post the sale to the ledger.

    Idempotent: returns False (and changes nothing) when the order was not pending any more,
    so a webhook and the success page racing each other post the ledger exactly once.
    """
    moved = _move_status(
        session,
        order,
        (OrderStatus.PENDING_PAYMENT,),
        OrderStatus.PAID,
        paid_at=utcnow(),
        payment_method=payment_method,
        payment_reference=payment_reference,
    )
    if not moved:
        return False
    session.add(OrderEvent(order=order, kind="paid", message=payment_method, user_id=user_id))
    record_audit(
        session,
        "order.paid",
        "order",
        order.id,
        user_id=user_id,
        method=payment_method,
        reference=payment_reference,
        total_minor=order.total_minor,
    )
    ledger.post_sale(session, order)
    return True


def mark_paid_after_release(
    session: Session, order: Order, *, payment_method: str, payment_reference: str | None
) -> bool:
    """Record money that arrived for an order whose hold was already released; never oversells.

    Guarded move cancelled|payment_failed → paid; the stock is taken again with the guarded
    update where it is still there, and otherwise the order is flagged for staff (attention_reason)
    with the pieces that are missing. The ledger is posted, as for any paid order; a refund by
    staff reverses it; only the lines whose stock was taken here (taken_quantity) go back to
    stock on a refund. Returns False if another caller recorded it first.
    """
    moved = _move_status(
        session,
        order,
        (OrderStatus.CANCELLED, OrderStatus.PAYMENT_FAILED),
        OrderStatus.PAID,
        # An order staff cancelled after it was paid (and refunded) is not paid again.
        Order.paid_at.is_(None),
        paid_at=utcnow(),
        payment_method=payment_method,
        payment_reference=payment_reference,
    )
    if not moved:
        return False
    missing = []
    for line in order.lines:
        product = session.get(Product, line.product_id) if line.product_id else None
        if product is None or product.made_to_order:
            continue
        taken = session.execute(
            update(Product)
            .where(Product.id == product.id, Product.stock >= line.quantity)
            .values(stock=Product.stock - line.quantity)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken == 1:
            order.stock_taken = True
            line.taken_quantity = line.quantity
        else:
            missing.append(f"{line.title} ({line.sku}) × {line.quantity}")
    reason = "Paid after its hold was released."
    if missing:
        reason += " Out of stock, refund or make again: " + "; ".join(missing)
    flag_order(session, order, reason)
    session.add(OrderEvent(order=order, kind="paid_late", message=payment_method))
    ledger.post_sale(session, order)
    return True


def cancel_order(
    session: Session, order: Order, *, status: str = OrderStatus.CANCELLED, reason: str = ""
) -> bool:
    """Guarded pending_payment → cancelled (or payment_failed), returning the held stock once."""
    if not _move_status(session, order, (OrderStatus.PENDING_PAYMENT,), status):
        return False
    session.add(OrderEvent(order=order, kind=str(status), message=reason))
    release_stock(session, order)
    return True


def lock_order(session: Session, order: Order) -> Order:
    """Take the order's row lock until the transaction ends and re-read the order and its lines.

    `SELECT ... FROM orders WHERE id = :id FOR UPDATE` on PostgreSQL: whoever books money back
    on an order (a refund at the counter, Stripe's refund webhooks) takes it first, so one waits
    for the other to commit and then sees its booking. SQLite has no row locks (the clause is
    left out) and needs none: it has one writer at a time, and every such caller writes before
    it reads what was booked.
    """
    session.execute(
        select(Order)
        .where(Order.id == order.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    for line in order.lines:
        session.refresh(line)
    return order


def flag_order(session: Session, order: Order, reason: str) -> None:
    """Ask staff to look at an order, keeping earlier reasons."""
    order.attention_reason = (
        f"{order.attention_reason}\n{reason}" if order.attention_reason else reason
    )
    session.add(OrderEvent(order=order, kind="flagged", message=reason))
    session.flush()


def order_by_token(session: Session, token: str) -> Order | None:
    """The order behind a public status URL, or None."""
    return session.scalar(select(Order).where(Order.token == token[:64]))


def order_by_number(session: Session, number: str) -> Order | None:
    """The order with a public number, or None."""
    return session.scalar(select(Order).where(Order.number == number[:20]))


def _return_taken(session: Session, line: OrderLine, quantity: int) -> int:
    """Give back up to `quantity` of the units this line took from stock; returns how many."""
    session.refresh(line)
    back = min(quantity, line.taken_quantity)
    if back <= 0:
        return 0
    result = session.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id, OrderLine.taken_quantity >= back)
        .values(taken_quantity=OrderLine.taken_quantity - back)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return 0
    session.execute(
        update(Product)
        .where(Product.id == line.product_id)
        .values(stock=Product.stock + back)
        .execution_options(synchronize_session=False)
    )
    session.refresh(line)
    product = session.get(Product, line.product_id)
    if product is not None:
        session.refresh(product)
    return back


def refund_order_lines(
    session: Session,
    order: Order,
    items: list[tuple[OrderLine, int]],
    *,
    restock: bool,
    refund_id: int | None = None,
    user_id: int | None = None,
    reason: str = "",
) -> list:
    """Refund units of an order's lines: reversing ledger entries, optional restock, new status.

    Each line goes through ledger.post_refund (guarded, so a unit is never refunded twice; raises
    Conflict). Restocking puts back at most the units the line actually took from stock (its
    taken_quantity: none for made-to-order pieces or a late payment that found no stock), with
    a guarded `UPDATE order_lines SET taken_quantity = taken_quantity - :n WHERE id = :id AND
    taken_quantity >= :n` before the product's stock is raised, so no unit goes back twice.
    The order becomes refunded when every unit is, partially_refunded otherwise (an online
    order in fulfilment keeps its state: preparing, ready, shipped, collected or delivered).
    """
    entries = []
    restocked: dict[int, int] = {}
    for line, quantity in sorted(items, key=lambda item: item[0].product_id or 0):
        if line.order_id != order.id:
            raise DomainError(_("This line is not part of the order."))
        entries += ledger.post_refund(session, line, quantity, refund_id=refund_id, user_id=user_id)
        if restock and line.product_id is not None:
            restocked[line.id] = _return_taken(session, line, quantity)
    if restock and not any(line.taken_quantity for line in order.lines):
        session.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(stock_taken=False)
            .execution_options(synchronize_session=False)
        )
    session.refresh(order)
    done = all(line.refunded_quantity == line.quantity for line in order.lines)
    # A partial refund keeps an online order's place in fulfilment (preparing, shipped, ...):
    # the desk still hands over the rest. Only paid and completed orders become partly refunded.
    _move_status(
        session,
        order,
        RETURNABLE if done else PARTLY_REFUNDABLE,
        OrderStatus.REFUNDED if done else OrderStatus.PARTIALLY_REFUNDED,
    )
    detail = ", ".join(f"{line.sku} × {q}" for line, q in items)
    session.add(
        OrderEvent(
            order=order, kind="refunded", message=f"{detail} {reason}".strip(), user_id=user_id
        )
    )
    record_audit(
        session,
        "order.refunded",
        "order",
        order.id,
        user_id=user_id,
        lines={line.id: q for line, q in items},
        restock=restock,
        restocked=restocked,
        reason=reason,
    )
    session.flush()
    return entries
