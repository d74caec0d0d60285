"""Routes of the cart area: view, add, change and remove pieces; works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from storefront.errors import NotFound
from storefront.extensions import db
from storefront.i18n import current_lang
from storefront.urls import safe_next

from . import services
from .forms import AddToCartForm, CartQuantitiesForm

bp = Blueprint("cart", __name__)

CART_KEY = "cart"


def current_cart() -> dict:
    """The visitor's cart dict from the signed session (a copy; save it with save_cart)."""
    cart = session.get(CART_KEY)
    return dict(cart) if isinstance(cart, dict) else {}


def save_cart(cart: dict) -> None:
    """Store the cart back in the session (dropped when empty)."""
    if cart:
        session[CART_KEY] = cart
    else:
        session.pop(CART_KEY, None)


@bp.app_template_global("cart_count")
def cart_count() -> int:
    """How many pieces the header should show; reads the session only."""
    return services.cart_count(session.get(CART_KEY) or {})


@bp.get("/cart")
def view():
    """The cart, reconciled with today's stock and prices."""
    cart = current_cart()
    review = services.review_cart(db.session, cart, current_lang())
    save_cart(cart)
    return render_template("cart/view.html", cart=review)


@bp.post("/cart/add")
def add():
    """Add a piece (quantity defaults to 1) and go back to where the visitor was."""
    cart = current_cart()
    form = AddToCartForm()
    form.validate()
    if form.product_id.errors or form.product_id.data is None:
        raise NotFound(_("This piece is not for sale."))
    message = services.add_to_cart(
        db.session, cart, form.product_id.data, form.pieces(), current_lang()
    )
    save_cart(cart)
    flash(message, "success")
    return redirect(safe_next(form.next.data) or url_for("cart.view"), code=303)


@bp.post("/cart/update")
def update():
    """Change quantities (qty-<product id> fields); 0 removes a piece."""
    cart = current_cart()
    form = CartQuantitiesForm.for_keys(list(cart))
    form.validate()
    for key, quantity in form.quantities().items():
        services.set_quantity(cart, int(key), quantity)
    save_cart(cart)
    flash(_("Your cart was updated."), "success")
    return redirect(url_for("cart.view"), code=303)


@bp.post("/cart/remove/<int:product_id>")
def remove(product_id: int):
    """Take a piece out of the cart."""
    cart = current_cart()
    services.set_quantity(cart, product_id, 0)
    save_cart(cart)
    flash(_("The piece was taken out of your cart."), "success")
    return redirect(url_for("cart.view"), code=303)
