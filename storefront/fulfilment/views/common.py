"""The fulfilment blueprint and what its views share."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from storefront.errors import NotFound
from storefront.extensions import db
from storefront.orders.models import Channel, Order
from storefront.orders.services import order_by_number

bp = Blueprint("fulfilment", __name__)


def order_or_404(number: str) -> Order:
    """An online order by its public number (any case), or 404."""
    order = order_by_number(db.session, number.upper())
    if order is None or order.channel != Channel.ONLINE:
        raise NotFound(_("We could not find this order."))
    return order
