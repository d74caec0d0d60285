"""An artisan's sales: one sold line by id (theirs only) and the CSV export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.ledger.services import SaleRow, sale_row
from storefront.orders.models import Order, OrderLine

CSV_COLUMNS = (
    "date",
    "order",
    "channel",
    "sku",
    "title",
    "quantity",
    "refunded",
    "gross_mad",
    "commission_mad",
    "share_mad",
)


def sale_of(session: Session, artisan_id: int, line_id: int, *, lang: str = "fr") -> SaleRow | None:
    """One paid line of the artisan's work, title in `lang`; None when not theirs or not paid."""
    found = session.execute(
        select(OrderLine, Order.paid_at, Order.number, Order.channel)
        .join(Order, OrderLine.order_id == Order.id)
        .where(
            OrderLine.id == line_id,
            OrderLine.artisan_id == artisan_id,
            Order.paid_at.is_not(None),
        )
    ).first()
    if found is None:
        return None
    return sale_row(*found, lang=lang)


def _mad(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    return f"{sign}{minor // 100}.{minor % 100:02d}"


def _cell(text: str) -> str:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def sales_csv(rows: list[SaleRow]) -> str:
    """The rows as CSV with amounts in MAD (dot decimals), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.date.strftime("%Y-%m-%d %H:%M"),
                _cell(r.order_number),
                r.channel,
                _cell(r.sku),
                _cell(r.title),
                r.quantity,
                r.refunded_quantity,
                _mad(r.gross),
                _mad(r.commission),
                _mad(r.share),
            ]
        )
    return out.getvalue()
