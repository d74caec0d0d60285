"""The artisans' book: append-only signed entries; a balance is their sum."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import Minor, db
from storefront.timeutil import utcnow


class EntryKind(StrEnum):
    """Sale credits the artisan; commission, refund and payout debit them."""

    SALE = "sale"
    COMMISSION = "commission"
    REFUND = "refund"
    PAYOUT = "payout"
    ADJUSTMENT = "adjustment"


class LedgerEntry(db.Model):
    """One signed movement of what the centre owes an artisan. Never updated or deleted."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_artisan_created", "artisan_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    # Positive: the centre owes the artisan more. Negative: less.
    amount_minor: Mapped[Minor]
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id", ondelete="SET NULL"), index=True
    )
    # Links to a refund or payout record, once those tables exist.
    refund_id: Mapped[int | None]
    payout_id: Mapped[int | None]
    memo: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
