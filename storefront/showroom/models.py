"""The showroom's cash drawer: register sessions, counts, payments, cash movements, refunds."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import Minor, db
from storefront.orders.models import Order, OrderLine
from storefront.timeutil import utcnow

# MAD notes and coins a drawer is counted in, in minor units, largest first.
DENOMINATIONS = (20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50)


class SessionStatus(StrEnum):
    """open → closed (counted) → signed_off (locked by a manager)."""

    OPEN = "open"
    CLOSED = "closed"
    SIGNED_OFF = "signed_off"


class CountKind(StrEnum):
    """When the drawer was counted."""

    OPENING = "opening"
    CLOSING = "closing"


class MovementKind(StrEnum):
    """Cash put in or taken out other than by a sale or refund; adjustments follow a sign-off."""

    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"
    ADJUSTMENT = "adjustment"


class TenderMethod(StrEnum):
    """How a showroom customer paid or was refunded."""

    CASH = "cash"
    CARD_TERMINAL = "card_terminal"
    STRIPE = "stripe"
    # An online order paid through the test gateway: nothing to give back, no money moved.
    TEST = "test"


class RegisterSession(db.Model):
    """One register's drawer from opening to closing; one open session per register."""

    __tablename__ = "register_sessions"
    __table_args__ = (
        # At most one open session per register, enforced by the database on both engines.
        Index(
            "uq_register_sessions_one_open",
            "register",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint("float_minor >= 0", name="float_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.OPEN, index=True)
    # The local (Africa/Casablanca) day the session belongs to, for the day's reconciliation.
    business_date: Mapped[date] = mapped_column(index=True)
    float_minor: Mapped[Minor]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    counts: Mapped[list[CashCount]] = relationship(
        back_populates="register_session", order_by="CashCount.id"
    )
    movements: Mapped[list[CashMovement]] = relationship(
        back_populates="register_session", order_by="CashMovement.id"
    )
    payments: Mapped[list[ShowroomPayment]] = relationship(
        back_populates="register_session", order_by="ShowroomPayment.id"
    )
    refunds: Mapped[list[Refund]] = relationship(
        back_populates="register_session", order_by="Refund.id"
    )
    reconciliation: Mapped[Reconciliation | None] = relationship(back_populates="register_session")

    @property
    def is_open(self) -> bool:
        """Whether sales, refunds and cash movements may still be recorded."""
        return self.status == SessionStatus.OPEN


class CashCount(db.Model):
    """The drawer counted note by note and coin by coin, at opening or at closing."""

    __tablename__ = "cash_counts"
    __table_args__ = (
        UniqueConstraint("register_session_id", "kind"),
        CheckConstraint("total_minor >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_session_id: Mapped[int] = mapped_column(ForeignKey("register_sessions.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # {"20000": 3, "50": 4}: how many of each denomination (minor units as keys).
    pieces: Mapped[dict] = mapped_column(JSON)
    total_minor: Mapped[Minor]
    counted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    register_session: Mapped[RegisterSession] = relationship(back_populates="counts")


class CashMovement(db.Model):
    """Cash paid into or out of the drawer with a reason, or a correction after sign-off."""

    __tablename__ = "cash_movements"
    __table_args__ = (CheckConstraint("amount_minor <> 0", name="amount_not_zero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register_session_id: Mapped[int] = mapped_column(ForeignKey("register_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # Signed: positive into the drawer, negative out of it.
    amount_minor: Mapped[Minor]
    reason: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The form's one-time key: the same form sent twice finds this movement, never adds another.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    register_session: Mapped[RegisterSession] = relationship(back_populates="movements")


class ShowroomPayment(db.Model):
    """One tender of a counter sale: cash (with what was handed over) or the card terminal."""

    __tablename__ = "showroom_payments"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("change_minor >= 0", name="change_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    register_session_id: Mapped[int] = mapped_column(ForeignKey("register_sessions.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    # What this tender paid of the order; for cash, tendered − change.
    amount_minor: Mapped[Minor]
    tendered_minor: Mapped[Minor] = mapped_column(default=0)
    change_minor: Mapped[Minor] = mapped_column(default=0)
    reference: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()
    register_session: Mapped[RegisterSession] = relationship(back_populates="payments")


class Refund(db.Model):
    """Money given back for returned pieces: from the drawer, to the card, or through Stripe."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_minor >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    register_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("register_sessions.id"), index=True
    )
    method: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[Minor]
    reason: Mapped[str] = mapped_column(String(200))
    restock: Mapped[bool] = mapped_column(default=False)
    reference: Mapped[str | None] = mapped_column(String(120))
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # Stripe's id of the refund (re_...), unique: whoever records it first books it, so the
    # shop's own booking and Stripe's events about the same refund book it once (0009).
    stripe_refund_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    # Who gave the money back; empty for a refund first learnt of from Stripe's webhook.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    order: Mapped[Order] = relationship()
    register_session: Mapped[RegisterSession | None] = relationship(back_populates="refunds")
    lines: Mapped[list[RefundLine]] = relationship(
        back_populates="refund", order_by="RefundLine.id", cascade="all, delete-orphan"
    )


class RefundLine(db.Model):
    """How many units of one order line a refund gave back, and for how much."""

    __tablename__ = "refund_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    quantity: Mapped[int]
    amount_minor: Mapped[Minor]

    refund: Mapped[Refund] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class Reconciliation(db.Model):
    """A session's closing: expected against counted cash and card, and the manager's sign-off.

    Expected and difference are stored at closing, so later reading never recomputes history.
    """

    __tablename__ = "reconciliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    register_session_id: Mapped[int] = mapped_column(
        ForeignKey("register_sessions.id"), unique=True
    )
    expected_cash_minor: Mapped[Minor]
    counted_cash_minor: Mapped[Minor]
    cash_difference_minor: Mapped[Minor]
    expected_card_minor: Mapped[Minor]
    card_batch_total_minor: Mapped[Minor]
    card_batch_reference: Mapped[str] = mapped_column(String(120), default="")
    card_difference_minor: Mapped[Minor]
    note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sign_off_note: Mapped[str] = mapped_column(Text, default="")

    register_session: Mapped[RegisterSession] = relationship(back_populates="reconciliation")
