"""An artisan's sales: one sold line by id (theirs only) and the CSV export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.exports import mad, write_csv
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


def sales_csv(rows: list[SaleRow]) -> str:
    """The rows as CSV through storefront.exports: local paid time, amounts as MAD numbers."""
    return write_csv(
        CSV_COLUMNS,
        (
            (
                r.date,
                r.order_number,
                r.channel,
                r.sku,
                r.title,
                r.quantity,
                r.refunded_quantity,
                mad(r.gross),
                mad(r.commission),
                mad(r.share),
            )
            for r in rows
        ),  # fmt: skip
    )
