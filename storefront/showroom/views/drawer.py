"""Drawer pages: the registers, opening, paid in and out, closing, sign-off, adjustments."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront.accounts.access import admin_required, staff_required
from storefront.errors import DomainError
from storefront.extensions import db
from storefront.inputs import parse_int

from .. import services
from ..forms import (
    AdjustmentForm,
    CloseForm,
    FormErrors,
    MovementForm,
    OpenForm,
    SignOffForm,
    errors_of,
)
from ..models import DENOMINATIONS, MovementKind, RegisterSession, SessionStatus
from ..services.closing import NoteRequired
from .common import bp, choose_register, chosen_register, register_session_or_404, registers


@bp.get("/")
@staff_required
def index():
    """The registers with their open sessions, and the latest closed ones."""
    if (register := parse_int(request.args.get("register"))) is not None:
        choose_register(register)
    open_sessions = {r: services.open_session_for(db.session, r) for r in registers()}
    recent = db.session.scalars(
        select(RegisterSession)
        .where(RegisterSession.status != SessionStatus.OPEN)
        .order_by(RegisterSession.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "showroom/index.html",
        open_sessions=open_sessions,
        summaries={
            r: services.drawer_summary(db.session, s) for r, s in open_sessions.items() if s
        },
        chosen=chosen_register(),
        recent=recent,
        today=services.local_date(),
    )


@bp.route("/registers/<int:register>/open", methods=["GET", "POST"])
@staff_required
def open_register(register: int):
    """Count the float note by note and open the register."""
    if register not in registers():
        return redirect(url_for(".index"))
    form = OpenForm()
    errors = FormErrors()
    if form.is_submitted():
        errors = errors_of(form) if not form.validate() else errors
        if not errors:
            try:
                services.open_register(
                    db.session, register=register, pieces=form.pieces(), user=current_user
                )
            except DomainError as exc:
                db.session.rollback()
                errors["form"] = exc.message
            else:
                db.session.commit()
                choose_register(register)
                flash(_("Register %(n)s is open.", n=register), "success")
                return redirect(url_for(".pos"))
    status = 422 if errors else 200
    return render_template(
        "showroom/open.html",
        register=register,
        form=form,
        errors=errors,
        denominations=DENOMINATIONS,
    ), status


@bp.get("/sessions/<int:session_id>")
@staff_required
def session_detail(session_id: int):
    """A session's takings, movements, sales and refunds."""
    rs = register_session_or_404(session_id)
    return _render_session(rs)


def _render_session(
    rs: RegisterSession,
    form: MovementForm | AdjustmentForm | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
):
    """The session page; a form sent back with errors keeps its values and its key."""
    movement = form if isinstance(form, MovementForm) else MovementForm(formdata=None)
    adjustment = form if isinstance(form, AdjustmentForm) else AdjustmentForm(formdata=None)
    return render_template(
        "showroom/session.html",
        rs=rs,
        summary=services.drawer_summary(db.session, rs),
        errors=errors_of(form) | (errors or {}),
        movement=movement,
        adjustment=adjustment,
        sign_off_form=SignOffForm(formdata=None),
        denominations=DENOMINATIONS,
        # A failed submit keeps its key (nothing was recorded under it); a new page gets a new one.
        form_key=(form or movement).form_key.key(),
    ), status


def _already_recorded(rs: RegisterSession):
    """The same movement form sent again: back to the session, nothing added."""
    flash(_("Recorded."), "success")
    return redirect(url_for(".session_detail", session_id=rs.id))


def _record_once(rs: RegisterSession, form, record, done: str):
    """Validate `form` and run `record` once per its key: a repeat finds the first movement."""
    errors = FormErrors()
    key = form.form_key.data
    if not key:
        errors["form"] = _("This form is out of date. Check the amounts and send it again.")
    if not form.validate() or errors:
        return _render_session(rs, form, errors, 422)
    if services.movement_by_key(db.session, key) is not None:
        return _already_recorded(rs)
    try:
        record()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        errors["form"] = exc.message
        return _render_session(rs, form, errors, exc.status_code)
    except IntegrityError:  # the same form sent twice at once: the other request recorded it
        db.session.rollback()
        if services.movement_by_key(db.session, key) is None:
            raise
        return _already_recorded(rs)
    flash(done, "success")
    return redirect(url_for(".session_detail", session_id=rs.id))


@bp.post("/sessions/<int:session_id>/movements")
@staff_required
def add_movement(session_id: int):
    """Record cash paid into or out of the drawer, with a reason; once per form."""
    rs = register_session_or_404(session_id)
    form = MovementForm()
    return _record_once(
        rs,
        form,
        lambda: services.record_cash_movement(
            db.session,
            rs,
            kind=MovementKind(form.kind.data),
            amount_minor=form.amount.data,
            reason=form.reason.data,
            user=current_user,
            form_key=form.form_key.data,
        ),
        _("Recorded."),
    )


@bp.route("/sessions/<int:session_id>/close", methods=["GET", "POST"])
@staff_required
def close(session_id: int):
    """Count the drawer, enter the terminal's batch, see the differences and close."""
    rs = register_session_or_404(session_id)
    if rs.status != SessionStatus.OPEN:
        return redirect(url_for(".session_detail", session_id=rs.id))
    form = CloseForm()
    errors = FormErrors()
    if form.is_submitted():
        errors = errors_of(form) if not form.validate() else errors
        if not errors:
            try:
                services.close_register(
                    db.session,
                    rs,
                    pieces=form.pieces(),
                    card_batch_total_minor=form.card_batch_total.data or 0,
                    card_batch_reference=form.card_batch_reference.data or "",
                    note=form.note.data or "",
                    user=current_user,
                )
            except DomainError as exc:
                db.session.rollback()
                errors["note" if isinstance(exc, NoteRequired) else "form"] = exc.message
            else:
                db.session.commit()
                flash(_("The register is closed."), "success")
                return redirect(url_for(".session_detail", session_id=rs.id))
    return render_template(
        "showroom/close.html",
        rs=rs,
        summary=services.drawer_summary(db.session, rs),
        form=form,
        errors=errors,
        denominations=DENOMINATIONS,
    ), (422 if errors else 200)


@bp.post("/sessions/<int:session_id>/sign-off")
@admin_required
def sign_off(session_id: int):
    """A manager accepts a closed session, which locks it."""
    rs = register_session_or_404(session_id)
    form = SignOffForm()
    if not form.validate():
        return _render_session(rs, errors=errors_of(form), status=422)
    services.sign_off(db.session, rs, manager=current_user, note=form.note.data or "")
    db.session.commit()
    flash(_("Signed off. This session can no longer change."), "success")
    return redirect(url_for(".session_detail", session_id=rs.id))


@bp.post("/sessions/<int:session_id>/adjustments")
@admin_required
def add_adjustment(session_id: int):
    """A manager corrects a signed-off session with a new signed entry; once per form."""
    rs = register_session_or_404(session_id)
    form = AdjustmentForm()
    return _record_once(
        rs,
        form,
        lambda: services.record_adjustment(
            db.session,
            rs,
            amount_minor=form.signed_amount(),
            reason=form.reason.data,
            manager=current_user,
            form_key=form.form_key.data,
        ),
        _("Adjustment recorded."),
    )
