"""Placing orders for both channels, taking and returning stock, and the paid transition.

Lock order: an order takes its products' stock one guarded UPDATE per product, in ascending
product id, so two orders touching the same pieces can never wait on each other in a cycle.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from storefront.artisans.models import Artisan
from storefront.audit import record_audit
from storefront.catalog.models import Product, ProductStatus
from storefront.errors import Conflict, DomainError
from storefront.i18n import tr
from storefront.ledger import services as ledger
from storefront.timeutil import utcnow

from .models import Channel, Delivery, Order, OrderEvent, OrderLine, OrderStatus

DEFAULT_COMMISSION_BPS = 1000
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ADDRESS_FIELDS = ("line1", "line2", "city", "postal_code", "country")


def new_order_number(channel: Channel | str, now: datetime | None = None) -> str:
    """A public order number such as W250129-7K2M9Q (W online, S showroom); random, not a count."""
    prefix = "W" if channel == Channel.ONLINE else "S"
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"{prefix}{(now or utcnow()):%y%m%d}-{suffix}"


def take_stock(session: Session, quantities: dict[int, int], titles: dict[int, str]) -> None:
    """Take quantities from stock with one guarded UPDATE per product, in product-id order.

    `UPDATE products SET stock = stock - :n WHERE id = :id AND stock >= :n`, rowcount checked:
    correct on SQLite and PostgreSQL alike. Raises Conflict naming the first piece short of stock;
    the caller's transaction must then be rolled back (earlier rows may have been taken).
    """
    for product_id in sorted(quantities):
        n = quantities[product_id]
        result = session.execute(
            update(Product)
            .where(Product.id == product_id, Product.stock >= n)
            .values(stock=Product.stock - n)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(
                _(
                    "Sorry, “%(title)s” is no longer in stock in that quantity.",
                    title=titles[product_id],
                )
            )


def _load_products(session: Session, ids: list[int]) -> dict[int, Product]:
    stmt = (
        select(Product)
        .where(Product.id.in_(ids))
        .options(joinedload(Product.artisan).joinedload(Artisan.shop), joinedload(Product.craft))
    )
    return {p.id: p for p in session.scalars(stmt).unique()}


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split total in proportion to weights, largest remainder, so the parts sum to total."""
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def create_order(
    session: Session,
    *,
    channel: Channel,
    lines: list[tuple[int, int]],
    customer_email: str | None = None,
    customer_name: str | None = None,
    customer_phone: str | None = None,
    locale: str = "fr",
    delivery: Delivery = Delivery.PICKUP,
    address: dict | None = None,
    shipping_minor: int = 0,
    discount_minor: int = 0,
    discount_reason: str | None = None,
    staff_user_id: int | None = None,
    register_session_id: int | None = None,
    status: OrderStatus = OrderStatus.PENDING_PAYMENT,
    hold_minutes: int | None = None,
    payment_method: str | None = None,
    payment_reference: str | None = None,
    checkout_key: str | None = None,
    default_commission_bps: int = DEFAULT_COMMISSION_BPS,
) -> Order:
    """Create an order for either channel: snapshot the lines and take the stock.

    lines are (product_id, quantity); repeated products are merged. Pieces must be live; made-to-
    order pieces take no stock. The discount is shared over the lines in proportion to their totals
    (largest remainder, so the shares add up exactly). The order row (with its unique checkout_key)
    is written before any stock is taken, so a second submit of the same form fails on the key
    without touching stock. Raises DomainError (422) for an empty or invalid order and Conflict
    (409) when a piece is unavailable or short of stock. Posting the ledger is mark_paid's job,
    except for orders created already paid, which are posted here.
    """
    wanted: Counter[int] = Counter()
    for product_id, quantity in lines:
        if int(quantity) <= 0:
            raise DomainError(_("Quantities must be at least 1."))
        wanted[int(product_id)] += int(quantity)
    if not wanted:
        raise DomainError(_("The order has no pieces."))
    products = _load_products(session, list(wanted))
    for product_id in wanted:
        product = products.get(product_id)
        if product is None or product.status != ProductStatus.ACTIVE:
            title = tr(product, "title", locale) if product else f"#{product_id}"
            raise Conflict(_("Sorry, “%(title)s” is no longer available.", title=title))

    now = utcnow()
    order = Order(
        number=new_order_number(channel, now),
        token=secrets.token_urlsafe(32),
        channel=channel,
        status=status,
        locale=locale,
        customer_email=customer_email,
        customer_name=customer_name,
        customer_phone=customer_phone,
        delivery=delivery,
        shipping_minor=shipping_minor,
        discount_minor=discount_minor,
        discount_reason=discount_reason,
        staff_user_id=staff_user_id,
        register_session_id=register_session_id,
        payment_method=payment_method,
        payment_reference=payment_reference,
        checkout_key=checkout_key,
        hold_expires_at=now + timedelta(minutes=hold_minutes) if hold_minutes else None,
        paid_at=now if status == OrderStatus.PAID else None,
        created_at=now,
    )
    for key in ADDRESS_FIELDS:
        value = (address or {}).get(key)
        setattr(order, f"ship_{'address_' if key.startswith('line') else ''}{key}", value or None)
    session.add(order)
    session.flush()

    for product_id in sorted(wanted):
        product = products[product_id]
        quantity = wanted[product_id]
        artisan = product.artisan
        order.lines.append(
            OrderLine(
                product_id=product.id,
                artisan_id=artisan.id,
                title=tr(product, "title", locale)[:200],
                sku=product.sku,
                artisan_name=artisan.display_name(locale),
                shop_number=artisan.shop.number,
                craft_slug=product.craft.slug,
                unit_price_minor=product.price_minor,
                quantity=quantity,
                line_total_minor=product.price_minor * quantity,
                commission_bps=(
                    artisan.commission_bps
                    if artisan.commission_bps is not None
                    else default_commission_bps
                ),
            )
        )
    subtotal = sum(line.line_total_minor for line in order.lines)
    if discount_minor < 0 or discount_minor > subtotal:
        raise DomainError(_("The discount cannot be more than the order's value."))
    for line, share in zip(
        order.lines,
        _allocate(discount_minor, [ln.line_total_minor for ln in order.lines]),
        strict=True,
    ):
        line.discount_minor = share
    order.subtotal_minor = subtotal
    order.total_minor = subtotal + shipping_minor - discount_minor

    to_take = {pid: q for pid, q in wanted.items() if not products[pid].made_to_order}
    titles = {pid: tr(products[pid], "title", locale) for pid in wanted}
    take_stock(session, to_take, titles)
    order.stock_taken = bool(to_take)
    session.add(OrderEvent(order=order, kind="created", message=channel, user_id=staff_user_id))
    record_audit(
        session,
        "order.created",
        "order",
        order.id,
        user_id=staff_user_id,
        number=order.number,
        channel=str(channel),
        total_minor=order.total_minor,
        stock_taken=to_take,
    )
    session.flush()
    if status == OrderStatus.PAID:
        ledger.post_sale(session, order)
    return order


