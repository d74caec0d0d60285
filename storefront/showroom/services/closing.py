"""Closing a register: count, compare with what is expected, sign off, correct afterwards."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from storefront.accounts.models import Role, User
from storefront.audit import record_audit
from storefront.errors import Conflict, DomainError, Forbidden
from storefront.timeutil import utcnow

from ..models import (
    CashCount,
    CashMovement,
    CountKind,
    MovementKind,
    Reconciliation,
    RegisterSession,
    SessionStatus,
)
from .drawer import _clean, count_total, drawer_summary


def _move(session: Session, register_session: RegisterSession, src: str, dst: str) -> bool:
    result = session.execute(
        update(RegisterSession)
        .where(RegisterSession.id == register_session.id, RegisterSession.status == src)
        .values(status=dst)
        .execution_options(synchronize_session=False)
    )
    session.refresh(register_session)
    return result.rowcount == 1


class NoteRequired(DomainError):
    """A closing count differs from what is expected and no note explains it."""


def _require_note(summary, counted: int, card_batch: int, note: str) -> None:
    if (counted != summary.expected_cash or card_batch != summary.expected_card) and not (
        note.strip()
    ):
        raise NoteRequired(_("Explain the difference in a note before closing."))


def close_register(
    session: Session,
    register_session: RegisterSession,
    *,
    pieces: dict[int | str, int],
    card_batch_total_minor: int,
    card_batch_reference: str,
    note: str,
    user: User,
) -> Reconciliation:
    """Close an open session with the counted cash and the card terminal's batch total.

    The status moves open → closed with a guarded UPDATE first (Conflict if it was not open),
    then the expected cash and card totals are added up and stored with both differences
    (counted − expected, so a shortage is negative). Raises NoteRequired (a DomainError) when a
    difference is not zero and no note explains it. A batch may be negative (refunds to cards
    above the day's card sales).
    """
    counted = count_total(pieces)
    _require_note(drawer_summary(session, register_session), counted, card_batch_total_minor, note)
    if not _move(session, register_session, SessionStatus.OPEN, SessionStatus.CLOSED):
        raise Conflict(_("This register session is already closed."))
    summary = drawer_summary(session, register_session)
    cash_difference = counted - summary.expected_cash
    card_difference = card_batch_total_minor - summary.expected_card
    _require_note(summary, counted, card_batch_total_minor, note)
    session.add(
        CashCount(
            register_session_id=register_session.id,
            kind=CountKind.CLOSING,
            pieces=_clean(pieces),
            total_minor=counted,
            counted_by_id=user.id,
        )
    )
    reconciliation = Reconciliation(
        register_session_id=register_session.id,
        expected_cash_minor=summary.expected_cash,
        counted_cash_minor=counted,
        cash_difference_minor=cash_difference,
        expected_card_minor=summary.expected_card,
        card_batch_total_minor=card_batch_total_minor,
        card_batch_reference=card_batch_reference.strip()[:120],
        card_difference_minor=card_difference,
        note=note.strip(),
        closed_at=utcnow(),
        closed_by_id=user.id,
    )
    session.add(reconciliation)
    session.flush()
    record_audit(
        session,
        "register.closed",
        "register_session",
        register_session.id,
        user_id=user.id,
        expected_cash_minor=summary.expected_cash,
        counted_cash_minor=counted,
        cash_difference_minor=cash_difference,
        card_difference_minor=card_difference,
        note=reconciliation.note,
    )
    return reconciliation


def sign_off(
    session: Session, register_session: RegisterSession, *, manager: User, note: str = ""
) -> Reconciliation:
    """A manager accepts a closed session; from then on nothing in it changes.

    Raises Forbidden unless the user is an admin (the centre's manager), Conflict unless the
    session is closed and not yet signed off (guarded UPDATE closed → signed_off).
    """
    if manager.role != Role.ADMIN:
        raise Forbidden(_("Only a manager can sign off a register."))
    if not _move(session, register_session, SessionStatus.CLOSED, SessionStatus.SIGNED_OFF):
        raise Conflict(_("Only a closed session that is not signed off yet can be signed off."))
    reconciliation = register_session.reconciliation
    reconciliation.signed_off_at = utcnow()
    reconciliation.signed_off_by_id = manager.id
    reconciliation.sign_off_note = note.strip()
    session.flush()
    record_audit(
        session,
        "register.signed_off",
        "register_session",
        register_session.id,
        user_id=manager.id,
        cash_difference_minor=reconciliation.cash_difference_minor,
        card_difference_minor=reconciliation.card_difference_minor,
    )
    return reconciliation


def record_adjustment(
    session: Session,
    register_session: RegisterSession,
    *,
    amount_minor: int,
    reason: str,
    manager: User,
    form_key: str | None = None,
) -> CashMovement:
    """Correct a signed-off session with a new signed entry; the session itself never changes.

    Adjustments are reported beside the locked figures, never folded into them. Raises
    Forbidden unless the user is a manager, Conflict unless the session is signed off, and
    DomainError for a zero amount or a missing reason. `form_key` is unique, as for
    record_cash_movement: the same form twice raises IntegrityError on the second.
    """
    if manager.role != Role.ADMIN:
        raise Forbidden(_("Only a manager can correct a signed-off register."))
    if register_session.status != SessionStatus.SIGNED_OFF:
        raise Conflict(_("Only a signed-off session is corrected with adjustments."))
    if amount_minor == 0:
        raise DomainError(_("The amount must not be zero."))
    if not reason.strip():
        raise DomainError(_("Give a reason."))
    movement = CashMovement(
        register_session_id=register_session.id,
        kind=MovementKind.ADJUSTMENT,
        amount_minor=amount_minor,
        reason=reason.strip()[:200],
        user_id=manager.id,
        form_key=form_key,
    )
    session.add(movement)
    session.flush()
    record_audit(
        session,
        "register.adjusted",
        "cash_movement",
        movement.id,
        user_id=manager.id,
        register_session=register_session.id,
        amount_minor=amount_minor,
        reason=movement.reason,
    )
    return movement
