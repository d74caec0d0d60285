"""Payment attempts, processed (and failed) Stripe events and the staff-set shipping rates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import Minor, db
from storefront.orders.models import Order
from storefront.timeutil import utcnow


class AttemptStatus(StrEnum):
    """Where one request to a payment gateway stands."""

    CREATING = "creating"
    OPEN = "open"
    COMPLETE = "complete"
    EXPIRED = "expired"
    FAILED = "failed"


class PaymentAttempt(db.Model):
    """One payment session asked of a gateway, with the exact request so a retry is identical."""

    __tablename__ = "payment_attempts"
    __table_args__ = (UniqueConstraint("order_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    gateway: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    # The request's parameters as JSON, sent again unchanged when the attempt is retried.
    params: Mapped[str] = mapped_column(Text, default="{}")
    session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=AttemptStatus.CREATING)
    expires_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship()


class StripeEvent(db.Model):
    """A webhook event already processed; its id is stored first so a repeat is skipped."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class StripeEventFailure(db.Model):
    """A webhook event whose handling raised: kept for staff until it is processed or resolved.

    The webhook's own transaction rolls back on a failure (Stripe sends the event again), so
    this row is written in a transaction of its own; a later delivery that succeeds puts the
    event in stripe_events, and it leaves the attention queue by itself.
    """

    __tablename__ = "stripe_event_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(default=1)
    first_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution_note: Mapped[str | None] = mapped_column(Text)


class ShippingZone(StrEnum):
    """Flat-rate shipping zones."""

    MOROCCO = "morocco"
    EUROPE = "europe"
    WORLD = "world"


class ShippingRate(db.Model):
    """A flat price for parcels up to a weight in one zone, set by the centre's staff."""

    __tablename__ = "shipping_rates"
    __table_args__ = (
        UniqueConstraint("zone", "max_weight_grams"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("max_weight_grams > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(String(16))
    max_weight_grams: Mapped[int]
    price_minor: Mapped[Minor]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
