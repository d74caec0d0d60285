"""Managers' sales reports: any range of the centre's days, grouped several ways, with the
previous period of the same length beside it.

Figures come from the paid order lines, by the order's paid time, net of discount and of the
refunds of those lines, with the book's own rounding (ledger/services.py): a line's sale is
net − share(net, refunded), its commission bps_of(net) − share(commission, refunded), so each
figure equals what the line's entries add up to (`storefront ledger verify` proves the book
equals the lines). "Owed" is the artisans' share, sale − commission. Integer arithmetic in SQL
(all terms are non-negative, so integer division is the floor the rule asks for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from storefront.orders.models import Order, OrderLine
from storefront.timeutil import local_midnight

GROUPINGS = ("channel", "craft", "artisan", "shop", "piece")


@dataclass(frozen=True)
class Period:
    """Local days first..last inclusive, and their naive-UTC bounds start <= t < end."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The instant the first day begins (naive UTC)."""
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The instant after the last day ends (naive UTC)."""
        return local_midnight(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


@dataclass(frozen=True)
class Figures:
    """Units, sales, commission in minor units; owed is the artisans' share."""

    units: int = 0
    sales: int = 0
    commission: int = 0

    @property
    def owed(self) -> int:
        """What the period's sales owe the artisans (sales less commission)."""
        return self.sales - self.commission


def _figures():
    """SQL columns units, sales, commission of a line, net of its refunds (module docstring)."""
    quantity, refunded = OrderLine.quantity, OrderLine.refunded_quantity
    net = OrderLine.line_total_minor - OrderLine.discount_minor
    commission = (net * OrderLine.commission_bps + 5000) // 10000

    def left(amount):
        # Most lines have no refund: skip the share arithmetic for them.
        share = (2 * amount * refunded + quantity) // (2 * quantity)
        return case((refunded == 0, amount), else_=amount - share)

    return (
        func.coalesce(func.sum(quantity - refunded), 0),
        func.coalesce(func.sum(left(net)), 0),
        func.coalesce(func.sum(left(commission)), 0),
    )


KEYS = {
    "channel": (Order.channel,),
    "craft": (OrderLine.craft_slug,),
    "artisan": (OrderLine.artisan_id,),
    "shop": (OrderLine.shop_number,),
    "piece": (OrderLine.sku,),
}


def figures_by(session: Session, period: Period, grouping: str) -> dict[object, Figures]:
    """{key: Figures} of the period's paid lines grouped by channel, craft slug, artisan id,
    shop number or piece (SKU); raises KeyError for another grouping. One query."""
    keys = KEYS[grouping]
    stmt = (
        select(*keys, *_figures())
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.paid_at >= period.start, Order.paid_at < period.end)
        .group_by(*keys)
    )
    return {row[0]: Figures(int(row[1]), int(row[2]), int(row[3])) for row in session.execute(stmt)}


def totals(session: Session, period: Period) -> Figures:
    """The period's Figures over every paid line. One query."""
    row = session.execute(
        select(*_figures())
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.paid_at >= period.start, Order.paid_at < period.end)
    ).one()
    return Figures(int(row[0]), int(row[1]), int(row[2]))


def buckets(period: Period) -> list[Period]:
    """The period cut for a chart: days up to 31 days, weeks up to 190 days, else months."""
    if period.days <= 31:
        step = 1
    elif period.days <= 190:
        step = 7
    else:
        out, first = [], period.first
        while first <= period.last:
            following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            out.append(Period(first, min(following - timedelta(days=1), period.last)))
            first = following
        return out
    return [
        Period(
            period.first + timedelta(days=n),
            min(period.first + timedelta(days=n + step - 1), period.last),
        )
        for n in range(0, period.days, step)
    ]


def sales_over_time(session: Session, period: Period) -> list[tuple[Period, int]]:
    """(bucket, sales net of refunds) for each bucket of the period, in order. One query."""
    cut = buckets(period)
    bounds = union_all(
        *(
            select(
                literal(n).label("n"),
                literal(bucket.start).label("b_start"),
                literal(bucket.end).label("b_end"),
            )
            for n, bucket in enumerate(cut)
        )
    ).subquery("buckets")
    stmt = (
        select(bounds.c.n, _figures()[1])
        .select_from(bounds)
        .join(Order, and_(Order.paid_at >= bounds.c.b_start, Order.paid_at < bounds.c.b_end))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .group_by(bounds.c.n)
    )
    found = {int(n): int(sales) for n, sales in session.execute(stmt)}
    return [(bucket, found.get(n, 0)) for n, bucket in enumerate(cut)]
