"""Reading the audit log for managers: filtered by person, kind and the centre's days, paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, or_, select
from sqlalchemy.orm import Session

from storefront.accounts.models import User
from storefront.audit import AuditLog
from storefront.timeutil import local_day_bounds, local_midnight

PER_PAGE = 50
SYSTEM = "system"  # the person filter for entries no one signed in made (webhooks, the worker)
# Families of actions (the part before the dot), as managers name them.
KIND_LABELS = {
    "artisan": _l("Artisans' profiles"),
    "attention": _l("Attention queue"),
    "invitation": _l("Invitations"),
    "listing": _l("Listings"),
    "order": _l("Orders and payments"),
    "register": _l("Cash drawer"),
    "shipping": _l("Shipping rates"),
    "showroom": _l("Showroom sales and refunds"),
    "user": _l("Accounts and roles"),
}


@dataclass(frozen=True)
class AuditFilter:
    """What to show: a person (a user id, SYSTEM, or None for everyone), a kind, local days."""

    person: int | str | None = None
    kind: str | None = None
    day_from: date | None = None
    day_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first, with their users."""

    entries: list[AuditLog]
    users: dict[int, User]
    page: int
    has_next: bool


def audit_kinds(session: Session) -> list[str]:
    """The action families present in the log, sorted (e.g. "order", "user")."""
    actions = session.scalars(select(distinct(AuditLog.action))).all()
    return sorted({action.partition(".")[0] for action in actions})


def audit_people(session: Session) -> list[User]:
    """The users who appear in the log, by email."""
    ids = select(distinct(AuditLog.user_id)).where(AuditLog.user_id.is_not(None))
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.email)))


def audit_entries(session: Session, chosen: AuditFilter, *, page: int = 1) -> AuditPage:
    """Entries matching `chosen`, newest first, PER_PAGE a page (page counts from 1).

    Days are the centre's (timeutil.local_day_bounds): day_to is included whole. A kind matches
    its family ("order" matches "order.paid") or one exact action.
    """
    query = select(AuditLog)
    if chosen.person == SYSTEM:
        query = query.where(AuditLog.user_id.is_(None))
    elif isinstance(chosen.person, int):
        query = query.where(AuditLog.user_id == chosen.person)
    if chosen.kind:
        query = query.where(
            or_(AuditLog.action == chosen.kind, AuditLog.action.startswith(chosen.kind + "."))
        )
    if chosen.day_from is not None:
        query = query.where(AuditLog.created_at >= local_midnight(chosen.day_from))
    if chosen.day_to is not None:
        query = query.where(AuditLog.created_at < local_day_bounds(chosen.day_to)[1])
    rows = list(
        session.scalars(
            query.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE + 1)
        )
    )
    ids = {row.user_id for row in rows if row.user_id is not None}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return AuditPage(rows[:PER_PAGE], users, page, len(rows) > PER_PAGE)
