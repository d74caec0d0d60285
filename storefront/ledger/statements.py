"""Monthly statements: an artisan's book for one local calendar month, opening to closing.

A month is the centre's (timeutil.local_month_bounds). Everything is read "as of" the month's
end: entries and hand-over events recorded before it, windows judged at it. Entries are never
edited and carry the moment they were written, so a closed month's statement cannot change; a
correction written later is an entry of the month it is written in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.orders.models import Order, OrderLine
from storefront.timeutil import local_date, local_month_bounds, utcnow

from .balances import Balance, ReturnWindows, balance_of
from .models import LedgerEntry, Payout, StatementNotice


@dataclass(frozen=True)
class StatementRow:
    """One entry as the statement prints it; amount and running balance in minor units."""

    created_at: datetime
    kind: str
    amount: int
    balance: int
    channel: str | None
    order_number: str | None
    title: str | None
    sku: str | None
    payout_reference: str | None
    memo: str


@dataclass(frozen=True)
class Statement:
    """An artisan's month: opening, entries, closing (= opening + entries) and the split at its end.

    `closed` is True once the month has ended (the statement is then final); `as_of` is the
    month's end, or now for the month in progress.
    """

    artisan_id: int
    month: date
    opening: int
    rows: list[StatementRow]
    closing: int
    at_end: Balance
    closed: bool
    as_of: datetime

    def total(self, kind: str) -> int:
        """The month's entries of one kind added up (sale, commission, refund, payout, ...)."""
        return sum(row.amount for row in self.rows if row.kind == kind)


def statement_for(
    session: Session,
    artisan_id: int,
    month: date,
    windows: ReturnWindows,
    *,
    lang: str = "fr",
    now: datetime | None = None,
) -> Statement:
    """The statement of `month` (any day in it) for one artisan; titles in `lang` (ar|fr|en).

    Three queries: the opening sum, the month's entries with their lines and orders, and the
    balance split at the month's end (ledger.balances, as_of).
    """
    now = now or utcnow()
    start, end = local_month_bounds(month)
    as_of = min(end, now)
    opening = int(
        session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
                LedgerEntry.artisan_id == artisan_id, LedgerEntry.created_at < start
            )
        )
        or 0
    )
    found = session.execute(
        select(LedgerEntry, OrderLine, Order.number, Order.channel)
        .outerjoin(OrderLine, OrderLine.id == LedgerEntry.order_line_id)
        .outerjoin(Order, Order.id == OrderLine.order_id)
        .where(
            LedgerEntry.artisan_id == artisan_id,
            LedgerEntry.created_at >= start,
            LedgerEntry.created_at < as_of,
        )
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    ).all()
    rows, running = [], opening
    for entry, line, number, channel in found:
        running += entry.amount_minor
        rows.append(
            StatementRow(
                created_at=entry.created_at,
                kind=entry.kind,
                amount=entry.amount_minor,
                balance=running,
                channel=channel,
                order_number=number,
                title=line.title_in(lang) if line is not None else None,
                sku=line.sku if line is not None else None,
                payout_reference=f"PAY-{entry.payout_id:06d}" if entry.payout_id else None,
                memo=entry.memo,
            )
        )
    return Statement(
        artisan_id=artisan_id,
        month=month.replace(day=1),
        opening=opening,
        rows=rows,
        closing=running,
        at_end=balance_of(session, artisan_id, windows, as_of=as_of),
        closed=end <= now,
        as_of=as_of,
    )


def statement_months(
    session: Session, artisan_id: int, *, now: datetime | None = None
) -> list[date]:
    """First days of the months with a statement, newest first: from the first entry to now."""
    first = session.scalar(
        select(func.min(LedgerEntry.created_at)).where(LedgerEntry.artisan_id == artisan_id)
    )
    if first is None:
        return []
    month, last = local_date(first).replace(day=1), local_date(now or utcnow()).replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months[::-1]


def payouts_received(session: Session, artisan_id: int, *, limit: int = 20) -> list[Payout]:
    """An artisan's payouts, newest first (a returned transfer stays listed; see the book)."""
    return list(
        session.scalars(
            select(Payout)
            .where(Payout.artisan_id == artisan_id)
            .order_by(Payout.created_at.desc(), Payout.id.desc())
            .limit(limit)
        )
    )


def previous_month(now: datetime | None = None) -> date:
    """The first day of the last closed month (the centre's calendar)."""
    this_month = local_date(now or utcnow()).replace(day=1)
    return (this_month - timedelta(days=1)).replace(day=1)


def artisans_to_notify(session: Session, month: date) -> list[int]:
    """Artisans with entries in `month` who were not yet told its statement is ready."""
    start, end = local_month_bounds(month)
    told = select(StatementNotice.artisan_id).where(StatementNotice.month == month)
    return list(
        session.scalars(
            select(LedgerEntry.artisan_id)
            .where(
                LedgerEntry.created_at >= start,
                LedgerEntry.created_at < end,
                LedgerEntry.artisan_id.not_in(told),
            )
            .group_by(LedgerEntry.artisan_id)
            .order_by(LedgerEntry.artisan_id)
        )
    )


def record_statement_notice(session: Session, artisan_id: int, month: date) -> StatementNotice:
    """Remember that the artisan was told (unique per artisan and month: a repeat fails)."""
    notice = StatementNotice(artisan_id=artisan_id, month=month)
    session.add(notice)
    session.flush()
    return notice
