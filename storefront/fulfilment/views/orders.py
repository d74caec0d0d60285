"""The desk's list of online orders, one order's page and its moves, the scan box, the pick list."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from storefront.accounts.access import staff_required
from storefront.artisans.models import Shop
from storefront.artisans.services import zone_shops
from storefront.artisans.zone import zone_layout
from storefront.checkout.models import PaymentAttempt
from storefront.errors import DomainError, NotFound
from storefront.extensions import db
from storefront.i18n import current_lang
from storefront.jobs import mail_queued
from storefront.orders.models import Carrier, Channel, Order, OrderLine
from storefront.orders.services import order_by_number, order_by_token
from storefront.showroom.forms import errors_of
from storefront.showroom.models import Refund
from storefront.showroom.views.common import stripe_refunder

from .. import desk, papers, services
from ..carriers import active_carriers
from ..forms import ActionForm, CancelForm, DeskFilterForm, ScanForm, ShipForm
from .common import bp, order_or_404


def _desk_page(scan: ScanForm | None = None, *, status: int = 200, error: str | None = None):
    form = DeskFilterForm(request.args)
    filters = desk.DeskFilters(
        state=form.chosen_state(),
        delivery=form.chosen_delivery(),
        overdue=bool(form.overdue.data),
        q=(form.q.data or "")[:120],
    )
    return render_template(
        "fulfilment/index.html",
        rows=desk.desk_orders(db.session, filters),
        form=form,
        filters=filters,
        counts=desk.desk_counts(db.session),
        scan=scan or ScanForm(formdata=None),
        scan_error=error,
    ), status


@bp.get("/staff/orders")
@staff_required
def index():
    """Every paid online order, by state, delivery and "ship by" day, with the scan box."""
    return _desk_page()


def _order_page(order: Order, *, status: int = 200, errors=None, ship=None, cancel=None):
    ship_by, due = desk.order_due_dates(db.session, order)
    attempt = db.session.scalar(
        select(PaymentAttempt)
        .where(PaymentAttempt.order_id == order.id)
        .order_by(PaymentAttempt.id.desc())
        .limit(1)
    )
    refunds = db.session.scalars(select(Refund).where(Refund.order_id == order.id)).all()
    shops = {
        s.number: s
        for s in db.session.scalars(
            select(Shop).where(Shop.number.in_({ln.shop_number for ln in order.lines}))
        )
    }
    carriers = active_carriers(db.session)
    return render_template(
        "fulfilment/order.html",
        order=order,
        ship_by=ship_by,
        due=due,
        shops=shops,
        attempt=attempt,
        refunds=refunds,
        action=ActionForm(),
        ship=ship or ShipForm(formdata=None).with_carriers(carriers),
        cancel=cancel or CancelForm(formdata=None),
        errors=errors or {},
        all_at_desk=services.all_at_desk(order),
        customs=papers.leaves_morocco(order),
    ), status


@bp.get("/staff/orders/<number>")
@staff_required
def order(number: str):
    """One order: its lines with maker, shop and where each piece is, address, events, payment."""
    return _order_page(order_or_404(number))


def _done(order: Order, message: str, *, mailed: bool = True):
    db.session.commit()
    if mailed:
        mail_queued()
    flash(message, "success")
    return redirect(url_for(".order", number=order.number), code=303)


def _refused(order: Order, exc: DomainError, **forms):
    db.session.rollback()
    db.session.refresh(order)
    return _order_page(order, status=exc.status_code, errors={"form": exc.message}, **forms)


def _checked(form) -> None:
    if not form.validate():
        raise DomainError(
            next(iter(errors_of(form).values()), _("Some of what you sent is not valid."))
        )


@bp.post("/staff/orders/<number>/lines/<int:line_id>/receive")
@staff_required
def receive(number: str, line_id: int):
    """Mark a piece received at the desk from its maker."""
    order = order_or_404(number)
    line = db.session.get(OrderLine, line_id)
    if line is None or line.order_id != order.id:
        raise NotFound(_("We could not find this order."))
    try:
        _checked(ActionForm())
        services.receive_piece(db.session, order, line, user=current_user)
    except DomainError as exc:
        return _refused(order, exc)
    return _done(order, _("Received at the desk: %(sku)s.", sku=line.sku), mailed=False)


def _move(number: str, move, said) -> object:
    """A move that needs only the staff member's say-so (ActionForm): ready, collect, deliver.

    move(session, order, user=...) is the service; said(order) is the flash message.
    """
    order = order_or_404(number)
    try:
        _checked(ActionForm())
        move(db.session, order, user=current_user)
    except DomainError as exc:
        return _refused(order, exc)
    return _done(order, said(order))


@bp.post("/staff/orders/<number>/ready")
@staff_required
def ready(number: str):
    """Mark a pickup order ready at the desk; the buyer is mailed the hours and a map."""
    return _move(
        number, services.mark_ready, lambda _order: _("Ready for pickup; the buyer has been told.")
    )


@bp.post("/staff/orders/<number>/ship")
@staff_required
def ship(number: str):
    """Mark a parcel shipped with its carrier and tracking number; the buyer gets the link."""
    order = order_or_404(number)
    form = ShipForm().with_carriers(active_carriers(db.session))
    try:
        _checked(form)
        carrier = db.session.get(Carrier, form.carrier_id.data)
        services.mark_shipped(
            db.session,
            order,
            carrier=carrier,
            tracking_number=form.tracking_number.data,
            user=current_user,
        )
    except DomainError as exc:
        return _refused(order, exc, ship=form)
    return _done(order, _("Shipped; the buyer has the tracking link."))


@bp.post("/staff/orders/<number>/collect")
@staff_required
def collect(number: str):
    """Hand a pickup order over at the desk."""
    return _move(
        number,
        services.mark_collected,
        lambda order: _("Order %(number)s handed over.", number=order.number),
    )


@bp.post("/staff/orders/<number>/deliver")
@staff_required
def deliver(number: str):
    """Record that the carrier delivered the parcel."""
    return _move(number, services.mark_delivered, lambda _order: _("Marked delivered."))


@bp.post("/staff/orders/<number>/cancel")
@staff_required
def cancel(number: str):
    """Cancel a paid order not yet handed over: refunded through its gateway and restocked."""
    order = order_or_404(number)
    form = CancelForm()
    try:
        _checked(form)
        services.cancel_order(
            db.session,
            order,
            user=current_user,
            reason=form.reason.data,
            stripe_refunder=stripe_refunder(),
        )
    except DomainError as exc:
        return _refused(order, exc, cancel=form)
    return _done(order, _("Order cancelled and refunded."))


def _scanned_order(code: str) -> Order | None:
    """The order a scan names: its status page's address (the QR code) or its number."""
    path = urlsplit(code).path if "/" in code else ""
    if "/orders/" in path:
        return order_by_token(db.session, path.rsplit("/orders/", 1)[1].strip("/"))
    found = order_by_number(db.session, code.upper())
    return found if found is not None and found.channel == Channel.ONLINE else None


