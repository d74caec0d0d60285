"""Routes of the orders area: the buyer's order status page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from storefront.errors import NotFound
from storefront.extensions import db
from storefront.qr import qr_svg
from storefront.urls import public_url

from .models import Channel, OrderStatus
from .services import order_by_token
from .services.timeline import order_timeline

bp = Blueprint("orders", __name__)


@bp.get("/orders/<token>")
def view(token: str):
    """An order's status, lines and totals, reached by its unguessable token."""
    order = order_by_token(db.session, token)
    if order is None:
        raise NotFound(_("We could not find this order."))
    # The code the desk scans when the buyer collects the order (it is this page's address).
    qr = None
    if order.channel == Channel.ONLINE and order.status == OrderStatus.READY_FOR_PICKUP:
        qr = qr_svg(public_url("orders.view", token=order.token), title=order.number)
    response = render_template(
        "orders/view.html",
        order=order,
        pending=order.status == OrderStatus.PENDING_PAYMENT,
        timeline=order_timeline(order) if order.channel == Channel.ONLINE else [],
        qr=qr,
    )
    return response, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
