"""The cash drawer: open with a counted float, pay in and out, close, sign off, correct.

Locking rule: anything recorded against a session first runs the guarded
`UPDATE register_sessions SET status = status WHERE id = :id AND status = 'open'`. On
PostgreSQL that row lock serialises it with closing (which moves the status with the same kind
of guarded UPDATE before it adds anything up), so no sale can slip in after the expected cash
was computed; on SQLite writers are serialised anyway. A session that is no longer open raises
Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.accounts.models import User
from storefront.audit import record_audit
from storefront.errors import Conflict, DomainError
from storefront.timeutil import local_date, utcnow

from ..models import (
    DENOMINATIONS,
    CashCount,
    CashMovement,
    CountKind,
    MovementKind,
    RegisterSession,
    SessionStatus,
    ShowroomPayment,
    TenderMethod,
)
from ..models import Refund as RefundModel


def count_total(pieces: dict[int | str, int]) -> int:
    """Add up a drawer count {denomination_minor: how_many}; raises DomainError on a bad entry."""
    total = 0
    for key, how_many in pieces.items():
        denomination = int(key)
        if denomination not in DENOMINATIONS:
            raise DomainError(_("Unknown note or coin: %(value)s.", value=key))
        if not isinstance(how_many, int) or how_many < 0:
            raise DomainError(_("Counts must be whole numbers, zero or more."))
        total += denomination * how_many
    return total


def _clean(pieces: dict[int | str, int]) -> dict[str, int]:
    return {str(int(k)): int(v) for k, v in sorted(pieces.items(), key=lambda kv: -int(kv[0]))}


def open_session_for(session: Session, register: int) -> RegisterSession | None:
    """The register's open session, if any."""
    return session.scalar(
        select(RegisterSession).where(
            RegisterSession.register == register, RegisterSession.status == SessionStatus.OPEN
        )
    )


def open_register(
    session: Session,
    *,
    register: int,
    pieces: dict[int | str, int],
    user: User,
    business_date: date | None = None,
) -> RegisterSession:
    """Open a register with a float counted by denomination.

    One open session per register: checked first for a clear message, and enforced by the
    partial unique index, whose IntegrityError (a concurrent opening) becomes Conflict (409).
    The session belongs to today's local date unless business_date says otherwise.
    """
    if open_session_for(session, register) is not None:
        raise Conflict(_("Register %(number)s is already open.", number=register))
    total = count_total(pieces)
    now = utcnow()
    register_session = RegisterSession(
        register=register,
        status=SessionStatus.OPEN,
        business_date=business_date or local_date(now),
        float_minor=total,
        opened_at=now,
        opened_by_id=user.id,
    )
    session.add(register_session)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(_("Register %(number)s is already open.", number=register)) from exc
    session.add(
        CashCount(
            register_session_id=register_session.id,
            kind=CountKind.OPENING,
            pieces=_clean(pieces),
            total_minor=total,
            counted_by_id=user.id,
        )
    )
    record_audit(
        session,
        "register.opened",
        "register_session",
        register_session.id,
        user_id=user.id,
        register=register,
        float_minor=total,
    )
    session.flush()
    return register_session


def hold_open(session: Session, register_session: RegisterSession) -> None:
    """Lock the session row for this transaction if it is open; raises Conflict otherwise."""
    result = session.execute(
        update(RegisterSession)
        .where(
            RegisterSession.id == register_session.id,
            RegisterSession.status == SessionStatus.OPEN,
        )
        .values(status=RegisterSession.status)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("This register session is closed; open the register again."))


@dataclass(frozen=True)
class DrawerSummary:
    """A session's takings by method and the cash the drawer should hold; minor units."""

    float_minor: int
    cash_sales: int
    cash_refunds: int
    paid_in: int
    paid_out: int
    card_sales: int
    card_refunds: int
    sales_count: int

    @property
    def expected_cash(self) -> int:
        """float + cash sales − cash refunds + paid-in − paid-out."""
        return self.float_minor + self.cash_sales - self.cash_refunds + self.paid_in - self.paid_out

    @property
    def expected_card(self) -> int:
        """What the card terminal's batch should total: card sales − card refunds."""
        return self.card_sales - self.card_refunds


