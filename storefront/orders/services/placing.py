"""Placing an order for either channel: line snapshots, the discount split, taking stock.

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
from storefront.catalog.models import MAX_STOCK, Product, ProductStatus
from storefront.errors import Conflict, DomainError
from storefront.extensions import MAX_ID
from storefront.i18n import tr
from storefront.ledger import services as ledger
from storefront.timeutil import to_local, utcnow

from ..models import Channel, Delivery, Order, OrderEvent, OrderLine, OrderStatus

DEFAULT_COMMISSION_BPS = 1000
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ADDRESS_FIELDS = ("line1", "line2", "city", "postal_code", "country")


def new_order_number(channel: Channel | str, now: datetime | None = None) -> str:
    """A public order number such as W250129-7K2M9Q (W online, S showroom); random, not a count.

    The digits are the centre's local day of `now` (naive UTC, default the current time).
    """
    prefix = "W" if channel == Channel.ONLINE else "S"
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"{prefix}{to_local(now or utcnow()):%y%m%d}-{suffix}"


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

    Each line keeps what was sold as it was at this moment: the title in every language the
    piece has (and the order's own in `title`), SKU, the maker's Latin and Arabic names, shop
    number, price and commission rate, so later catalog edits never change an order.

    lines are (product_id, quantity); repeated products are merged. Pieces must be live; made-to-
    order pieces take no stock. The discount is shared over the lines in proportion to their totals
    (largest remainder, so the shares add up exactly). The order row (with its unique checkout_key)
    is written before any stock is taken, so a second submit of the same form fails on the key
    without touching stock. Raises DomainError (422) for an empty or invalid order (more than
    MAX_STOCK of a piece) and Conflict (409) when a piece is unavailable or short of stock.
    Posting the ledger is mark_paid's job, except for orders created already paid, which are
    posted here.
    """
    wanted: Counter[int] = Counter()
    for product_id, quantity in lines:
        if int(quantity) <= 0:
            raise DomainError(_("Quantities must be at least 1."))
        wanted[int(product_id)] += int(quantity)
    if not wanted:
        raise DomainError(_("The order has no pieces."))
    # No listing holds more than MAX_STOCK; an id beyond MAX_ID names no piece, and must not
    # reach SQL, where PostgreSQL refuses it as out of range for an INTEGER column.
    if any(q > MAX_STOCK for q in wanted.values()):
        raise DomainError(_("At most %(num)d of one piece per order.", num=MAX_STOCK))
    products = _load_products(session, [pid for pid in wanted if 0 < pid <= MAX_ID])
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
                title_ar=(product.title_ar or None) and product.title_ar[:200],
                title_fr=(product.title_fr or None) and product.title_fr[:200],
                title_en=(product.title_en or None) and product.title_en[:200],
                source_lang=product.source_lang or "ar",
                sku=product.sku,
                artisan_name=artisan.name[:120],
                artisan_name_ar=(artisan.name_ar or None) and artisan.name_ar[:120],
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
    for line in order.lines:
        line.taken_quantity = to_take.get(line.product_id, 0)
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
