"""Receipts (printable, reprintable, in the customer's language) and returns at the counter."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from storefront.accounts.access import staff_required
from storefront.errors import DomainError
from storefront.extensions import db
from storefront.i18n import LANGUAGES
from storefront.orders.models import Order

from .. import services
from ..forms import FormErrors, ReceiptLookupForm, RefundForm, errors_of
from ..models import Refund, ShowroomPayment
from .common import bp, current_register_session, order_or_404, order_url, stripe_refunder


@bp.get("/receipts")
@staff_required
def find_receipt():
    """Find a receipt by its number (the order number), to reprint it or take a return."""
    lookup = ReceiptLookupForm(request.args)
    number = lookup.number.data or ""
    if number:
        order = db.session.scalar(select(Order).where(Order.number == number))
        if order is not None:
            return redirect(url_for(".receipt", number=order.number))
        flash(_("No receipt has the number %(n)s.", n=number), "warning")
    recent = db.session.scalars(
        select(Order).where(Order.channel == "showroom").order_by(Order.id.desc()).limit(15)
    ).all()
    return render_template("showroom/receipts.html", recent=recent, number=number)


@bp.get("/receipts/<number>")
@staff_required
def receipt(number: str):
    """The 80 mm receipt in the customer's language (`?in=ar|fr|en` reprints in another)."""
    order = order_or_404(number)
    lang = request.args.get("in") if request.args.get("in") in LANGUAGES else order.locale
    payments = db.session.scalars(
        select(ShowroomPayment).where(ShowroomPayment.order_id == order.id)
    ).all()
    refunds = db.session.scalars(select(Refund).where(Refund.order_id == order.id)).all()
    with force_locale(lang):
        return render_template(
            "showroom/receipt.html",
            order=order,
            payments=payments,
            refunds=refunds,
            change=sum(p.change_minor for p in payments),
            qr=services.qr_svg(order_url(order), title=order.number),
            receipt_lang=lang,
            languages=LANGUAGES,
            new=request.args.get("new") == "1",
        )


@bp.route("/receipts/<number>/return", methods=["GET", "POST"])
@staff_required
def refund(number: str):
    """Pick lines to return, give a reason, restock or not, and refund by the right method."""
    order = order_or_404(number)
    methods = services.refund_methods(db.session, order)
    form = RefundForm.for_order(order, methods)
    errors = FormErrors()
    if form.is_submitted():
        key = form.refund_key.data
        done = services.refund_by_key(db.session, key) if key else None
        if done is not None:
            return redirect(url_for(".receipt", number=order.number))
        errors = errors_of(form) if not form.validate() else errors
        if not errors:
            try:
                services.refund_at_counter(
                    db.session,
                    order,
                    items=form.items(),
                    reason=form.reason.data,
                    restock=form.restock.data,
                    method=form.method.data,
                    user=current_user,
                    register_session=current_register_session(),
                    refund_key=form.refund_key.key(),
                    reference=form.reference.data or "",
                    stripe_refunder=stripe_refunder(),
                )
            except DomainError as exc:
                db.session.rollback()
                errors["form"] = exc.message
            else:
                db.session.commit()
                flash(_("Refund recorded."), "success")
                return redirect(url_for(".receipt", number=order.number))
    return render_template(
        "showroom/refund.html",
        order=order,
        methods=methods,
        form=form,
        errors=errors,
        refund_key=form.refund_key.key(),
        rs=current_register_session(),
    ), (422 if errors else 200)
