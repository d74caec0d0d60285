"""Orders from both channels, their line snapshots and their event trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from urllib.parse import quote

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.extensions import Minor, db
from storefront.i18n import tr
from storefront.timeutil import utcnow


class Channel(StrEnum):
    """Where the sale happened."""

    ONLINE = "online"
    SHOWROOM = "showroom"


class OrderStatus(StrEnum):
    """pending_payment → paid → fulfilled; or → cancelled (hold released) / payment_failed.

    Online orders go on from paid: → preparing → ready_for_pickup → collected (pickup) or
    → preparing → shipped → delivered (shipping); paid or preparing → cancelled with a refund
    (see storefront.fulfilment.services).
    """

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PREPARING = "preparing"
    READY_FOR_PICKUP = "ready_for_pickup"
    COLLECTED = "collected"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    PAYMENT_FAILED = "payment_failed"
    CANCELLED = "cancelled"
    FULFILLED = "fulfilled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class PaymentMethod(StrEnum):
    """How the money came in."""

    STRIPE = "stripe"
    CASH = "cash"
    CARD_TERMINAL = "card_terminal"
    MIXED = "mixed"
    TEST = "test"


class Delivery(StrEnum):
    """Pickup at the showroom, shipping, or handed over at the counter."""

    PICKUP = "pickup"
    SHIP = "ship"
    COUNTER = "counter"


class Order(db.Model):
    """One purchase; it exists (pending_payment) before any money moves."""

    __tablename__ = "orders"
    __table_args__ = (CheckConstraint("total_minor >= 0", name="total_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    # Set when a person must look at the order (e.g. paid after its hold was released).
    attention_reason: Mapped[str | None] = mapped_column(Text)
    # The checkout form's one-time key: a second submit of the same form finds this order.
    checkout_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # True while this order's quantities are out of the products' stock counts.
    stock_taken: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(2), default="fr")
    customer_email: Mapped[str | None] = mapped_column(String(254))
    customer_name: Mapped[str | None] = mapped_column(String(120))
    customer_phone: Mapped[str | None] = mapped_column(String(40))
    delivery: Mapped[str] = mapped_column(String(16), default=Delivery.PICKUP)
    ship_address_line1: Mapped[str | None] = mapped_column(String(200))
    ship_address_line2: Mapped[str | None] = mapped_column(String(200))
    ship_city: Mapped[str | None] = mapped_column(String(100))
    ship_postal_code: Mapped[str | None] = mapped_column(String(20))
    ship_country: Mapped[str | None] = mapped_column(String(2))
    subtotal_minor: Mapped[Minor] = mapped_column(default=0)
    shipping_minor: Mapped[Minor] = mapped_column(default=0)
    discount_minor: Mapped[Minor] = mapped_column(default=0)
    discount_reason: Mapped[str | None] = mapped_column(String(200))
    total_minor: Mapped[Minor] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="mad")
    payment_method: Mapped[str | None] = mapped_column(String(16))
    payment_reference: Mapped[str | None] = mapped_column(String(120))
    register_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("register_sessions.id"), index=True
    )
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hold_expires_at: Mapped[datetime | None] = mapped_column(index=True)
    # Shipping: the carrier staff chose and its tracking number (migration 0013).
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("carriers.id", ondelete="SET NULL"))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    paid_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan"
    )
    carrier: Mapped[Carrier | None] = relationship()

    @property
    def tracking_url(self) -> str | None:
        """The carrier's tracking page for this parcel, when both are known."""
        if self.carrier is None or not self.tracking_number:
            return None
        return self.carrier.tracking_link(self.tracking_number)


class Carrier(db.Model):
    """A carrier staff ship with; its tracking URL pattern holds {number} (migration 0013)."""

    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    tracking_url: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)

    def tracking_link(self, number: str) -> str | None:
        """The pattern with the number put in (URL-quoted), or None without a pattern."""
        if "{number}" not in self.tracking_url:
            return None
        return self.tracking_url.replace("{number}", quote(number.strip(), safe=""))


class OrderLine(db.Model):
    """A snapshot of what was sold, so the order survives later catalog edits."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("refunded_quantity BETWEEN 0 AND quantity", name="refunded_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id"), index=True)
    # The title in the order's language, as the buyer saw it (kept whatever the catalog does).
    title: Mapped[str] = mapped_column(String(200))
    # The piece's title in each language at the moment of sale (null where it had none), and
    # the language its maker wrote it in, for the fallback: see title_in (migration 0009).
    title_ar: Mapped[str | None] = mapped_column(String(200))
    title_fr: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    source_lang: Mapped[str] = mapped_column(String(2), default="ar", server_default="ar")
    sku: Mapped[str] = mapped_column(String(32))
    # The maker's name in Latin script and, when known, in Arabic script (Artisan.name and
    # Artisan.name_ar) at the moment of sale: see maker_in.
    artisan_name: Mapped[str] = mapped_column(String(120))
    artisan_name_ar: Mapped[str | None] = mapped_column(String(120))
    shop_number: Mapped[int]
    craft_slug: Mapped[str] = mapped_column(String(40), default="")
    unit_price_minor: Mapped[Minor]
    quantity: Mapped[int]
    line_total_minor: Mapped[Minor]
    # This line's share of the order's discount; the artisan is credited the rest.
    discount_minor: Mapped[Minor] = mapped_column(default=0)
    commission_bps: Mapped[int]
    refunded_quantity: Mapped[int] = mapped_column(default=0)
    # Units of this line that are out of the product's stock count because of this order: set
    # when stock is taken, lowered when it goes back. A restock returns at most this many, so a
    # line paid late with no stock left (or made to order) can never put phantom pieces back.
    taken_quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    # When staff received the piece from its maker at the desk; None while it is with them.
    at_desk_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def net_minor(self) -> int:
        """What the line brought in after its share of the discount."""
        return self.line_total_minor - self.discount_minor

    def title_in(self, lang: str) -> str:
        """The title as sold, in `lang` (ar|fr|en); else in its maker's language, else any other.

        Lines older than migration 0009 without any may fall back to `title`, the order's own.
        """
        return tr(self, "title", lang) or self.title

    def maker_in(self, lang: str) -> str:
        """The maker's name as sold: Arabic script on Arabic pages when known, else Latin."""
        return (
            self.artisan_name_ar if (lang == "ar" and self.artisan_name_ar) else self.artisan_name
        )


class OrderEvent(db.Model):
    """The order's history: created, paid, refunded, flagged, with who and why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="events")