def release_stock(session: Session, order: Order, *, user_id: int | None = None) -> bool:
    """Put an order's taken stock back, once.

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
        if line.product_id is None:
            continue
        product = session.get(Product, line.product_id)
        if product is None or product.made_to_order:
            continue
        returned[line.product_id] = returned.get(line.product_id, 0) + line.quantity
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


def _move_status(session: Session, order: Order, src: tuple[str, ...], dst: str, **values) -> bool:
    """Guarded status move: one UPDATE ... WHERE status IN src; True if this call made it."""
    result = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(src))
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
    staff reverses it. Returns False if another caller recorded it first.
    """
    moved = _move_status(
        session,
        order,
        (OrderStatus.CANCELLED, OrderStatus.PAYMENT_FAILED),
        OrderStatus.PAID,
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
    Conflict). Restocking adds the units back to the product (made-to-order pieces excepted).
    The order becomes refunded when every unit is, partially_refunded otherwise.
    """
    entries = []
    for line, quantity in sorted(items, key=lambda item: item[0].product_id or 0):
        if line.order_id != order.id:
            raise DomainError(_("This line is not part of the order."))
        entries += ledger.post_refund(session, line, quantity, refund_id=refund_id, user_id=user_id)
        product = session.get(Product, line.product_id) if line.product_id else None
        if restock and product is not None and not product.made_to_order:
            session.execute(
                update(Product)
                .where(Product.id == product.id)
                .values(stock=Product.stock + quantity)
                .execution_options(synchronize_session=False)
            )
            session.refresh(product)
    session.refresh(order)
    done = all(line.refunded_quantity == line.quantity for line in order.lines)
    _move_status(
        session,
        order,
        (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED),
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
        reason=reason,
    )
    session.flush()
    return entries
