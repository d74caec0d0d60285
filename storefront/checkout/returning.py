"""A buyer coming back to checkout: the order left waiting for payment, and "try again".

The visitor's signed session keeps two order tokens: the order sent to the payment page (so
the cart and the form can say it is still waiting while its hold is open) and, once, the
order whose details "try again" puts in the next checkout form.
"""

from __future__ import annotations

from flask import session

from storefront.extensions import db
from storefront.orders.models import Order, OrderStatus
from storefront.orders.services import order_by_token
from storefront.timeutil import utcnow

from .forms import CheckoutForm

WAITING_KEY = "waiting_order"
PREFILL_KEY = "checkout_again"


def remember_waiting(order: Order) -> None:
    """Note the order this visitor is about to pay."""
    session[WAITING_KEY] = order.token


def waiting_order() -> Order | None:
    """This visitor's order still waiting for payment with its hold open, or None."""
    token = session.get(WAITING_KEY)
    if not isinstance(token, str):
        return None
    order = order_by_token(db.session, token)
    if order is not None and order.status == OrderStatus.PENDING_PAYMENT:
        if order.hold_expires_at is None or order.hold_expires_at > utcnow():
            return order
    session.pop(WAITING_KEY, None)
    return None


def fill_next_form_from(order: Order) -> None:
    """Have the next checkout form start from this order's details (once)."""
    session[PREFILL_KEY] = order.token


def fill_from_earlier_order(form: CheckoutForm) -> None:
    """Put the remembered order's contact, delivery and address in a fresh form, once."""
    token = session.pop(PREFILL_KEY, None)
    order = order_by_token(db.session, token) if isinstance(token, str) else None
    if order is None:
        return
    form.email.data, form.name.data = order.customer_email, order.customer_name
    form.phone.data = order.customer_phone
    form.delivery.data = order.delivery
    form.line1.data, form.line2.data = order.ship_address_line1, order.ship_address_line2
    form.city.data, form.postal_code.data = order.ship_city, order.ship_postal_code
    form.country.data = order.ship_country or ""
