"""What an artisan is owed, split by when it can be paid: computed from the book, never stored.

Every entry of the book falls in one of three parts:

- *paid*: payout entries (negative) and the reversal of a returned transfer (positive), i.e.
  every entry that names a payout; `paid` is minus their sum, what the artisan received;
- *pending*: entries of an order line whose return window has not ended: a showroom sale for
  RETURN_WINDOW_SHOWROOM_DAYS (7) after it was paid, an online sale for
  RETURN_WINDOW_ONLINE_DAYS (14) after it was handed to its buyer, i.e. the first order event
  "collected" (pickup) or "delivered" (shipping). An online order with neither stays pending.
  A line's refunds and returned commission follow their line, so a sale refunded inside its
  window leaves nothing pending and nothing available;
- *available*: the rest of what was credited (ended windows, adjustments without a line),
  less what was paid.

So available + pending + paid = credited (every entry that names no payout), and available +
pending = the sum of all the artisan's entries. Windows are whole days of 24 hours after the
moment (not calendar days); a window ends at that instant exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, union_all
from sqlalchemy.orm import Session

from storefront.orders.models import Channel, Order, OrderEvent, OrderLine
from storefront.timeutil import utcnow

from .models import LedgerEntry

# Pending orders whose entries one query reads (SQLite allows 32,766 bound values).
PENDING_BATCH = 5000
# The order events that hand an online order to its buyer; its return window starts there.
HANDED_OVER = ("collected", "delivered")


@dataclass(frozen=True)
class ReturnWindows:
    """How long sold money stays pending, in days (settings RETURN_WINDOW_*_DAYS)."""

    online_days: int = 14
    showroom_days: int = 7


@dataclass(frozen=True)
class Balance:
    """An artisan's book in three parts, minor units: see the module docstring."""

    credited: int = 0
    pending: int = 0
    paid: int = 0

    @property
    def available(self) -> int:
        """What may be paid out now (negative when refunds after payment exceed new sales)."""
        return self.credited - self.pending - self.paid

    @property
    def owed(self) -> int:
        """Everything the centre still owes: available + pending, the sum of all entries."""
        return self.credited - self.paid


def handed_by(cut: datetime, as_of: datetime | None = None):
    """SQL truth of "the order (Order) was collected or delivered at or before `cut`".

    An EXISTS over order_events (indexed by order_id); with `as_of`, events recorded from that
    moment on are not known yet.
    """
    stmt = select(OrderEvent.id).where(
        OrderEvent.order_id == Order.id,
        OrderEvent.kind.in_(HANDED_OVER),
        OrderEvent.created_at <= cut,
    )
    if as_of is not None:
        stmt = stmt.where(OrderEvent.created_at < as_of)
    return stmt.exists()


def pending_orders(now: datetime, windows: ReturnWindows, *, as_of: datetime | None = None):
    """SELECT of the ids of orders still inside their return window at `now`.

    A showroom sale paid less than showroom_days before `now`; an online order not collected
    or delivered at least online_days before `now`. Two branches joined by UNION ALL, so each
    uses its own index (orders.paid_at; order_events.order_id) and the planner sees how few
    orders are pending.
    """
    showroom_cut = now - timedelta(days=windows.showroom_days)
    online_cut = now - timedelta(days=windows.online_days)
    return union_all(
        select(Order.id).where(
            Order.channel == Channel.SHOWROOM,
            or_(Order.paid_at.is_(None), Order.paid_at > showroom_cut),
        ),
        select(Order.id).where(Order.channel != Channel.SHOWROOM, ~handed_by(online_cut, as_of)),
    )


def _totals_query(as_of: datetime | None):
    """artisan_id, credited, paid over every entry: one pass over the book, no joins."""
    payout_linked = LedgerEntry.payout_id.is_not(None)
    stmt = select(
        LedgerEntry.artisan_id,
        func.sum(case((payout_linked, 0), else_=LedgerEntry.amount_minor)),
        -func.sum(case((payout_linked, LedgerEntry.amount_minor), else_=0)),
    ).group_by(LedgerEntry.artisan_id)
    if as_of is not None:
        stmt = stmt.where(LedgerEntry.created_at < as_of)
    return stmt


