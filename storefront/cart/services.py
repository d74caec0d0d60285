"""The cart: a small dict kept in the visitor's signed session, checked against the catalog.

The cart maps a product id (as text) to {"q": quantity, "p": price seen when added, in minor
units}. Nothing is reserved while a piece sits in a cart; stock is only taken when the order is
placed. Every read reconciles the cart with the catalog and says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from storefront.artisans.models import Artisan
from storefront.catalog.models import Product, ProductStatus
from storefront.errors import DomainError, NotFound
from storefront.i18n import tr
from storefront.inputs import parse_int
from storefront.money import format_money

MAX_PER_LINE = 20


@dataclass
class CartLine:
    """One piece in the cart at today's price."""

    product: Product
    quantity: int
    max_quantity: int

    @property
    def unit_price_minor(self) -> int:
        """Today's price of one piece."""
        return self.product.price_minor

    @property
    def line_total_minor(self) -> int:
        """Price × quantity."""
        return self.product.price_minor * self.quantity


@dataclass
class CartView:
    """The reconciled cart and the changes the visitor must be told about."""

    lines: list[CartLine] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def subtotal_minor(self) -> int:
        """Sum of the lines."""
        return sum(line.line_total_minor for line in self.lines)

    @property
    def count(self) -> int:
        """Number of pieces."""
        return sum(line.quantity for line in self.lines)

    @property
    def weight_grams(self) -> int:
        """Total weight for shipping."""
        return sum(line.product.weight_grams * line.quantity for line in self.lines)

    def order_lines(self) -> list[tuple[int, int]]:
        """(product_id, quantity) pairs for orders.services.create_order."""
        return [(line.product.id, line.quantity) for line in self.lines]


def max_quantity(product: Product) -> int:
    """How many of a piece one cart may hold: its stock (made to order: a fixed cap)."""
    return MAX_PER_LINE if product.made_to_order else min(product.stock, MAX_PER_LINE)


def cart_count(cart: dict) -> int:
    """Number of pieces in a cart dict, without touching the database."""
    total = 0
    for item in (cart or {}).values():
        if isinstance(item, dict) and isinstance(item.get("q"), int):
            total += max(item["q"], 0)
    return total


def _product(session: Session, product_id: int) -> Product | None:
    return session.get(Product, product_id)


def add_to_cart(session: Session, cart: dict, product_id: int, quantity: int, lang: str) -> str:
    """Add pieces to the cart (capped by stock); returns the message to show.

    Raises NotFound for an unknown or unlisted piece and DomainError when none is left.
    """
    product = _product(session, product_id)
    if product is None or product.status != ProductStatus.ACTIVE:
        raise NotFound(_("This piece is not for sale."))
    limit = max_quantity(product)
    if limit <= 0:
        raise DomainError(_("Sorry, this piece is sold out."), status_code=409)
    key = str(product.id)
    current = cart.get(key, {}).get("q", 0) if isinstance(cart.get(key), dict) else 0
    wanted = current + max(quantity, 1)
    cart[key] = {"q": min(wanted, limit), "p": product.price_minor}
    title = tr(product, "title", lang)
    if wanted > limit:
        return _(
            "Only %(num)d of “%(title)s” can be ordered; your cart holds %(num)d.",
            num=limit,
            title=title,
        )
    return _("“%(title)s” is in your cart.", title=title)


def set_quantity(cart: dict, product_id: int, quantity: int) -> None:
    """Change a line's quantity (0 removes it); the next review caps it by stock."""
    key = str(product_id)
    if key not in cart:
        return
    if quantity <= 0:
        cart.pop(key, None)
    else:
        cart[key]["q"] = min(quantity, MAX_PER_LINE)


def review_cart(session: Session, cart: dict, lang: str) -> CartView:
    """Reconcile the cart with the catalog in one query, correcting the dict in place.

    Pieces no longer for sale are removed, quantities above stock are lowered, and new prices
    replace old ones; each change adds a notice so it is shown, not hidden.
    """
    view = CartView()
    for key in list(cart):
        if parse_int(str(key)) is None or not isinstance(cart[key], dict):
            cart.pop(key)
    ids = [int(key) for key in cart]
    products = {
        p.id: p
        for p in session.scalars(
            select(Product)
            .where(Product.id.in_(ids))
            .options(joinedload(Product.artisan).joinedload(Artisan.shop))
        )
    }
    for product_id in ids:
        item = cart[str(product_id)]
        product = products.get(product_id)
        if product is None or product.status != ProductStatus.ACTIVE:
            title = tr(product, "title", lang) if product else _("A piece")
            view.notices.append(
                _("“%(title)s” is no longer available and was taken out of your cart.", title=title)
            )
            cart.pop(str(product_id))
            continue
        title = tr(product, "title", lang)
        limit = max_quantity(product)
        if limit <= 0:
            view.notices.append(
                _("“%(title)s” has just sold out and was taken out of your cart.", title=title)
            )
            cart.pop(str(product_id))
            continue
        quantity = max(int(item.get("q") or 1), 1)
        if quantity > limit:
            view.notices.append(
                _(
                    "Only %(num)d of “%(title)s” are left; your cart now holds %(num)d.",
                    num=limit,
                    title=title,
                )
            )
            quantity = limit
        seen = item.get("p")
        if isinstance(seen, int) and seen != product.price_minor:
            view.notices.append(
                _(
                    "The price of “%(title)s” changed from %(old)s to %(new)s.",
                    title=title,
                    old=format_money(seen, lang),
                    new=format_money(product.price_minor, lang),
                )
            )
        cart[str(product_id)] = {"q": quantity, "p": product.price_minor}
        view.lines.append(CartLine(product=product, quantity=quantity, max_quantity=limit))
    return view


def cart_from_order(order) -> dict:
    """A cart holding an order's pieces again, e.g. after the buyer cancelled the payment."""
    cart: dict = {}
    for line in order.lines:
        if line.product_id is not None:
            cart[str(line.product_id)] = {"q": line.quantity, "p": line.unit_price_minor}
    return cart
