"""What the printed papers say: the address label in Latin script and the customs declaration.

A parcel leaving Morocco carries a CN22, or a CN23 when its contents are worth more than the
CN22's limit (the Universal Postal Union's 300 SDR, about 3,700 MAD; CN22_MAX_VALUE_MINOR).
Each item gives its description (in French or English, Latin script), the HS tariff number kept
per craft, the quantity, the net weight (the listing's weight per piece × quantity) and its
value in MAD (what the buyer paid for it, net of discount), origin Morocco; the sender is the
centre (storefront.centre.details).
"""

from __future__ import annotations

from dataclasses import dataclass

from anyascii import anyascii
from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.catalog.models import Craft, Product
from storefront.centre.details import COUNTRY, Centre, centre_details
from storefront.orders.models import Delivery, Order

from .services import open_lines

# 300 SDR at about 12.4 MAD each (2025), rounded down to whole hundreds of MAD.
CN22_MAX_VALUE_MINOR = 3_700_00


# Latin-1 and Latin Extended-A and B: letters the post reads as they are (é, ç, ñ, ł...).
LATIN_END = 0x250


def latin(text: str | None) -> str:
    """Text in Latin script for the post: other scripts (Arabic, Tifinagh, Cyrillic...) are
    transliterated by anyascii, Latin letters with their accents are kept."""
    chars = (c if ord(c) < LATIN_END else anyascii(c) for c in text or "")
    return " ".join("".join(chars).split())


def country_name(code: str | None, lang: str = "fr") -> str:
    """A country's name in capitals, as the post writes it (French by default)."""
    if not code:
        return ""
    return str(Locale.parse(lang).territories.get(code.upper(), code)).upper()


@dataclass(frozen=True)
class AddressLabel:
    """The addressee and the sender, every line in Latin script."""

    to_lines: list[str]
    from_lines: list[str]
    order_number: str
    phone: str


def address_label(order: Order) -> AddressLabel:
    """The label of a shipping order; raises ValueError for a pickup order."""
    if order.delivery != Delivery.SHIP:
        raise ValueError("only shipping orders have an address label")
    town = " ".join(p for p in (latin(order.ship_postal_code), latin(order.ship_city).upper()) if p)
    to_lines = [
        latin(order.customer_name),
        latin(order.ship_address_line1),
        latin(order.ship_address_line2),
        town,
        country_name(order.ship_country),
    ]
    centre = centre_details()
    return AddressLabel(
        to_lines=[line for line in to_lines if line],
        from_lines=[centre.name, *centre.address_lines],
        order_number=order.number,
        phone=latin(order.customer_phone),
    )


@dataclass(frozen=True)
class CustomsItem:
    """One line of contents on the declaration."""

    description: str
    hs_code: str
    quantity: int
    net_weight_grams: int | None
    value_minor: int
    origin: str = COUNTRY


@dataclass(frozen=True)
class CustomsForm:
    """A CN22 or CN23 for one parcel."""

    form: str
    items: list[CustomsItem]
    total_weight_grams: int
    weight_known: bool
    total_value_minor: int
    postage_minor: int
    sender: Centre
    addressee: AddressLabel
    currency: str = "MAD"


def leaves_morocco(order: Order) -> bool:
    """True for a shipping order to another country: it needs a customs declaration."""
    return order.delivery == Delivery.SHIP and (order.ship_country or COUNTRY) != COUNTRY


def customs_form(session: Session, order: Order, *, lang: str = "fr") -> CustomsForm | None:
    """The declaration of a parcel leaving Morocco (None for one that stays, or for pickup).

    Values are integer minor units (MAD); a line refunded in part declares the units left and
    their share of what was paid, rounded down to the centime. Weights are grams; a line whose
    listing was deleted has no weight (weight_known is then False). `lang` (fr|en) chooses the
    description's language; other languages read French.
    """
    if not leaves_morocco(order):
        return None
    lang = lang if lang in ("fr", "en") else "fr"
    lines = open_lines(order)
    product_ids = {ln.product_id for ln in lines if ln.product_id is not None}
    weights = dict(
        session.execute(
            select(Product.id, Product.weight_grams).where(Product.id.in_(product_ids))
        ).all()
    )
    codes = dict(
        session.execute(
            select(Craft.slug, Craft.hs_code).where(Craft.slug.in_({ln.craft_slug for ln in lines}))
        ).all()
    )
    items = []
    for line in lines:
        units = line.quantity - line.refunded_quantity
        weight = weights.get(line.product_id)
        items.append(
            CustomsItem(
                description=latin(line.title_in(lang))[:120],
                hs_code=codes.get(line.craft_slug) or "",
                quantity=units,
                net_weight_grams=weight * units if weight is not None else None,
                value_minor=line.net_minor * units // line.quantity,
            )
        )
    total_value = sum(item.value_minor for item in items)
    return CustomsForm(
        form="CN23" if total_value > CN22_MAX_VALUE_MINOR else "CN22",
        items=items,
        total_weight_grams=sum(item.net_weight_grams or 0 for item in items),
        weight_known=all(item.net_weight_grams is not None for item in items),
        total_value_minor=total_value,
        postage_minor=order.shipping_minor,
        sender=centre_details(),
        addressee=address_label(order),
    )
