"""The staff page for shipping rates, /admin/shipping, registered on the admin blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront.accounts.access import staff_required
from storefront.catalog.models import MAX_WEIGHT_GRAMS
from storefront.checkout.shipping import DEFAULT_RATES, rates_for, set_rates
from storefront.errors import DomainError
from storefront.extensions import db
from storefront.inputs import parse_int
from storefront.money import parse_amount

from .views import bp

ROWS_PER_ZONE = 5


def _steps(zone: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Read a zone's (grams, price) rows from the form; blank rows are skipped."""
    steps, errors = [], []
    for i in range(ROWS_PER_ZONE):
        grams = request.form.get(f"{zone}-{i}-grams", "").strip()
        price = request.form.get(f"{zone}-{i}-price", "").strip()
        if not grams and not price:
            continue
        weight = parse_int(grams, low=1, high=MAX_WEIGHT_GRAMS)
        try:
            if weight is None:
                raise ValueError(grams)
            steps.append((weight, parse_amount(price)))
        except ValueError:
            errors.append(_("Row %(row)d: enter a weight in grams and a price.", row=i + 1))
    return steps, errors


@bp.route("/shipping", methods=["GET", "POST"])
@staff_required
def shipping_rates():
    """Flat shipping prices by weight for each zone; saving replaces a zone's rates."""
    status = 200
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        for zone in DEFAULT_RATES:
            steps, zone_errors = _steps(zone)
            if not steps and not zone_errors:
                zone_errors.append(_("Give at least one rate."))
            if zone_errors:
                errors[zone] = zone_errors
                continue
            try:
                set_rates(db.session, zone, steps, user_id=current_user.id)
            except DomainError as exc:
                errors[zone] = [exc.message]
        if not errors:
            db.session.commit()
            flash(_("Shipping rates saved."), "success")
            return redirect(url_for("admin.shipping_rates"), code=303)
        db.session.rollback()
        status = 422
    zones = {}
    for zone in DEFAULT_RATES:
        rows = [(str(g), f"{p // 100}.{p % 100:02d}") for g, p in rates_for(db.session, zone)]
        if request.method == "POST":
            rows = [
                (
                    request.form.get(f"{zone}-{i}-grams", ""),
                    request.form.get(f"{zone}-{i}-price", ""),
                )
                for i in range(ROWS_PER_ZONE)
            ]
        zones[zone] = (rows + [("", "")] * ROWS_PER_ZONE)[:ROWS_PER_ZONE]
    return render_template("checkout/shipping_rates.html", zones=zones, errors=errors), status
