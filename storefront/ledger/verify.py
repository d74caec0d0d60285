"""`storefront ledger verify`: the book must equal the orders, refunds and payouts.

Checks, each difference reported as one line of text:

- every line of a paid order has exactly one sale entry of its net and one commission entry
  of −bps_of(net, rate), and no line of an unpaid order has any entry;
- every refunded unit is reversed: a line's sale and refund entries add up to what still
  stands of it, and its commission entries to the commission that still stands
  (net_of_refunds, the cumulative rounding rule of ledger/services.py);
- every payout has one payout entry of −amount, a reversal only if it was a transfer, and of
  +amount; no entry names a payout of another artisan;
- each artisan's balance (the sum of their entries) equals what their paid lines still
  stand at, less payouts, plus returned transfers and adjustments without a line.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.orders.models import Order, OrderLine

from .models import EntryKind, LedgerEntry, Payout, PayoutMethod
from .services import commission_for, net_of_refunds


def _line_sums(session: Session) -> dict[int, dict[str, tuple[int, int]]]:
    """order_line_id -> kind -> (count, sum) over the book."""
    sums: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for line_id, kind, count, total in session.execute(
        select(
            LedgerEntry.order_line_id,
            LedgerEntry.kind,
            func.count(),
            func.sum(LedgerEntry.amount_minor),
        )
        .where(LedgerEntry.order_line_id.is_not(None))
        .group_by(LedgerEntry.order_line_id, LedgerEntry.kind)
    ):
        sums[line_id][kind] = (int(count), int(total or 0))
    return sums


def _check_lines(session: Session, problems: list[str]) -> dict[int, int]:
    """Check each order line against its entries; returns artisan_id -> what its lines stand at."""
    sums = _line_sums(session)
    standing: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(OrderLine, Order.number, Order.paid_at).join(Order, Order.id == OrderLine.order_id)
    )
    for line, number, paid_at in rows:
        found = sums.pop(line.id, {})
        if paid_at is None:
            if found:
                problems.append(f"{number} line {line.id}: entries for an order never paid")
            continue
        sales = found.get(EntryKind.SALE, (0, 0))
        if sales != (1, line.net_minor):
            problems.append(
                f"{number} line {line.id}: sale entries {sales[0]} of {sales[1]}, "
                f"expected 1 of {line.net_minor}"
            )
        sale_left, commission_left = net_of_refunds(line)
        refunds = found.get(EntryKind.REFUND, (0, 0))[1]
        if sales[1] + refunds != sale_left:
            problems.append(
                f"{number} line {line.id}: {line.refunded_quantity} refunded, sale and refunds "
                f"sum to {sales[1] + refunds}, expected {sale_left}"
            )
        commissions = found.get(EntryKind.COMMISSION, (0, 0))[1]
        if commissions != -commission_left:
            problems.append(
                f"{number} line {line.id}: commission entries sum to {commissions}, expected "
                f"{-commission_left} (commission {commission_for(line)})"
            )
        others = set(found) - {EntryKind.SALE, EntryKind.REFUND, EntryKind.COMMISSION}
        if others:
            problems.append(f"{number} line {line.id}: unexpected entries {sorted(others)}")
        standing[line.artisan_id] += sale_left - commission_left
    for line_id in sums:
        problems.append(f"line {line_id}: entries for an order line that does not exist")
    return standing


def _check_payouts(session: Session, problems: list[str]) -> dict[int, int]:
    """Check every payout against its entries; returns artisan_id -> net paid out."""
    entries: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.payout_id.is_not(None))):
        entries[entry.payout_id].append(entry)
    paid: dict[int, int] = defaultdict(int)
    for payout in session.scalars(select(Payout).order_by(Payout.id)):
        mine = entries.pop(payout.id, [])
        kinds = sorted((e.kind, e.amount_minor, e.artisan_id) for e in mine)
        expected = [(EntryKind.PAYOUT.value, -payout.amount_minor, payout.artisan_id)]
        returned = [e for e in mine if e.kind == EntryKind.ADJUSTMENT]
        if returned:
            expected.insert(0, (EntryKind.ADJUSTMENT.value, payout.amount_minor, payout.artisan_id))
            if payout.method != PayoutMethod.TRANSFER:
                problems.append(f"{payout.reference}: a cash payout booked as returned")
        if kinds != sorted(expected):
            problems.append(f"{payout.reference}: entries {kinds}, expected {sorted(expected)}")
        paid[payout.artisan_id] += payout.amount_minor - (payout.amount_minor if returned else 0)
    for payout_id in entries:
        problems.append(f"payout {payout_id}: entries for a payout that does not exist")
    return paid


def verify_book(session: Session) -> list[str]:
    """Every difference between the book and the orders, refunds and payouts; [] when it agrees.

    Reads the whole book (one pass over lines and entries); see the module docstring.
    """
    problems: list[str] = []
    standing = _check_lines(session, problems)
    paid = _check_payouts(session, problems)
    loose = dict(
        session.execute(
            select(LedgerEntry.artisan_id, func.sum(LedgerEntry.amount_minor))
            .where(LedgerEntry.order_line_id.is_(None), LedgerEntry.payout_id.is_(None))
            .group_by(LedgerEntry.artisan_id)
        ).all()
    )
    book = dict(
        session.execute(
            select(LedgerEntry.artisan_id, func.sum(LedgerEntry.amount_minor)).group_by(
                LedgerEntry.artisan_id
            )
        ).all()
    )
    for artisan_id in sorted(set(book) | set(standing) | set(paid)):
        expected = standing.get(artisan_id, 0) - paid.get(artisan_id, 0)
        expected += int(loose.get(artisan_id) or 0)
        actual = int(book.get(artisan_id) or 0)
        if actual != expected:
            problems.append(
                f"artisan {artisan_id}: the book sums to {actual}, the orders and payouts to "
                f"{expected}"
            )
    return problems
