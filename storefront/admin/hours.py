"""The managers' page for the centre's opening hours, /admin/hours, on the admin blueprint."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from storefront.accounts.access import admin_required
from storefront.centre import services as centre
from storefront.centre.forms import HoursForm
from storefront.errors import Conflict, DomainError
from storefront.extensions import db

from .views import bp


@bp.route("/hours", methods=["GET", "POST"])
@admin_required
def opening_hours():
    """The centre's hours per weekday; each change is audited and shows at once on every page."""
    week = centre.opening_hours(db.session)
    data = {}
    for day in week:
        data[f"opens_{day.weekday}"] = day.opens
        data[f"closes_{day.weekday}"] = day.closes
        data[f"closed_{day.weekday}"] = day.closed
    form = HoursForm(data=data)
    errors: dict[int, str] = {}
    status = 200
    if form.is_submitted():
        form.validate()  # reads the times; each day's message comes from form.week()
        typed, errors = form.week()
        if not errors:
            try:
                changed = centre.set_opening_hours(db.session, typed, user_id=current_user.id)
            except DomainError as exc:
                errors[0] = exc.message
            except IntegrityError:  # another manager saved the same day's first hours just now
                db.session.rollback()
                raise Conflict(
                    _("Someone changed this at the same moment. Please try again.")
                ) from None
            else:
                db.session.commit()
                current_app.extensions.pop("centre_hours", None)
                flash(_("Opening hours saved.") if changed else _("Nothing changed."), "success")
                return redirect(url_for("admin.opening_hours"), code=303)
        db.session.rollback()
        status = 422
    return render_template("admin/hours.html", form=form, week=week, errors=errors), status
