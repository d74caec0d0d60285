"""The payout run at /admin/payouts: pay artisans in cash or by transfer, print, export, reverse.

Registered on the admin blueprint; managers only. Every payout goes through
storefront.ledger.payouts, which guards the amount against what is available.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront import jobs
from storefront.accounts.access import admin_required
from storefront.artisans.models import Artisan
from storefront.errors import DomainError, NotFound
from storefront.exports import csv_response, mad, write_csv
from storefront.extensions import db
from storefront.inputs import BadInput
from storefront.ledger.balances import balances, return_windows
from storefront.ledger.models import Payout, PayoutBatch, PayoutMethod
from storefront.ledger.payouts import (
    PayoutRequest,
    is_returned,
    record_payout_run,
    return_transfer,
)
from storefront.ledger.rib import format_rib, is_valid_rib
from storefront.money import parse_amount

from .forms import PayoutRunForm, ReturnedTransferForm
from .payout_mail import queue_payout_mail
from .views import bp

BANK_CSV_COLUMNS = ("beneficiary", "rib", "amount_mad", "reference")


def _minimum() -> int:
    """The least available amount listed (?minimum= in MAD), PAYOUT_MINIMUM_MINOR by default."""
    raw = (request.args.get("minimum") or "").strip()
    if not raw:
        return current_app.config["PAYOUT_MINIMUM_MINOR"]
    try:
        return parse_amount(raw)
    except ValueError:
        raise BadInput(_("Enter the minimum as an amount such as 100 or 100,50.")) from None


def _eligible(minimum: int) -> list[tuple[Artisan, object]]:
    """(artisan, balance) of every artisan with at least `minimum` available, by shop then name."""
    found = balances(db.session, return_windows(current_app.config))
    ids = [a for a, b in found.items() if b.available >= max(minimum, 1)]
    makers = db.session.scalars(select(Artisan).where(Artisan.id.in_(ids))).all() if ids else []
    makers = sorted(makers, key=lambda a: (a.shop.number, a.name))
    return [(maker, found[maker.id]) for maker in makers]


@bp.route("/payouts", methods=["GET", "POST"])
@admin_required
def payouts():
    """Artisans with at least the minimum available; tick, adjust and pay them as one run."""
    minimum = _minimum()
    rows = _eligible(minimum)
    form = PayoutRunForm()
    status = 200
    if request.method == "GET":
        for maker, balance in rows:
            form.rows.append_entry(
                {
                    "artisan_id": maker.id,
                    "amount": balance.available,
                    "method": "transfer" if maker.rib and is_valid_rib(maker.rib) else "cash",
                }
            )
    elif form.validate_on_submit():
        key = form.form_key.data
        try:
            batch = record_payout_run(
                db.session, _requests(form), return_windows(current_app.config),
                user_id=current_user.id, form_key=key,
            )  # fmt: skip
            for payout in db.session.scalars(select(Payout).where(Payout.batch_id == batch.id)):
                queue_payout_mail(db.session, payout)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = exc.status_code
        except IntegrityError:  # the same form twice: the first run was recorded
            db.session.rollback()
            batch = db.session.scalar(select(PayoutBatch).where(PayoutBatch.form_key == key))
            if batch is None:
                raise
        if status == 200:
            jobs.mail_queued()
            flash(_("Payouts recorded."), "success")
            return redirect(url_for("admin.payout_batch", batch_id=batch.id), code=303)
    else:
        status = 422
        flash(_("Some rows could not be read: check the amounts."), "error")
    makers = {maker.id: (maker, balance) for maker, balance in rows}
    recent = db.session.scalars(select(PayoutBatch).order_by(PayoutBatch.id.desc()).limit(10)).all()
    return render_template(
        "admin/payouts.html",
        form=form,
        makers=makers,
        minimum=minimum,
        minimum_text=f"{minimum // 100}.{minimum % 100:02d}",
        recent=recent,
        form_key=form.form_key.key(),
    ), status


def _requests(form: PayoutRunForm) -> list[PayoutRequest]:
    """The ticked rows as payout requests; DomainError for a ticked row without an amount."""
    chosen = []
    for row in form.rows.entries:
        values = row.form
        if not values.pay.data:
            continue
        if values.amount.data is None or values.artisan_id.data is None:
            raise DomainError(_("Give an amount for each artisan you pay."))
        chosen.append(
            PayoutRequest(
                artisan_id=values.artisan_id.data,
                amount_minor=values.amount.data,
                method=PayoutMethod(values.method.data),
                bank_reference=values.bank_reference.data or None,
            )
        )
    return chosen


def _batch(batch_id: int) -> PayoutBatch:
    batch = db.session.get(PayoutBatch, batch_id)
    if batch is None:
        raise NotFound(_("We could not find this payout run."))
    return batch


def _payout(payout_id: int) -> Payout:
    payout = db.session.get(Payout, payout_id)
    if payout is None:
        raise NotFound(_("We could not find this payout."))
    return payout


def _batch_payouts(batch: PayoutBatch) -> list[tuple[Payout, Artisan, bool]]:
    found = db.session.execute(
        select(Payout, Artisan)
        .join(Artisan, Artisan.id == Payout.artisan_id)
        .where(Payout.batch_id == batch.id)
        .order_by(Payout.id)
    ).all()
    return [(payout, maker, is_returned(db.session, payout)) for payout, maker in found]


@bp.get("/payouts/batches/<int:batch_id>")
@admin_required
def payout_batch(batch_id: int):
    """One payout run: each payout, its receipt, the bank file, and returned transfers."""
    batch = _batch(batch_id)
    return render_template(
        "admin/payout_batch.html",
        batch=batch,
        rows=_batch_payouts(batch),
        return_form=ReturnedTransferForm(),
        format_rib=format_rib,
    )


@bp.get("/payouts/batches/<int:batch_id>.csv")
@admin_required
def payout_batch_csv(batch_id: int):
    """The run's bank transfers as the bank's bulk-transfer file: beneficiary, RIB, amount, ref."""
    batch = _batch(batch_id)
    transfers = [
        (payout.beneficiary, payout.rib, mad(payout.amount_minor), payout.reference)
        for payout, _maker, _returned in _batch_payouts(batch)
        if payout.method == PayoutMethod.TRANSFER
    ]
    return csv_response(write_csv(BANK_CSV_COLUMNS, transfers), f"transfers-{batch.id}.csv")


@bp.get("/payouts/<int:payout_id>/receipt")
@admin_required
def payout_receipt(payout_id: int):
    """The printable receipt of a payout, in Arabic and French, with a line to sign."""
    payout = _payout(payout_id)
    maker = db.session.get(Artisan, payout.artisan_id)
    halves = []
    for lang in ("ar", "fr"):
        with force_locale(lang):
            halves.append(
                (
                    lang,
                    Markup(  # noqa: S704 (our own template, autoescaped)
                        render_template(
                            "admin/_payout_receipt.html",
                            payout=payout,
                            maker=maker,
                            lang=lang,
                            format_rib=format_rib,
                        )  # fmt: skip
                    ),
                )
            )
    return render_template("admin/payout_receipt.html", payout=payout, halves=halves)


@bp.post("/payouts/<int:payout_id>/return")
@admin_required
def payout_returned(payout_id: int):
    """Book a transfer the bank sent back: the amount is available again; audited."""
    payout = _payout(payout_id)
    form = ReturnedTransferForm()
    if not form.validate_on_submit():
        raise DomainError(_("Say why the bank sent the transfer back."))
    return_transfer(db.session, payout, user_id=current_user.id, reason=form.reason.data)
    db.session.commit()
    flash(_("The transfer is booked as returned; the amount is available again."), "success")
    if payout.batch_id is None:
        return redirect(url_for("admin.payouts"), code=303)
    return redirect(url_for("admin.payout_batch", batch_id=payout.batch_id), code=303)