def still_pending(now: datetime, windows: ReturnWindows, *, as_of: datetime | None = None):
    """SQL truth of "this order (Order) is still inside its return window at `now`"."""
    showroom_cut = now - timedelta(days=windows.showroom_days)
    online_cut = now - timedelta(days=windows.online_days)
    return or_(
        and_(
            Order.channel == Channel.SHOWROOM,
            or_(Order.paid_at.is_(None), Order.paid_at > showroom_cut),
        ),
        and_(Order.channel != Channel.SHOWROOM, ~handed_by(online_cut, as_of)),
    )


def _pending_sums(stmt, as_of: datetime | None):
    stmt = stmt.group_by(LedgerEntry.artisan_id)
    if as_of is not None:
        stmt = stmt.where(LedgerEntry.created_at < as_of)
    return stmt


def _pending(
    session: Session, windows: ReturnWindows, as_of: datetime | None, ids: list[int] | None
) -> dict[int, int]:
    """artisan_id -> pending: the entries of lines whose order is still inside its window.

    For some artisans, from their entries (indexed by artisan) to their orders. For all of
    them, the pending orders first (recent showroom sales by paid_at, online orders not handed
    over long enough: few, whatever the size of the book), then their lines' entries by index,
    in batches that stay under SQLite's limit of bound values.
    """
    now = as_of or utcnow()
    total = func.sum(LedgerEntry.amount_minor)
    if ids is not None:
        stmt = _pending_sums(
            select(LedgerEntry.artisan_id, total)
            .join(OrderLine, OrderLine.id == LedgerEntry.order_line_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(LedgerEntry.artisan_id.in_(ids), still_pending(now, windows, as_of=as_of)),
            as_of,
        )
        return {a: int(amount or 0) for a, amount in session.execute(stmt)}
    waiting = list(session.scalars(pending_orders(now, windows, as_of=as_of)))
    found: dict[int, int] = {}
    for start in range(0, len(waiting), PENDING_BATCH):
        stmt = _pending_sums(
            select(LedgerEntry.artisan_id, total)
            .join(OrderLine, OrderLine.id == LedgerEntry.order_line_id)
            .where(OrderLine.order_id.in_(waiting[start : start + PENDING_BATCH])),
            as_of,
        )
        for artisan_id, amount in session.execute(stmt):
            found[artisan_id] = found.get(artisan_id, 0) + int(amount or 0)
    return found


def balances(
    session: Session,
    windows: ReturnWindows,
    *,
    artisan_ids: Iterable[int] | None = None,
    as_of: datetime | None = None,
) -> dict[int, Balance]:
    """Every artisan's Balance (or those of `artisan_ids`), by artisan id.

    With `as_of` (naive UTC) only entries and events before that moment count and windows are
    judged at it: the balance as it stood then, which later entries cannot change. Artisans
    without an entry are absent (their balance is Balance()). Two queries for some artisans;
    for all, two plus one per PENDING_BATCH orders still pending.
    """
    ids = list(artisan_ids) if artisan_ids is not None else None
    totals = _totals_query(as_of)
    if ids is not None:
        totals = totals.where(LedgerEntry.artisan_id.in_(ids))
    waiting = _pending(session, windows, as_of, ids)
    return {
        artisan_id: Balance(int(credited or 0), waiting.get(artisan_id, 0), int(paid or 0))
        for artisan_id, credited, paid in session.execute(totals)
    }


def balance_of(
    session: Session, artisan_id: int, windows: ReturnWindows, *, as_of: datetime | None = None
) -> Balance:
    """One artisan's Balance now (or as it stood at `as_of`)."""
    return balances(session, windows, artisan_ids=[artisan_id], as_of=as_of).get(
        artisan_id, Balance()
    )


def return_windows(config) -> ReturnWindows:
    """The windows of a Flask config (or any mapping with the RETURN_WINDOW_* settings)."""
    return ReturnWindows(
        online_days=int(config["RETURN_WINDOW_ONLINE_DAYS"]),
        showroom_days=int(config["RETURN_WINDOW_SHOWROOM_DAYS"]),
    )
