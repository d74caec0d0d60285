"""Managers' oversight pages: the attention queue (/admin/attention) and the audit log."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront import jobs
from storefront.accounts.access import admin_required
from storefront.checkout.models import StripeEventFailure
from storefront.errors import Conflict, NotFound
from storefront.extensions import db
from storefront.inputs import parse_day, parse_int
from storefront.mail.models import OutboxMessage
from storefront.orders.models import Order

from . import attention, audit_log
from .forms import ResendForm, ResolveForm
from .views import bp


def _queue_page(status: int = 200, *, errors: dict[str, str] | None = None):
    """The queue with a message per item that failed to resolve ({"order-3": "..."}).

    The note typed for that item is shown again.
    """
    kept = {key: (request.form.get("note") or "")[:1000] for key in errors or {}}
    return render_template(
        "admin/attention.html",
        queue=attention.attention_queue(db.session),
        labels=attention.FLAG_LABELS,
        errors=errors or {},
        kept=kept,
        resolve_form=ResolveForm(formdata=None),
        resend_form=ResendForm(formdata=None),
    ), status


def _get(model, item_id: int):
    item = db.session.get(model, item_id)
    if item is None:
        raise NotFound(_("We could not find this item. It may have been dealt with already."))
    return item


def _resolve(key: str, action) -> object:
    """Run one resolve action with the posted note: 303 back to the queue, or the queue again
    with the item's message (422 without a note, 409 when someone else was first)."""
    form = ResolveForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()))[0]
        return _queue_page(422, errors={key: message})
    try:
        action(form)
    except Conflict as exc:
        db.session.rollback()
        return _queue_page(409, errors={key: exc.message})
    db.session.commit()
    flash(_("Resolved: it has left the queue."), "success")
    return redirect(url_for("admin.attention"), code=303)


@bp.get("/attention", endpoint="attention")
@admin_required
def attention_queue():
    """Everything that waits for a manager: flagged orders, failed mail, failed Stripe events."""
    return _queue_page()


@bp.post("/attention/orders/<int:order_id>/resolve")
@admin_required
def resolve_order(order_id: int):
    """Clear an order's flag with a note; refused if it changed since the page was shown."""
    order = _get(Order, order_id)
    return _resolve(
        f"order-{order_id}",
        lambda form: attention.resolve_order_flag(
            db.session,
            order,
            seal=form.seal.data or "",
            note=form.note.data,
            user_id=current_user.id,
        ),
    )


@bp.post("/attention/mail/<int:message_id>/resolve")
@admin_required
def dismiss_mail(message_id: int):
    """Close a failed message that was handled another way, with a note."""
    message = _get(OutboxMessage, message_id)
    return _resolve(
        f"mail-{message_id}",
        lambda form: attention.dismiss_message(
            db.session, message, note=form.note.data, user_id=current_user.id
        ),
    )


@bp.post("/attention/mail/<int:message_id>/resend")
@admin_required
def resend_mail(message_id: int):
    """Send a failed message again: back in the outbox with a fresh round of tries."""
    message = _get(OutboxMessage, message_id)
    form = ResendForm()
    if not form.validate_on_submit():
        return _queue_page(422, errors={f"mail-{message_id}": next(iter(form.errors.values()))[0]})
    try:
        attention.resend_message(
            db.session, message, user_id=current_user.id, note=form.note.data or ""
        )
    except Conflict as exc:
        db.session.rollback()
        return _queue_page(409, errors={f"mail-{message_id}": exc.message})
    db.session.commit()
    jobs.mail_queued()
    flash(_("The message is on its way again."), "success")
    return redirect(url_for("admin.attention"), code=303)


@bp.post("/attention/stripe-events/<int:failure_id>/resolve")
@admin_required
def resolve_stripe_event(failure_id: int):
    """Close a failed Stripe event that was checked, with a note."""
    failure = _get(StripeEventFailure, failure_id)
    return _resolve(
        f"event-{failure_id}",
        lambda form: attention.resolve_event_failure(
            db.session, failure, note=form.note.data, user_id=current_user.id
        ),
    )


@bp.get("/audit")
@admin_required
def audit():
    """The audit log, read-only: filtered by person, kind and the centre's days, newest first."""
    people = audit_log.audit_people(db.session)
    kinds = audit_log.audit_kinds(db.session)
    asked = request.args.get("person", "")
    person: int | str | None = None
    if asked == audit_log.SYSTEM:
        person = audit_log.SYSTEM
    elif (person_id := parse_int(asked, low=1)) in {p.id for p in people}:
        person = person_id
    kind = request.args.get("kind", "")
    chosen = audit_log.AuditFilter(
        person=person,
        kind=kind if kind in kinds else None,
        day_from=parse_day(request.args.get("from")),
        day_to=parse_day(request.args.get("to")),
    )
    page = parse_int(request.args.get("page"), low=1, high=100_000) or 1
    # A filter that was sent but cannot be read is left out, and the page says so.
    ignored = (
        (asked and person is None)
        or (kind and chosen.kind is None)
        or (request.args.get("from") and chosen.day_from is None)
        or (request.args.get("to") and chosen.day_to is None)
        or (request.args.get("page") and str(page) != request.args.get("page", "").strip())
    )
    result = audit_log.audit_entries(db.session, chosen, page=page)
    return render_template(
        "admin/audit.html",
        result=result,
        chosen=chosen,
        people=people,
        kinds=kinds,
        kind_labels=audit_log.KIND_LABELS,
        system=audit_log.SYSTEM,
        ignored=bool(ignored),
    ), 400 if ignored else 200