def drawer_summary(session: Session, register_session: RegisterSession) -> DrawerSummary:
    """Sum a session's payments, refunds and movements (adjustments after sign-off excluded)."""
    sid = register_session.id
    paid = dict(
        session.execute(
            select(ShowroomPayment.method, func.sum(ShowroomPayment.amount_minor))
            .where(ShowroomPayment.register_session_id == sid)
            .group_by(ShowroomPayment.method)
        ).all()
    )
    refunded = dict(
        session.execute(
            select(RefundModel.method, func.sum(RefundModel.amount_minor))
            .where(RefundModel.register_session_id == sid)
            .group_by(RefundModel.method)
        ).all()
    )
    moved = dict(
        session.execute(
            select(CashMovement.kind, func.sum(CashMovement.amount_minor))
            .where(CashMovement.register_session_id == sid)
            .group_by(CashMovement.kind)
        ).all()
    )
    sales_count = session.scalar(
        select(func.count(func.distinct(ShowroomPayment.order_id))).where(
            ShowroomPayment.register_session_id == sid
        )
    )
    return DrawerSummary(
        float_minor=register_session.float_minor,
        cash_sales=int(paid.get(TenderMethod.CASH) or 0),
        cash_refunds=int(refunded.get(TenderMethod.CASH) or 0),
        paid_in=int(moved.get(MovementKind.PAID_IN) or 0),
        paid_out=-int(moved.get(MovementKind.PAID_OUT) or 0),
        card_sales=int(paid.get(TenderMethod.CARD_TERMINAL) or 0),
        card_refunds=int(refunded.get(TenderMethod.CARD_TERMINAL) or 0),
        sales_count=int(sales_count or 0),
    )


def movement_by_key(session: Session, key: str) -> CashMovement | None:
    """The paid-in, paid-out or adjustment already recorded for a form's one-time key."""
    return session.scalar(select(CashMovement).where(CashMovement.form_key == key[:64]))


def record_cash_movement(
    session: Session,
    register_session: RegisterSession,
    *,
    kind: MovementKind,
    amount_minor: int,
    reason: str,
    user: User,
    form_key: str | None = None,
) -> CashMovement:
    """Record cash paid in or out of an open drawer, with a reason.

    amount_minor is positive; paid-out is stored negative. Raises DomainError for a zero amount,
    a missing reason, or a paid-out larger than the cash the drawer should hold; Conflict when
    the session is not open (see the module's locking rule). `form_key` is stored under a
    unique constraint, so the same form committed twice raises IntegrityError on the second
    (after the first's row lock on the session, on PostgreSQL) and the caller shows the first.
    """
    if kind not in (MovementKind.PAID_IN, MovementKind.PAID_OUT):
        raise DomainError(_("Choose paid in or paid out."))
    if amount_minor <= 0:
        raise DomainError(_("The amount must be more than zero."))
    if not reason.strip():
        raise DomainError(_("Give a reason."))
    hold_open(session, register_session)
    if kind == MovementKind.PAID_OUT:
        if amount_minor > drawer_summary(session, register_session).expected_cash:
            raise DomainError(_("The drawer does not hold that much cash."))
    movement = CashMovement(
        register_session_id=register_session.id,
        kind=kind,
        amount_minor=amount_minor if kind == MovementKind.PAID_IN else -amount_minor,
        reason=reason.strip()[:200],
        user_id=user.id,
        form_key=form_key,
    )
    session.add(movement)
    session.flush()
    record_audit(
        session,
        f"register.{kind}",
        "cash_movement",
        movement.id,
        user_id=user.id,
        register_session=register_session.id,
        amount_minor=movement.amount_minor,
        reason=movement.reason,
    )
    return movement
