"""The point of sale: scan or search, adjust the basket, take payment."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront.accounts.access import staff_required
from storefront.accounts.models import Role
from storefront.catalog.models import ProductStatus
from storefront.errors import DomainError
from storefront.extensions import db
from storefront.i18n import LANGUAGES, current_lang
from storefront.inputs import parse_int

from .. import services
from ..forms import FormErrors, parse_money, parse_text
from .common import (
    MAX_QUANTITY,
    add_to_basket,
    basket_lines,
    bp,
    choose_register,
    chosen_register,
    current_register_session,
    registers,
    save_basket,
)


def _render(errors: FormErrors | None = None, status: int = 200, results=None):
    return render_template(
        "showroom/pos.html",
        rs=current_register_session(),
        register=chosen_register(),
        registers=registers(),
        quote=services.quote_basket(db.session, basket_lines()),
        results=results,
        query=request.args.get("q", "")[:100],
        errors=errors or FormErrors(),
        approval_pct=services.DISCOUNT_APPROVAL_BPS // 100,
        languages=LANGUAGES,
        receipt_lang=request.form.get("receipt_lang") or current_lang(),
        is_manager=current_user.role == Role.ADMIN,
    ), status


@bp.get("/pos")
@staff_required
def pos():
    """The sale being rung up, the scan box, search results and the payment form."""
    if (register := parse_int(request.args.get("register"))) is not None:
        choose_register(register)
    query = request.args.get("q", "").strip()[:100]
    results = services.search_products(db.session, query) if query else None
    return _render(results=results)


@bp.post("/pos/scan")
@staff_required
def scan():
    """Add the piece whose SKU or label address the scanner typed (Enter submits)."""
    code = (request.form.get("code") or "").strip()[:300]
    product = services.find_by_scan(db.session, code)
    errors = FormErrors()
    if product is None:
        errors["code"] = _("Nothing matches “%(code)s”. Try the search.", code=code[:60])
    elif product.status != ProductStatus.ACTIVE:
        errors["code"] = _("“%(sku)s” is not on sale.", sku=product.sku)
    if errors:
        return _render(errors, 404 if product is None else 409)
    add_to_basket(product.id)
    flash(_("Added %(sku)s.", sku=product.sku), "success")
    return redirect(url_for(".pos"))


@bp.post("/pos/add/<int:product_id>")
@staff_required
def add(product_id: int):
    """Add a piece chosen from the search results."""
    add_to_basket(product_id)
    return redirect(url_for(".pos"))


@bp.post("/pos/basket")
@staff_required
def update_basket():
    """Change quantities (0 or the remove button drops a line), or empty the basket."""
    if request.form.get("action") == "clear":
        save_basket([])
        return redirect(url_for(".pos"))
    remove = parse_int(request.form.get("remove"), low=1)
    lines = []
    for pid, qty in basket_lines():
        quantity = parse_int(request.form.get(f"qty_{pid}"), high=MAX_QUANTITY)
        if quantity is None:
            quantity = qty
        if pid != remove:
            lines.append((pid, quantity))
    save_basket(lines)
    return redirect(url_for(".pos") + "#basket")


@bp.post("/pos/checkout")
@staff_required
def checkout():
    """Take payment for the basket: the sale is recorded, the basket emptied, the receipt shown."""
    rs = current_register_session()
    errors = FormErrors()
    if rs is None:
        errors["form"] = _("Open the register before selling.")
    lines = basket_lines()
    if not lines:
        errors["form"] = _("The basket is empty. Scan a label or search for a piece.")
    form = request.form
    method = form.get("method", "cash")
    discount = parse_money(form, "discount", errors)
    reason = parse_text(form, "discount_reason", errors)
    cash = parse_money(form, "cash_tendered", errors, required=method == "cash")
    card = parse_money(form, "card_amount", errors, required=method == "mixed")
    reference = parse_text(
        form, "card_reference", errors, required=method != "cash", max_length=120
    )
    if method == "card_terminal":
        cash, card = 0, services.quote_basket(db.session, lines).subtotal - discount
    elif method == "cash":
        card = 0
    lang = form.get("receipt_lang") if form.get("receipt_lang") in LANGUAGES else current_lang()
    if errors:
        return _render(errors, 422)
    try:
        approver = None
        if form.get("approver_email"):
            approver = services.approve_discount(
                db.session, email=form["approver_email"][:254],
                password=form.get("approver_password", "")[:200],
            )  # fmt: skip
        order = services.record_showroom_sale(
            db.session, rs, lines=lines,
            tender=services.Tender(cash_tendered=cash, card_amount=card, card_reference=reference),
            staff=current_user, discount_minor=discount, discount_reason=reason,
            approver=approver, locale=lang,
            default_commission_bps=current_app.config.get("DEFAULT_COMMISSION_BPS", 1000),
        )  # fmt: skip
    except DomainError as exc:
        db.session.rollback()
        errors["form"] = exc.message
        return _render(errors, exc.status_code)
    db.session.commit()
    save_basket([])
    return redirect(url_for(".receipt", number=order.number, new=1))
