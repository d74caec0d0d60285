"""Routes of the orders area: the buyer's order status page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from storefront.errors import NotFound
from storefront.extensions import db

from .models import OrderStatus
from .services import order_by_token

bp = Blueprint("orders", __name__)


@bp.get("/orders/<token>")
def view(token: str):
    """An order's status, lines and totals, reached by its unguessable token."""
    order = order_by_token(db.session, token)
    if order is None:
        raise NotFound(_("We could not find this order."))
    response = render_template(
        "orders/view.html", order=order, pending=order.status == OrderStatus.PENDING_PAYMENT
    )
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
