"""The staff page for shipping rates, /admin/shipping, registered on the admin blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront.accounts.access import staff_required
from storefront.checkout.shipping import DEFAULT_RATES, rates_for, set_rates
from storefront.errors import DomainError
from storefront.extensions import db

from .forms import ShippingRatesForm
from .views import bp


@bp.route("/shipping", methods=["GET", "POST"])
@staff_required
def shipping_rates():
    """Flat shipping prices by weight for each zone; saving replaces a zone's rates."""
    status = 200
    errors: dict[str, list[str]] = {}
    saved = {
        zone: [{"grams": g, "price": p} for g, p in rates_for(db.session, zone)]
        for zone in DEFAULT_RATES
    }
    form = ShippingRatesForm(data=saved)
    if form.is_submitted():
        form.validate()
        for zone in DEFAULT_RATES:
            steps, zone_errors = form.steps(zone)
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
    zones = {
        zone: [(row.form.grams._value(), row.form.price._value()) for row in form[zone].entries]
        for zone in DEFAULT_RATES
    }
    return render_template("checkout/shipping_rates.html", zones=zones, errors=errors), status