@bp.post("/staff/orders/scan")
@staff_required
def scan():
    """What the scanner typed: a ready pickup order is handed over, any other is opened.

    An empty or overlong scan answers 422 and a code that names no online order 404, both on
    the desk's page with the scan box ready for the next try.
    """
    form = ScanForm()
    if not form.validate():
        return _desk_page(form, status=422, error=next(iter(errors_of(form).values())))
    order = _scanned_order(form.code.data)
    if order is None:
        message = _("No online order has this code: %(code)s", code=form.code.data[:60])
        return _desk_page(form, status=404, error=message)
    if order.status != "ready_for_pickup":
        flash(_("Order %(number)s is not waiting at the desk.", number=order.number), "warning")
        return redirect(url_for(".order", number=order.number), code=303)
    try:
        services.mark_collected(db.session, order, user=current_user)
    except DomainError as exc:
        return _refused(order, exc)
    return _done(order, _("Order %(number)s handed over.", number=order.number))


@bp.get("/staff/orders/pick-list")
@staff_required
def pick_list():
    """The pieces to fetch from their makers, shop by shop along the zone, and on its map."""
    stops = desk.pick_list(db.session)
    return render_template(
        "fulfilment/pick_list.html",
        stops=stops,
        layout=zone_layout(zone_shops(db.session), current_lang()),
        visit=[stop.number for stop in stops],
    )
