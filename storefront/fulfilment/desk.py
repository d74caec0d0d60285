"""What the desk reads: due dates, the list of online orders, the pick list, pieces to bring.

Dates are the centre's local days (timeutil). A piece in stock is due at the desk one working
day after payment; a made-to-order piece after its lead days. An order ships by three working
days after payment, or by its longest lead time when that is later (issue 10). Working days are
Monday to Friday; public holidays are not counted out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from storefront.artisans.models import Shop
from storefront.catalog.models import Product
from storefront.orders.models import Channel, Delivery, Order, OrderLine
from storefront.timeutil import local_date

from .services import GATHERING, OPEN

SHIP_WITHIN_WORKING_DAYS = 3
STOCK_PIECE_DUE_WORKING_DAYS = 1
PAGE_SIZE = 50


def add_working_days(day: date, days: int) -> date:
    """`day` plus `days` working days (Monday to Friday)."""
    while days > 0:
        day += timedelta(days=1)
        if day.isoweekday() <= 5:
            days -= 1
    return day


def _lead_days(session: Session, lines: list[OrderLine]) -> dict[int, int]:
    """Lead days of each made-to-order line's product, by line id (current listing values)."""
    ids = {line.product_id for line in lines if line.product_id is not None}
    if not ids:
        return {}
    leads = dict(
        session.execute(
            select(Product.id, Product.lead_days).where(
                Product.id.in_(ids), Product.made_to_order.is_(True)
            )
        ).all()
    )
    return {line.id: leads[line.product_id] or 0 for line in lines if line.product_id in leads}


def line_due(order: Order, line: OrderLine, lead_days: dict[int, int]) -> date | None:
    """The local day the line's piece is due at the desk (None for an unpaid order)."""
    if order.paid_at is None:
        return None
    paid = local_date(order.paid_at)
    if line.id in lead_days:
        return paid + timedelta(days=lead_days[line.id])
    return add_working_days(paid, STOCK_PIECE_DUE_WORKING_DAYS)


def ship_by(order: Order, lead_days: dict[int, int]) -> date | None:
    """The local day the order should leave: paid + 3 working days, or its longest lead time."""
    if order.paid_at is None:
        return None
    paid = local_date(order.paid_at)
    longest = max((lead_days.get(line.id, 0) for line in order.lines), default=0)
    return max(add_working_days(paid, SHIP_WITHIN_WORKING_DAYS), paid + timedelta(days=longest))


@dataclass
class DeskOrder:
    """One row of the desk's list."""

    order: Order
    ship_by: date | None
    overdue: bool
    at_desk: int
    pieces: int


@dataclass
class DeskFilters:
    """The desk list's filters: state (or "open"), delivery, overdue only, number or name."""

    state: str = "open"
    delivery: str = ""
    overdue: bool = False
    q: str = ""


STATE_CHOICES = ("open", *[str(s) for s in OPEN], "collected", "delivered", "cancelled", "all")


def desk_orders(
    session: Session, filters: DeskFilters, *, today: date | None = None
) -> list[DeskOrder]:
    """Paid online orders matching the filters (at most 50): open ones by "ship by" day, the
    soonest first; finished ones (collected, delivered, cancelled, all) newest first.

    Unpaid orders (pending, failed, hold released) never appear: they have no paid_at. Overdue
    is read among the 200 oldest open orders, the only ones that can be overdue first.
    """
    today = today or local_date()
    query = (
        select(Order)
        .where(Order.channel == Channel.ONLINE, Order.paid_at.is_not(None))
        .options(selectinload(Order.lines))
    )
    if filters.state == "open":
        query = query.where(Order.status.in_(OPEN))
    elif filters.state != "all":
        query = query.where(Order.status == filters.state)
    if filters.delivery in (Delivery.PICKUP, Delivery.SHIP):
        query = query.where(Order.delivery == filters.delivery)
    text = filters.q.strip()[:120]
    if text:
        like = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(Order.number).like(like),
                func.lower(Order.customer_name).like(like),
                func.lower(Order.customer_email).like(like),
            )
        )
    # Open work oldest first (it is the most urgent); finished orders newest first.
    working = filters.state == "open" or filters.state in OPEN
    newest = Order.paid_at if working else Order.paid_at.desc()
    orders = session.scalars(query.order_by(newest).limit(PAGE_SIZE * 4)).all()
    lead = _lead_days(session, [line for order in orders for line in order.lines])
    rows = []
    for order in orders:
        due = ship_by(order, lead)
        late = order.status in GATHERING and due is not None and due < today
        if filters.overdue and not late:
            continue
        rows.append(
            DeskOrder(
                order=order,
                ship_by=due,
                overdue=late,
                at_desk=sum(1 for ln in order.lines if ln.at_desk_at is not None),
                pieces=len(order.lines),
            )
        )
    if working:
        rows.sort(key=lambda r: (r.ship_by or today, r.order.id))
    return rows[:PAGE_SIZE]


