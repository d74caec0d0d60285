"""Managers keep the carriers staff choose from when shipping."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront.accounts.access import admin_required
from storefront.errors import DomainError, NotFound
from storefront.extensions import db
from storefront.orders.models import Carrier
from storefront.showroom.forms import errors_of

from ..carriers import all_carriers, save_carrier
from ..forms import CarrierForm
from .common import bp


@bp.route("/admin/carriers", methods=["GET", "POST"])
@admin_required
def carriers():
    """The carriers staff choose from when shipping, with their tracking address patterns."""
    form = CarrierForm()
    if not form.is_submitted():
        return _carriers_page(form, {})
    try:
        if not form.validate():
            raise DomainError(next(iter(errors_of(form).values())))
        save_carrier(
            db.session,
            None,
            name=form.name.data,
            tracking_url=form.tracking_url.data or "",
            active=form.active.data,
            user_id=current_user.id,
        )
    except DomainError as exc:
        db.session.rollback()
        return _carriers_page(form, {}, exc)
    db.session.commit()
    flash(_("Carrier saved."), "success")
    return redirect(url_for(".carriers"), code=303)


@bp.post("/admin/carriers/<int:carrier_id>")
@admin_required
def carrier(carrier_id: int):
    """Change a carrier's name, tracking pattern or whether staff are offered it."""
    found = db.session.get(Carrier, carrier_id)
    if found is None:
        raise NotFound(_("We could not find this page. It may have moved or been removed."))
    form = CarrierForm(prefix=f"c{carrier_id}")
    try:
        if not form.validate():
            raise DomainError(next(iter(errors_of(form).values())))
        save_carrier(
            db.session,
            found,
            name=form.name.data,
            tracking_url=form.tracking_url.data or "",
            active=form.active.data,
            user_id=current_user.id,
        )
    except DomainError as exc:
        db.session.rollback()
        return _carriers_page(CarrierForm(formdata=None), {carrier_id: form}, exc)
    db.session.commit()
    flash(_("Carrier saved."), "success")
    return redirect(url_for(".carriers"), code=303)


def _carriers_page(form: CarrierForm, edits: dict, error: DomainError | None = None):
    carriers = all_carriers(db.session)
    for c in carriers:
        edits.setdefault(c.id, CarrierForm(formdata=None, obj=c, prefix=f"c{c.id}"))
    errors = errors_of(form)
    if error is not None:
        errors["form"] = error.message
    status = error.status_code if error is not None else (422 if errors else 200)
    return render_template(
        "fulfilment/carriers.html", form=form, errors=errors, carriers=carriers, edits=edits
    ), status
