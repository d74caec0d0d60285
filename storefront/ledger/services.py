"""Posting sales, commissions and refunds to the artisans' book, and reading it back.

Rounding rule: the commission of a line is `bps_of(net, bps)`, i.e. net × bps / 10 000 rounded
half up to the centime, once per line (never per unit, never per order). A refund of k of the
line's Q units reverses cumulative shares: after r units were refunded, refunding k more reverses
`share(r + k) - share(r)` where `share(n) = round_half_up(amount × n / Q)`, for the sale and the
commission alike. Any sequence of partial refunds that reaches Q therefore reverses exactly what
was posted, to the centime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storefront.errors import Conflict, DomainError
from storefront.money import bps_of
from storefront.orders.models import Order, OrderLine
from storefront.timeutil import local_month_bounds

from .models import EntryKind, LedgerEntry


def commission_for(line: OrderLine) -> int:
    """The centre's commission on a line: bps_of(net, commission_bps), rounded half up."""
    return bps_of(line.net_minor, line.commission_bps)


def _share(amount: int, units: int, of: int) -> int:
    """amount × units / of, rounded half up (amount and units are non-negative)."""
    return (2 * amount * units + of) // (2 * of)


def net_of_refunds(line: OrderLine) -> tuple[int, int]:
    """(sale, commission) still standing on a line once its refunded units are reversed.

    Follows the module's cumulative rounding rule, so the pair is exactly what the line's sale,
    refund and commission entries sum to: (net, commission) with nothing refunded, (0, 0) once
    every unit is.
    """
    net, commission = line.net_minor, commission_for(line)
    refunded, quantity = line.refunded_quantity, line.quantity
    return (
        net - _share(net, refunded, quantity),
        commission - _share(commission, refunded, quantity),
    )


def post_sale(session: Session, order: Order) -> list[LedgerEntry]:
    """Post, per line, a sale entry (+net of discount) and a commission entry (−commission).

    Raises Conflict if the order's lines were already posted, so no caller can post twice.
    """
    line_ids = [line.id for line in order.lines]
    already = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.order_line_id.in_(line_ids), LedgerEntry.kind == EntryKind.SALE)
    )
    if already:
        raise Conflict(_("This sale is already in the book."))
    entries: list[LedgerEntry] = []
    for line in order.lines:
        memo = f"{order.number} {line.sku} × {line.quantity}"
        entries.append(
            LedgerEntry(
                artisan_id=line.artisan_id,
                kind=EntryKind.SALE,
                amount_minor=line.net_minor,
                order_line_id=line.id,
                memo=memo,
            )
        )
        entries.append(
            LedgerEntry(
                artisan_id=line.artisan_id,
                kind=EntryKind.COMMISSION,
                amount_minor=-commission_for(line),
                order_line_id=line.id,
                memo=f"{memo} @ {line.commission_bps} bps",
            )
        )
    session.add_all(entries)
    session.flush()
    return entries


def post_refund(
    session: Session,
    line: OrderLine,
    quantity: int,
    *,
    refund_id: int | None = None,
    user_id: int | None = None,
) -> list[LedgerEntry]:
    """Reverse `quantity` units of a paid line: a refund entry (−sale share) and +commission share.

    Also counts the units on the line with a guarded
    `UPDATE order_lines SET refunded_quantity = refunded_quantity + :k
    WHERE id = :id AND refunded_quantity + :k <= quantity`, so the same unit cannot be refunded
    twice even by concurrent requests. Shares follow the module's cumulative rounding rule.
    Raises DomainError for a non-positive quantity and Conflict when more units would be
    refunded than were sold.
    """
    if quantity <= 0:
        raise DomainError(_("Choose at least one piece to refund."))
    result = session.execute(
        update(OrderLine)
        .where(
            OrderLine.id == line.id, OrderLine.refunded_quantity + quantity <= OrderLine.quantity
        )
        .values(refunded_quantity=OrderLine.refunded_quantity + quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("These pieces were already refunded."))
    session.refresh(line)
    after = line.refunded_quantity
    before = after - quantity
    net, commission = line.net_minor, commission_for(line)
    sale_back = _share(net, after, line.quantity) - _share(net, before, line.quantity)
    commission_back = _share(commission, after, line.quantity) - _share(
        commission, before, line.quantity
    )
    memo = f"{line.sku} × {quantity} refunded"
    entries = [
        LedgerEntry(
            artisan_id=line.artisan_id,
            kind=EntryKind.REFUND,
            amount_minor=-sale_back,
            order_line_id=line.id,
            refund_id=refund_id,
            user_id=user_id,
            memo=memo,
        ),
        LedgerEntry(
            artisan_id=line.artisan_id,
            kind=EntryKind.COMMISSION,
            amount_minor=commission_back,
            order_line_id=line.id,
            refund_id=refund_id,
            user_id=user_id,
            memo=f"{memo}: commission returned",
        ),
    ]
    session.add_all(entries)
    session.flush()
    return entries


def balance_for_artisan(session: Session, artisan_id: int) -> int:
    """What the centre owes an artisan now, in minor units: the sum of all their entries."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
            LedgerEntry.artisan_id == artisan_id
        )
    )
    return int(total or 0)


@dataclass(frozen=True)
class SaleRow:
    """One sold line as an artisan sees it; money in minor units."""

    line_id: int
    date: datetime
    order_number: str
    channel: str
    title: str
    sku: str
    quantity: int
    refunded_quantity: int
    gross: int
    commission: int
    share: int


def _month_bounds(month: date | str) -> tuple[datetime, datetime]:
    """Naive-UTC bounds of the centre's local calendar month ("2025-01" or any day in it)."""
    if isinstance(month, str):
        year, mon = (int(part) for part in month.split("-")[:2])
        month = date(year, mon, 1)
    return local_month_bounds(month)


def sales_for_artisan(
    session: Session, artisan_id: int, *, month: date | str | None = None, lang: str = "fr"
) -> list[SaleRow]:
    """Every paid line of an artisan's work, newest first, optionally one month ("2025-01").

    A month is the centre's local calendar month (timeutil.local_month_bounds) of paid_at.
    Titles are the lines' snapshots in `lang` (ar|fr|en), falling back as OrderLine.title_in.

    gross is the line's net of discount and of refunds, commission what the centre keeps of it
    (net_of_refunds: the ledger's figures for the line), share the rest; refunded_quantity says
    how many units came back.
    """
    stmt = (
        select(OrderLine, Order.paid_at, Order.number, Order.channel)
        .join(Order, OrderLine.order_id == Order.id)
        .where(OrderLine.artisan_id == artisan_id, Order.paid_at.is_not(None))
        .order_by(Order.paid_at.desc(), OrderLine.id.desc())
    )
    if month is not None:
        start, end = _month_bounds(month)
        stmt = stmt.where(Order.paid_at >= start, Order.paid_at < end)
    return [sale_row(*found, lang=lang) for found in session.execute(stmt)]


def sale_row(
    line: OrderLine, paid_at: datetime, order_number: str, channel: str, *, lang: str = "fr"
) -> SaleRow:
    """An artisan's view of one paid line, net of discount and refunds: gross, commission, share.

    The title is the line's snapshot in `lang` (see OrderLine.title_in).
    """
    gross, commission = net_of_refunds(line)
    return SaleRow(
        line_id=line.id,
        date=paid_at,
        order_number=order_number,
        channel=channel,
        title=line.title_in(lang),
        sku=line.sku,
        quantity=line.quantity,
        refunded_quantity=line.refunded_quantity,
        gross=gross,
        commission=commission,
        share=gross - commission,
    )
