"""The artisans' book: append-only signed entries (a balance is their sum), and payouts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
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
    __table_args__ = (
        Index("ix_ledger_entries_artisan_created", "artisan_id", "created_at"),
        # One payout entry per payout, and at most one reversal (a returned transfer).
        UniqueConstraint("payout_id", "kind", name="uq_ledger_entries_payout_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    # Positive: the centre owes the artisan more. Negative: less.
    amount_minor: Mapped[Minor]
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id", ondelete="SET NULL"), index=True
    )
    # Links to a refund record, once that table exists.
    refund_id: Mapped[int | None]
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    memo: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PayoutMethod(StrEnum):
    """Cash at the desk (the artisan signs a receipt) or a bank transfer to their RIB."""

    CASH = "cash"
    TRANSFER = "transfer"


class PayoutBatch(db.Model):
    """One payout run by a manager: the artisans paid together, recorded once per form."""

    __tablename__ = "payout_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The run form's one-time key: the same form sent twice records one batch.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class Payout(db.Model):
    """Money handed to an artisan. Never updated or deleted; a returned transfer is an
    adjustment entry in the book that names this payout."""

    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_payouts_artisan_created", "artisan_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payout_batches.id"), index=True)
    amount_minor: Mapped[Minor]
    method: Mapped[str] = mapped_column(String(16))
    # The artisan's bank details as they were when paid (transfers only).
    rib: Mapped[str | None] = mapped_column(String(24))
    beneficiary: Mapped[str] = mapped_column(String(120))
    # The bank's own reference for the transfer, or the receipt number for cash, if any.
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def reference(self) -> str:
        """The payout's number on receipts, bank files and statements: PAY-000042."""
        return f"PAY-{self.id:06d}"


class StatementNotice(db.Model):
    """An artisan was told their statement of a month is ready: once per artisan and month."""

    __tablename__ = "statement_notices"
    __table_args__ = (UniqueConstraint("artisan_id", "month", name="uq_statement_notices_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id"))
    # The month's first day (the centre's calendar).
    month: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
