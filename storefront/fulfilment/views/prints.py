"""The desk's printed papers: packing slip, address label and customs declaration."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from storefront.accounts.access import staff_required
from storefront.errors import NotFound
from storefront.extensions import db
from storefront.i18n import current_lang
from storefront.orders.models import Order
from storefront.qr import qr_svg
from storefront.urls import public_url

from .. import papers
from .common import bp, order_or_404


def _paper(order: Order, template: str, **context):
    return render_template(template, order=order, **context)


@bp.get("/staff/orders/<number>/packing-slip")
@staff_required
def packing_slip(number: str):
    """The packing slip that goes in the parcel (or the bag), in the staff's language."""
    order = order_or_404(number)
    link = public_url("orders.view", token=order.token)
    return _paper(order, "fulfilment/packing_slip.html", qr=qr_svg(link, title=order.number))


@bp.get("/staff/orders/<number>/label")
@staff_required
def label(number: str):
    """The address label of a shipping order, in Latin script for the post."""
    order = order_or_404(number)
    if order.delivery != "ship":
        raise NotFound(_("This order is collected at the desk: it has no address label."))
    return _paper(order, "fulfilment/label.html", label=papers.address_label(order))


@bp.get("/staff/orders/<number>/customs")
@staff_required
def customs(number: str):
    """The CN22 (or CN23 above its value limit) of a parcel leaving Morocco."""
    order = order_or_404(number)
    form = papers.customs_form(db.session, order, lang=current_lang())
    if form is None:
        raise NotFound(_("This parcel does not leave Morocco: it needs no customs form."))
    return _paper(order, "fulfilment/customs.html", customs=form)
