"""The email outbox: a message is queued in the business transaction and sent afterwards."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import db
from storefront.timeutil import utcnow


class MessageStatus(StrEnum):
    """Pending until sent; failed after the last retry; skipped when there is nobody to tell.

    Dismissed: a failed message that a manager resolved another way (with a note in the audit).
    """

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    DISMISSED = "dismissed"


class MessageKind(StrEnum):
    """Which template renders the message."""

    RECEIPT = "receipt"
    ARTISAN_NOTICE = "artisan_notice"
    ACCOUNT = "account"
    # The buyer's mails as an online order moves on (storefront.fulfilment.services).
    PREPARING = "preparing"
    READY_FOR_PICKUP = "ready_for_pickup"
    SHIPPED = "shipped"
    COLLECTED = "collected"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    CONTACT = "contact"  # a visitor's message from /contact, to the centre


# The fulfilment steps that mail the buyer, each rendered by orders/mail/<kind>.txt.
STEP_KINDS = frozenset(
    {
        MessageKind.PREPARING,
        MessageKind.READY_FOR_PICKUP,
        MessageKind.SHIPPED,
        MessageKind.COLLECTED,
        MessageKind.DELIVERED,
        MessageKind.CANCELLED,
    }
)


class OutboxMessage(db.Model):
    """One email to send; the body is rendered at send time in the recipient's language."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    to_address: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(2), default="fr")
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=MessageStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Account messages (invitations, password resets) are written when queued.
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
