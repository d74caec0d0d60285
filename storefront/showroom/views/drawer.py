"""Drawer pages: the registers, opening, paid in and out, closing, sign-off, adjustments."""

from __future__ import annotations

import secrets

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
from ..forms import FormErrors, parse_counts, parse_form_key, parse_money, parse_text
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
    errors = FormErrors()
    if request.method == "POST":
        pieces = parse_counts(request.form, errors)
        if not errors:
            try:
                services.open_register(
                    db.session, register=register, pieces=pieces, user=current_user
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
        "showroom/open.html", register=register, errors=errors, denominations=DENOMINATIONS
    ), status


@bp.get("/sessions/<int:session_id>")
@staff_required
def session_detail(session_id: int):
    """A session's takings, movements, sales and refunds."""
    rs = register_session_or_404(session_id)
    return _render_session(rs, FormErrors())


def _render_session(rs: RegisterSession, errors: FormErrors, status: int = 200):
    return render_template(
        "showroom/session.html",
        rs=rs,
        summary=services.drawer_summary(db.session, rs),
        errors=errors,
        denominations=DENOMINATIONS,
        # A failed submit keeps its key (nothing was recorded under it); a new page gets a new one.
        form_key=parse_form_key(request.form, "form_key") or secrets.token_urlsafe(24),
    ), status


def _already_recorded(rs: RegisterSession):
    """The same movement form sent again: back to the session, nothing added."""
    flash(_("Recorded."), "success")
    return redirect(url_for(".session_detail", session_id=rs.id))


def _record_once(rs: RegisterSession, errors: FormErrors, key: str, record, done: str):
    """Run `record` once per form key: a repeat (now or at once) finds the first movement."""
    if services.movement_by_key(db.session, key) is not None:
        return _already_recorded(rs)
    try:
        record()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        errors["form"] = exc.message
        return _render_session(rs, errors, exc.status_code)
    except IntegrityError:  # the same form sent twice at once: the other request recorded it
        db.session.rollback()
        if services.movement_by_key(db.session, key) is None:
            raise
        return _already_recorded(rs)
    flash(done, "success")
    return redirect(url_for(".session_detail", session_id=rs.id))


def _form_key(errors: FormErrors) -> str:
    key = parse_form_key(request.form, "form_key")
    if not key:
        errors["form"] = _("This form is out of date. Check the amounts and send it again.")
    return key


@bp.post("/sessions/<int:session_id>/movements")
@staff_required
def add_movement(session_id: int):
    """Record cash paid into or out of the drawer, with a reason; once per form."""
    rs = register_session_or_404(session_id)
    errors = FormErrors()
    key = _form_key(errors)
    kind = request.form.get("kind", "")
    if kind not in (MovementKind.PAID_IN, MovementKind.PAID_OUT):
        errors["kind"] = _("Choose paid in or paid out.")
    amount = parse_money(request.form, "amount", errors, required=True)
    reason = parse_text(request.form, "reason", errors, required=True)
    if errors:
        return _render_session(rs, errors, 422)
    return _record_once(
        rs, errors, key,
        lambda: services.record_cash_movement(
            db.session, rs, kind=MovementKind(kind), amount_minor=amount, reason=reason,
            user=current_user, form_key=key,
        ),
        _("Recorded."),
    )  # fmt: skip


@bp.route("/sessions/<int:session_id>/close", methods=["GET", "POST"])
@staff_required
def close(session_id: int):
    """Count the drawer, enter the terminal's batch, see the differences and close."""
    rs = register_session_or_404(session_id)
    if rs.status != SessionStatus.OPEN:
        return redirect(url_for(".session_detail", session_id=rs.id))
    errors = FormErrors()
    if request.method == "POST":
        pieces = parse_counts(request.form, errors)
        batch = parse_money(request.form, "card_batch_total", errors)
        reference = parse_text(request.form, "card_batch_reference", errors, max_length=120)
        note = parse_text(request.form, "note", errors, max_length=2000)
        if not errors:
            try:
                services.close_register(
                    db.session, rs, pieces=pieces, card_batch_total_minor=batch,
                    card_batch_reference=reference, note=note, user=current_user,
                )  # fmt: skip
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
        errors=errors,
        denominations=DENOMINATIONS,
    ), (422 if errors else 200)


@bp.post("/sessions/<int:session_id>/sign-off")
@admin_required
def sign_off(session_id: int):
    """A manager accepts a closed session, which locks it."""
    rs = register_session_or_404(session_id)
    note = (request.form.get("note") or "").strip()[:2000]
    services.sign_off(db.session, rs, manager=current_user, note=note)
    db.session.commit()
    flash(_("Signed off. This session can no longer change."), "success")
    return redirect(url_for(".session_detail", session_id=rs.id))


@bp.post("/sessions/<int:session_id>/adjustments")
@admin_required
def add_adjustment(session_id: int):
    """A manager corrects a signed-off session with a new signed entry; once per form."""
    rs = register_session_or_404(session_id)
    errors = FormErrors()
    key = _form_key(errors)
    amount = parse_money(request.form, "amount", errors, required=True)
    if request.form.get("direction") == "out":
        amount = -amount
    reason = parse_text(request.form, "reason", errors, required=True)
    if errors:
        return _render_session(rs, errors, 422)
    return _record_once(
        rs, errors, key,
        lambda: services.record_adjustment(
            db.session, rs, amount_minor=amount, reason=reason, manager=current_user,
            form_key=key,
        ),
        _("Adjustment recorded."),
    )  # fmt: skip
