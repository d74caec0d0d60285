"""Product cards: what a list of pieces shows, read as plain rows in two queries.

The lists (home, catalog, a maker's and a shop's pieces, "more by") are the shop's most
rendered pages. A card shows a piece's title, maker, shop number, price, stock band and first
photo, so the lists read just those columns, without building ORM objects, and each card
carries its photo's `srcset` strings ready for the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, bindparam, column, select, table
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan, Shop
from storefront.i18n import LANGUAGES

from .models import Product, ProductImage, ProductStatus

# Read by name, not imported: orders sit above catalog (DESIGN.md, layers import downwards).
_orders = table("orders", column("id"), column("status"))
_lines = table("order_lines", column("order_id"), column("product_id"), column("taken_quantity"))


def held_by_payment() -> ColumnElement[bool]:
    """Whether some of a piece's stock is held by an order waiting for its payment."""
    return (
        select(_lines.c.product_id)
        .join(_orders, _orders.c.id == _lines.c.order_id)
        .where(
            _lines.c.product_id == Product.id,
            _lines.c.taken_quantity > 0,
            _orders.c.status == "pending_payment",
        )
        .exists()
    )


# The columns a card shows, beside its photo; `where`, order and limit are the caller's.
CARD_COLUMNS = (
    Product.id,
    Product.slug,
    Product.source_lang,
    Product.title_ar,
    Product.title_fr,
    Product.title_en,
    Product.price_minor,
    Product.stock,
    Product.status,
    Product.made_to_order,
    Product.lead_days,
    held_by_payment().label("held"),
    Artisan.name.label("maker_name"),
    Artisan.name_ar.label("maker_name_ar"),
    Shop.number.label("shop_number"),
)

# The first approved photo of each piece, in the pieces' order.
FIRST_PHOTOS = (
    select(
        ProductImage.product_id,
        ProductImage.key,
        ProductImage.width,
        ProductImage.height,
        ProductImage.widths,
        ProductImage.alt,
    )
    .where(
        ProductImage.product_id.in_(bindparam("ids", expanding=True)),
        ProductImage.approved.is_(True),
    )
    .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
)


def card_rows() -> Select:
    """SELECT of the card columns over products, their makers and shops."""
    return (
        select(*CARD_COLUMNS)
        .join(Artisan, Product.artisan_id == Artisan.id)
        .join(Shop, Artisan.shop_id == Shop.id)
    )


@dataclass(frozen=True, slots=True)
class CardPhoto:
    """A card's photo: its variants' srcset strings under `base` (the media URL of its key).

    `widths` is empty while the worker has not made the sizes yet.
    """

    base: str
    width: int
    height: int
    alt: str
    widths: tuple[int, ...]
    webp_srcset: str
    jpg_srcset: str
    src: str

    @classmethod
    def of(cls, media_base: str, key: str, width: int, height: int, widths: str, alt: str | None):
        """Build from an image row; `media_base` is the public URL of products/ (ends in /)."""
        base = f"{media_base}{key}"
        sizes = tuple(int(w) for w in widths.split(",") if w)
        webp = ", ".join(f"{base}-{w}.webp {w}w" for w in sizes)
        jpg = ", ".join(f"{base}-{w}.jpg {w}w" for w in sizes)
        src = f"{base}-{sizes[1] if len(sizes) > 1 else sizes[0]}.jpg" if sizes else ""
        return cls(base, width, height, alt or "", sizes, webp, jpg, src)


@dataclass(frozen=True, slots=True)
class Card:
    """One piece as a list shows it, in one language (`title` and `maker` are resolved)."""

    id: int
    slug: str
    title: str
    maker: str
    shop_number: int
    price_minor: int
    stock: int
    status: str
    made_to_order: bool
    lead_days: int | None
    # Stock held by an order waiting for its payment: "Reserved" rather than "Sold out".
    held: bool
    photo: CardPhoto | None

    @property
    def available(self) -> bool:
        """Whether a buyer can order it now (as Product.available)."""
        return self.status == ProductStatus.ACTIVE and (self.stock > 0 or self.made_to_order)


def _title(row, lang: str) -> str:
    # As i18n.tr: the asked language, then the author's own, then any other.
    for code in (lang, row.source_lang or "ar", *LANGUAGES):
        value = getattr(row, f"title_{code}", None)
        if value:
            return value
    return ""


def load_cards(
    session: Session,
    stmt: Select,
    params: dict | None = None,
    *,
    lang: str,
    media_base: str,
) -> list[Card]:
    """Run `stmt` (from `card_rows()`, filtered and ordered) and the photos query: 2 statements.

    params: `stmt`'s bound values; lang: ar|fr|en, the page's language; media_base: the URL
    photos of products/ live under.
    """
    connection = session.connection()
    rows = connection.execute(stmt, params or {}).all()
    if not rows:
        return []
    photos: dict[int, CardPhoto] = {}
    for image in connection.execute(FIRST_PHOTOS, {"ids": [r.id for r in rows]}):
        if image.product_id not in photos:
            photos[image.product_id] = CardPhoto.of(
                media_base, image.key, image.width, image.height, image.widths, image.alt
            )
    return [
        Card(
            id=r.id,
            slug=r.slug,
            title=_title(r, lang),
            maker=r.maker_name_ar if (lang == "ar" and r.maker_name_ar) else r.maker_name,
            shop_number=r.shop_number,
            price_minor=r.price_minor,
            stock=r.stock,
            status=r.status,
            made_to_order=r.made_to_order,
            lead_days=r.lead_days,
            held=bool(r.held),
            photo=photos.get(r.id),
        )
        for r in rows
    ]


def cards_by_ids(session: Session, ids: Sequence[int], *, lang: str, media_base: str) -> list[Card]:
    """Cards for some pieces, in the order of `ids`."""
    if not ids:
        return []
    found = {
        c.id: c
        for c in load_cards(
            session, card_rows().where(Product.id.in_(ids)), lang=lang, media_base=media_base
        )
    }
    return [found[i] for i in ids if i in found]