def order_due_dates(session: Session, order: Order) -> tuple[date | None, dict[int, date | None]]:
    """The order's "ship by" day and each line's due day at the desk, by line id."""
    lead = _lead_days(session, list(order.lines))
    return ship_by(order, lead), {line.id: line_due(order, line, lead) for line in order.lines}


@dataclass
class PickItem:
    """A piece to fetch from a shop for an order."""

    order: Order
    line: OrderLine
    due: date | None


@dataclass
class PickStop:
    """One shop on the walk, with what to fetch there."""

    shop: Shop | None
    number: int
    items: list[PickItem] = field(default_factory=list)


def walk_key(shop: Shop | None, number: int) -> tuple[int, int, int]:
    """Where a shop comes on the walk through the zone: aisle by aisle (the map's rows), along
    the odd aisles and back along the even ones, so nobody walks an aisle twice."""
    if shop is None:
        return (99, 99, number)
    column = shop.map_col if shop.map_row % 2 else -shop.map_col
    return (shop.map_row, column, number)


def _waiting_lines(session: Session, *extra):
    return session.execute(
        select(OrderLine, Order)
        .join(Order, OrderLine.order_id == Order.id)
        .where(
            Order.channel == Channel.ONLINE,
            Order.status.in_(GATHERING),
            OrderLine.at_desk_at.is_(None),
            OrderLine.refunded_quantity < OrderLine.quantity,
            *extra,
        )
        .order_by(Order.paid_at, OrderLine.id)
    ).all()


def pick_list(session: Session) -> list[PickStop]:
    """The pieces still with their makers for open orders, by shop, in walking order."""
    rows = _waiting_lines(session)
    lead = _lead_days(session, [line for line, _order in rows])
    numbers = {line.shop_number for line, _order in rows}
    shops = {
        s.number: s for s in session.scalars(select(Shop).where(Shop.number.in_(numbers))).all()
    }
    stops: dict[int, PickStop] = {}
    for line, order in rows:
        stop = stops.setdefault(
            line.shop_number, PickStop(shops.get(line.shop_number), line.shop_number)
        )
        stop.items.append(PickItem(order, line, line_due(order, line, lead)))
    return sorted(stops.values(), key=lambda s: walk_key(s.shop, s.number))


def pieces_to_bring(session: Session, artisan_id: int) -> list[PickItem]:
    """One artisan's pieces sold online and still with them, the soonest due first."""
    rows = _waiting_lines(session, OrderLine.artisan_id == artisan_id)
    lead = _lead_days(session, [line for line, _order in rows])
    items = [PickItem(order, line, line_due(order, line, lead)) for line, order in rows]
    return sorted(items, key=lambda i: (i.due or date.max, i.line.id))


def desk_counts(session: Session) -> dict[str, int]:
    """How many paid online orders are in each open state (every open state, zero included)."""
    counts = dict(
        session.execute(
            select(Order.status, func.count())
            .where(Order.channel == Channel.ONLINE, Order.status.in_(OPEN))
            .group_by(Order.status)
        ).all()
    )
    return {str(state): counts.get(state, 0) for state in OPEN}


__all__ = [
    "DeskFilters",
    "DeskOrder",
    "PickItem",
    "PickStop",
    "STATE_CHOICES",
    "add_working_days",
    "desk_counts",
    "desk_orders",
    "order_due_dates",
    "pick_list",
    "pieces_to_bring",
    "ship_by",
    "walk_key",
]
