"""Crafts (categories), products and their images."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from storefront.artisans.models import Artisan
from storefront.extensions import Minor, db
from storefront.money import MINOR_PER_UNIT
from storefront.timeutil import utcnow


class Craft(db.Model):
    """A craft of the region: pottery, leather, silver jewellery, and so on."""

    __tablename__ = "crafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="productive")
    name_ar: Mapped[str] = mapped_column(String(80))
    name_fr: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    # A CSS colour token for the zone map legend (one of a fixed palette).
    colour: Mapped[str] = mapped_column(String(16), default="c0")
    position: Mapped[int] = mapped_column(default=0)
    # The Harmonized System tariff number customs forms give this craft's pieces (CN22/CN23).
    hs_code: Mapped[str | None] = mapped_column(String(12))
    source_lang = "fr"

    def __repr__(self) -> str:
        return f"<Craft {self.slug}>"


class ProductStatus(StrEnum):
    """Life of a listing: drafted by its artisan, reviewed by staff, then live or not."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    ACTIVE = "active"
    ARCHIVED = "archived"
    REJECTED = "rejected"


# The largest price a listing may have, 10,000,000.00 MAD: far above the dearest carpet, and
# low enough that a full order line of them (MAX_STOCK pieces) stays far inside BIGINT.
MAX_PRICE_MINOR = 10_000_000 * MINOR_PER_UNIT
# The most pieces one listing may hold in stock, so the most one order line can sell.
MAX_STOCK = 10_000
# The heaviest parcel a listing or a shipping rate may name, in grams (100 kg).
MAX_WEIGHT_GRAMS = 100_000


class Product(db.Model):
    """A piece (or a made-to-order model) listed by one artisan."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        Index("ix_products_status_created", "status", "created_at"),
        Index("ix_products_status_price", "status", "price_minor"),
        Index("ix_products_status_craft", "status", "craft_id"),
        Index("ix_products_status_featured_created", "status", "featured", "created_at"),
        Index("ix_products_artisan_status_created", "artisan_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id"), index=True)
    craft_id: Mapped[int] = mapped_column(ForeignKey("crafts.id"), index=True)
    source_lang: Mapped[str] = mapped_column(String(2), default="ar")
    title_ar: Mapped[str | None] = mapped_column(String(200))
    title_fr: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_ar: Mapped[str | None] = mapped_column(Text)
    description_fr: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    materials_ar: Mapped[str | None] = mapped_column(String(200))
    materials_fr: Mapped[str | None] = mapped_column(String(200))
    materials_en: Mapped[str | None] = mapped_column(String(200))
    dimensions: Mapped[str | None] = mapped_column(String(80))
    price_minor: Mapped[Minor]
    stock: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=ProductStatus.DRAFT, index=True)
    made_to_order: Mapped[bool] = mapped_column(default=False)
    lead_days: Mapped[int | None]
    weight_grams: Mapped[int] = mapped_column(default=500)
    featured: Mapped[bool] = mapped_column(default=False)
    # Every language's title and description plus the maker's names, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    # Loaded with the piece's page (catalog.cards.held_by_payment): stock held by an unpaid order.
    held: Mapped[bool | None] = query_expression()

    artisan: Mapped[Artisan] = relationship()
    craft: Mapped[Craft] = relationship()
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product",
        order_by="ProductImage.position",
        cascade="all, delete-orphan",
    )
    # What the public sees: approved photos only.
    public_images: Mapped[list[ProductImage]] = relationship(
        primaryjoin="and_(ProductImage.product_id == Product.id, ProductImage.approved)",
        order_by="ProductImage.position",
        viewonly=True,
    )

    @property
    def available(self) -> bool:
        """Whether a buyer can order it now: in stock, or made to order."""
        return self.status == ProductStatus.ACTIVE and (self.stock > 0 or self.made_to_order)

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


class ProductImage(db.Model):
    """One photo of a product; files are `<key>-<width>.<webp|jpg>` under MEDIA_ROOT."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # Content hash of the re-encoded original: names are stable and cache forever.
    key: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    # Comma-separated widths of the stored variants, ascending, e.g. "320,800,1600".
    widths: Mapped[str] = mapped_column(String(40))
    alt: Mapped[str | None] = mapped_column(String(200))
    # Photos added to a live listing wait for review before the public sees them.
    approved: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")

    @property
    def variant_widths(self) -> list[int]:
        """The stored widths, smallest first."""
        return [int(w) for w in self.widths.split(",") if w]


class CatalogChange(db.Model):
    """One row per change to what public pages show, naming the piece, maker and shop touched.

    Rows are added by database triggers on products, product_images, artisans, shops and
    crafts (migrations 0001, 0010, 0015), so every writer, including guarded stock updates, is
    covered. No foreign keys: a row outlives what it names. A row naming nothing (a craft
    changed) concerns every page. See storefront.pagecache for which pages each row drops.
    """

    __tablename__ = "catalog_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int | None]
    artisan_id: Mapped[int | None]
    shop_id: Mapped[int | None]


class ListingEdit(db.Model):
    """Text changes an artisan proposed for a live listing; the public sees them once approved."""

    __tablename__ = "listing_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    # JSON object of field name to proposed value (titles, descriptions, materials).
    fields: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship()
