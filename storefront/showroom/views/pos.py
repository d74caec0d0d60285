"""The point of sale: scan or search, adjust the basket, take payment."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from storefront.accounts.access import staff_required
from storefront.accounts.models import Role
from storefront.audit import record_audit
from storefront.catalog.models import ProductStatus
from storefront.errors import DomainError
from storefront.extensions import db, limiter
from storefront.i18n import LANGUAGES
from storefront.inputs import parse_int

from .. import services
from ..forms import BasketForm, FormErrors, PayForm, ScanForm, errors_of
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


def _render(
    pay: PayForm | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    results=None,
    scan: ScanForm | None = None,
):
    pay = pay or PayForm(formdata=None)
    scan = scan or ScanForm(formdata=None)
    shown = errors_of(pay) | errors_of(scan) | (errors or {})
    return render_template(
        "showroom/pos.html",
        rs=current_register_session(),
        register=chosen_register(),
        registers=registers(),
        quote=services.quote_basket(db.session, basket_lines()),
        results=results,
        query=request.args.get("q", "")[:100],
        form=pay,
        scan=scan,
        errors=shown,
        approval_pct=services.DISCOUNT_APPROVAL_BPS // 100,
        languages=LANGUAGES,
        is_manager=current_user.role == Role.ADMIN,
        # A failed submit keeps its key (nothing was recorded under it); a new page gets a new one.
        sale_key=pay.sale_key.key(),
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
    form = ScanForm()
    if not form.validate():
        return _render(scan=form, status=422)
    code = form.code.data or ""
    product = services.find_by_scan(db.session, code)
    errors = FormErrors()
    if product is None:
        errors["code"] = _("Nothing matches “%(code)s”. Try the search.", code=code[:60])
    elif product.status != ProductStatus.ACTIVE:
        errors["code"] = _("“%(sku)s” is not on sale.", sku=product.sku)
    if errors:
        return _render(errors=errors, status=404 if product is None else 409, scan=form)
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
    """Change quantities (0 or the remove button drops a line), or empty the basket.

    A quantity that is not a whole number from 0 to MAX_QUANTITY leaves its line as it was.
    """
    current = basket_lines()
    form = BasketForm.for_lines([pid for pid, _qty in current], high=MAX_QUANTITY)
    form.validate()
    if form.action.data == "clear":
        save_basket([])
        return redirect(url_for(".pos"))
    remove = None if form.remove.errors else form.remove.data
    lines = []
    for pid, qty in current:
        quantity = form.quantity(pid)
        if pid != remove:
            lines.append((pid, qty if quantity is None else quantity))
    save_basket(lines)
    return redirect(url_for(".pos") + "#basket")


# A manager's approval at the till is a password check, so it is limited like a sign-in: per
# approver account (the email typed), counting failures only, so a manager who approves all day
# is never stopped while one account guessed from the till is paused after a few tries.
def _approver() -> str:
    """The approver's email the Pay form carries, as the limit counts it."""
    return PayForm(meta={"csrf": False}).approver()


def _approver_key() -> str:
    return "till-approver:" + _approver()


def _approval_limit() -> str:
    return current_app.config.get("APPROVAL_RATE_LIMIT", "5 per 15 minutes")


def _no_approver() -> bool:
    return not _approver()


def _approval_failed(_response) -> bool:
    return bool(g.get("approval_failed"))


def _tender(form: PayForm, lines: list[tuple[int, int]]) -> services.Tender:
    """What the customer handed over: the card takes the whole total when paying by card only."""
    cash, card = form.cash_tendered.data or 0, form.card_amount.data or 0
    if form.method.data == "card_terminal":
        discount = form.discount.data or 0
        cash, card = 0, services.quote_basket(db.session, lines).subtotal - discount
    elif form.method.data == "cash":
        card = 0
    return services.Tender(
        cash_tendered=cash, card_amount=card, card_reference=form.card_reference.data or ""
    )


@bp.post("/pos/checkout")
@staff_required
@limiter.limit(
    _approval_limit,
    methods=["POST"],
    key_func=_approver_key,
    exempt_when=_no_approver,
    deduct_when=_approval_failed,
)
def checkout():
    """Take payment for the basket: the sale is recorded once per Pay form, the receipt shown."""
    form = PayForm()
    key = form.sale_key.data
    errors = FormErrors()
    if not key:
        errors["form"] = _("This payment form is out of date. Check the sale and pay again.")
        return _render(form, errors, 422)
    done = services.sale_by_key(db.session, key)
    if done is not None:  # the same Pay form again: its sale's receipt, never a second sale
        save_basket([])
        return redirect(url_for(".receipt", number=done.number))
    rs = current_register_session()
    if rs is None:
        errors["form"] = _("Open the register before selling.")
    lines = basket_lines()
    if not lines:
        errors["form"] = _("The basket is empty. Scan a label or search for a piece.")
    if not form.validate() or errors:
        return _render(form, errors, 422)
    approver = None
    if form.approver_email.data:
        try:
            approver = services.approve_discount(
                db.session,
                email=form.approver_email.data,
                password=form.approver_password.data or "",
                staff=current_user,
            )
        except DomainError as exc:
            # Nothing is sold yet: commit only the audit entry of the refused approval.
            db.session.commit()
            g.approval_failed = True
            errors["form"] = exc.message
            return _render(form, errors, exc.status_code)
    try:
        order = services.record_showroom_sale(
            db.session,
            rs,
            lines=lines,
            tender=_tender(form, lines),
            staff=current_user,
            discount_minor=form.discount.data or 0,
            discount_reason=form.discount_reason.data or "",
            approver=approver,
            locale=form.receipt_lang.data,
            sale_key=key,
            default_commission_bps=current_app.config.get("DEFAULT_COMMISSION_BPS", 1000),
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        errors["form"] = exc.message
        return _render(form, errors, exc.status_code)
    except IntegrityError:
        # The same Pay form sent twice at once: the other request recorded the sale first.
        db.session.rollback()
        order = services.sale_by_key(db.session, key)
        if order is None:
            raise
    save_basket([])
    return redirect(url_for(".receipt", number=order.number, new=1))


@bp.errorhandler(RateLimitExceeded)
def too_many_approvals(exc: RateLimitExceeded):
    """Too many refused approvals for one manager's account: the till again, status 429.

    The refused attempt is audited like a wrong password, so every failure is on record.
    """
    db.session.rollback()
    form = PayForm(meta={"csrf": False})
    record_audit(
        db.session,
        "showroom.approval_limited",
        "user",
        None,
        user_id=current_user.id,
        email=form.approver(),
    )
    db.session.commit()
    errors = FormErrors()
    errors["form"] = _(
        "Too many wrong approvals for this manager's account. Wait 15 minutes and try again."
    )
    page, _status = _render(form, errors)
    return page, 429, {"Retry-After": str(15 * 60)}
