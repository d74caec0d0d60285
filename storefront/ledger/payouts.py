"""Paying artisans: a payout posts one entry to the book and can never exceed what is available.

Locking rule: record_payout first takes the artisan's row lock (`SELECT … FOR UPDATE` on
PostgreSQL) and then writes the payout row before it reads the available amount. On PostgreSQL
a second manager paying the same artisan waits for the first to commit, and its read (a new
statement under READ COMMITTED) sees the first payout. SQLite has no row locks but one writer:
the insert takes the database's write lock (waiting up to the busy timeout), so the read that
follows sees every payout committed before it. Two managers paying at once therefore pay once;
the second gets Conflict and its request rolls back whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan
from storefront.audit import record_audit
from storefront.errors import Conflict, DomainError, NotFound

from .balances import ReturnWindows, balance_of
from .models import EntryKind, LedgerEntry, Payout, PayoutBatch, PayoutMethod
from .rib import is_valid_rib


@dataclass(frozen=True)
class PayoutRequest:
    """One artisan to pay in a run: amount in minor units, method, optional bank reference."""

    artisan_id: int
    amount_minor: int
    method: PayoutMethod
    bank_reference: str | None = None


def _lock_artisan(session: Session, artisan_id: int) -> Artisan:
    artisan = session.execute(
        select(Artisan).where(Artisan.id == artisan_id).with_for_update()
    ).scalar_one_or_none()
    if artisan is None:
        raise NotFound(_l("We could not find this artisan."))
    return artisan


def record_payout(
    session: Session,
    request: PayoutRequest,
    windows: ReturnWindows,
    *,
    user_id: int | None,
    batch: PayoutBatch | None = None,
) -> Payout:
    """Pay an artisan: a Payout row, a payout entry of −amount in the book, an audit entry.

    Locking as in the module docstring. Raises DomainError (422) for a non-positive amount or a
    transfer to an artisan without a valid RIB, NotFound for an unknown artisan, and Conflict
    (409) when the amount exceeds what is available once the lock is held.
    """
    if request.amount_minor <= 0:
        raise DomainError(_l("The amount to pay must be more than zero."))
    artisan = _lock_artisan(session, request.artisan_id)
    rib = None
    if request.method == PayoutMethod.TRANSFER:
        if not (artisan.rib and is_valid_rib(artisan.rib)):
            raise DomainError(
                _l(
                    "%(name)s has no valid RIB: pay in cash or add the RIB first.",
                    name=artisan.name,
                )
            )
        rib = artisan.rib
    payout = Payout(
        artisan_id=artisan.id,
        batch_id=batch.id if batch else None,
        amount_minor=request.amount_minor,
        method=str(request.method),
        rib=rib,
        beneficiary=artisan.name,
        bank_reference=(request.bank_reference or "").strip() or None,
        user_id=user_id,
    )
    session.add(payout)
    session.flush()  # the write comes first: SQLite's write lock before the read below
    available = balance_of(session, artisan.id, windows).available
    if request.amount_minor > available:
        raise Conflict(
            _l(
                "%(name)s has less available than this payout (someone may have just paid them).",
                name=artisan.name,
            )
        )
    session.add(
        LedgerEntry(
            artisan_id=artisan.id,
            kind=EntryKind.PAYOUT,
            amount_minor=-request.amount_minor,
            payout_id=payout.id,
            user_id=user_id,
            memo=f"{payout.reference} {payout.method}",
        )
    )
    record_audit(
        session,
        "payout.recorded",
        "payout",
        payout.id,
        user_id=user_id,
        artisan_id=artisan.id,
        amount_minor=request.amount_minor,
        method=payout.method,
        batch_id=payout.batch_id,
        available_before=available,
    )
    session.flush()
    return payout


def record_payout_run(
    session: Session,
    requests: list[PayoutRequest],
    windows: ReturnWindows,
    *,
    user_id: int | None,
    form_key: str | None = None,
) -> PayoutBatch:
    """Record a batch and one payout per request, in artisan id order (the lock order).

    The batch's unique form_key makes the same form sent twice fail on its insert
    (IntegrityError) before anything is paid; the caller shows the first batch then. Raises as
    record_payout; one refused payout refuses the whole run (the caller rolls back).
    """
    if not requests:
        raise DomainError(_l("Choose at least one artisan to pay."))
    batch = PayoutBatch(user_id=user_id, form_key=form_key)
    session.add(batch)
    session.flush()
    for request in sorted(requests, key=lambda r: r.artisan_id):
        record_payout(session, request, windows, user_id=user_id, batch=batch)
    record_audit(
        session, "payout.batch", "payout_batch", batch.id, user_id=user_id, count=len(requests)
    )
    session.flush()
    return batch


def return_transfer(
    session: Session, payout: Payout, *, user_id: int | None, reason: str
) -> LedgerEntry:
    """Book a transfer the bank sent back: an adjustment entry of +amount naming the payout.

    The payout itself is never edited. Raises DomainError for a cash payout and Conflict when
    this payout was already reversed: checked under the artisan's row lock, and backed by the
    book's unique (payout_id, kind), so two managers at once reverse it once.
    """
    if payout.method != PayoutMethod.TRANSFER:
        raise DomainError(_l("Only a bank transfer can come back from the bank."))
    _lock_artisan(session, payout.artisan_id)
    if is_returned(session, payout):
        raise Conflict(_l("This transfer is already booked as returned."))
    entry = LedgerEntry(
        artisan_id=payout.artisan_id,
        kind=EntryKind.ADJUSTMENT,
        amount_minor=payout.amount_minor,
        payout_id=payout.id,
        user_id=user_id,
        memo=f"{payout.reference} returned: {reason}"[:200],
    )
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:  # booked by another request since the check (SQLite reads first)
        raise Conflict(_l("This transfer is already booked as returned.")) from None
    record_audit(
        session,
        "payout.returned",
        "payout",
        payout.id,
        user_id=user_id,
        artisan_id=payout.artisan_id,
        amount_minor=payout.amount_minor,
        reason=reason,
    )
    session.flush()
    return entry


def is_returned(session: Session, payout: Payout) -> bool:
    """Whether the bank sent this transfer back (its reversal is in the book)."""
    return (
        session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.payout_id == payout.id, LedgerEntry.kind == EntryKind.ADJUSTMENT
            )
        )
        is not None
    )


def payouts_of(session: Session, artisan_id: int, *, limit: int = 50) -> list[Payout]:
    """An artisan's payouts, newest first."""
    return list(
        session.scalars(
            select(Payout)
            .where(Payout.artisan_id == artisan_id)
            .order_by(Payout.created_at.desc(), Payout.id.desc())
            .limit(limit)
        )
    )
