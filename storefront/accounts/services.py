"""Users, passwords (argon2id), invitations and password resets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan, Shop
from storefront.audit import record_audit
from storefront.errors import Conflict, DomainError, Forbidden, NotFound
from storefront.inputs import parse_int
from storefront.timeutil import utcnow

from .models import Invitation, Role, User

MIN_PASSWORD_LENGTH = 10
INVITATION_DAYS = 7
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so both paths take about the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether password matches the hash (False for a missing or malformed hash)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str) -> None:
    """Raise DomainError (422) unless the password is long enough."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _l("Choose a password of at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
        )


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased, as stored."""
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, any case."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; records the sign-in time."""
    user = user_by_email(session, email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        return None
    user.last_login_at = utcnow()
    if _hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    return user


def create_user(
    session: Session,
    *,
    email: str,
    role: Role | str,
    password: str | None = None,
    artisan_id: int | None = None,
    name: str = "",
    locale: str = "ar",
    actor_id: int | None = None,
) -> User:
    """Add a user; raises Conflict (409) if the email is taken, DomainError for a bad role."""
    if role not in Role._value2member_map_:
        raise DomainError(_l("Unknown role."))
    if (role == Role.ARTISAN) != (artisan_id is not None):
        raise DomainError(_l("An artisan account must belong to one artisan."))
    if user_by_email(session, email) is not None:
        raise Conflict(_l("An account with this email already exists."))
    if artisan_id is not None and _artisan_has_account(session, artisan_id):
        raise Conflict(_l("This artisan already has an account."))
    if password is not None:
        check_password_rules(password)
    user = User(
        email=normalise_email(email),
        role=str(role),
        artisan_id=artisan_id,
        name=name,
        locale=locale,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    record_audit(session, "user.create", "user", user.id, user_id=actor_id, role=str(role))
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Replace a user's password; voids reset links made before and ends every session."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    end_sessions(session, user)


def end_sessions(session: Session, user: User) -> None:
    """End every session of this user at its next request (sign-out everywhere).

    One guarded increment in the database, so two changes at once both count.
    """
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["session_version"])


def user_for_session(session: Session, session_id: str) -> User | None:
    """The active user a session's "<id>.<version>" names, or None once it was ended."""
    raw_id, _dot, raw_version = session_id.partition(".")
    user_id, version = parse_int(raw_id), parse_int(raw_version)
    if user_id is None or version is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def set_active(session: Session, user: User, active: bool, *, actor: User) -> User:
    """Switch an account on or off; off ends its sessions. Audited.

    Raises DomainError when a user tries to switch off their own account.
    """
    if user.id == actor.id and not active:
        raise DomainError(_l("You cannot switch off your own account."))
    user.active = active
    record_audit(session, "user.active", "user", user.id, user_id=actor.id, active=active)
    end_sessions(session, user)
    return user


def _artisan_has_account(session: Session, artisan_id: int) -> bool:
    return session.scalar(select(User.id).where(User.artisan_id == artisan_id).limit(1)) is not None


def artisans_without_account(session: Session) -> list[Artisan]:
    """Active artisans who have no account yet (the ones worth inviting), by shop number."""
    has_account = select(User.artisan_id).where(User.artisan_id.is_not(None))
    return list(
        session.scalars(
            select(Artisan)
            .join(Shop, Artisan.shop_id == Shop.id)
            .where(Artisan.active.is_(True), Artisan.id.not_in(has_account))
            .order_by(Shop.number, Artisan.name)
        )
    )


def invite(
    session: Session,
    *,
    email: str,
    role: Role | str,
    artisan_id: int | None,
    created_by_id: int,
    days: int = INVITATION_DAYS,
) -> Invitation:
    """Record an invitation; the caller signs (id, nonce) into the link it sends.

    Staff may invite artisans only, managers anyone (Forbidden otherwise). Raises Conflict when
    the email, or the artisan, already has an account.
    """
    inviter = session.get(User, created_by_id)
    if inviter is None or inviter.role not in (Role.STAFF, Role.ADMIN):
        raise Forbidden(_l("You are not allowed to open this page."))
    if inviter.role == Role.STAFF and role != Role.ARTISAN:
        raise Forbidden(_l("Only a manager can invite staff or managers."))
    if user_by_email(session, email) is not None:
        raise Conflict(_l("An account with this email already exists."))
    if (role == Role.ARTISAN) != (artisan_id is not None):
        raise DomainError(_l("An artisan account must belong to one artisan."))
    if artisan_id is not None and _artisan_has_account(session, artisan_id):
        raise Conflict(_l("This artisan already has an account."))
    invitation = Invitation(
        email=normalise_email(email),
        role=str(role),
        artisan_id=artisan_id,
        nonce=secrets.token_urlsafe(32),
        created_by_id=created_by_id,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(invitation)
    session.flush()
    record_audit(
        session,
        "invitation.create",
        "invitation",
        invitation.id,
        user_id=created_by_id,
        email=invitation.email,
        role=str(role),
        artisan_id=artisan_id,
    )
    return invitation


def open_invitation(session: Session, invitation_id: int, nonce: str) -> Invitation:
    """The unused, unexpired invitation for a link; NotFound (404) otherwise."""
    invitation = session.get(Invitation, invitation_id)
    if (
        invitation is None
        or not secrets.compare_digest(invitation.nonce, nonce)
        or invitation.used_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise NotFound(_l("This invitation link is no longer valid. Ask the centre for a new one."))
    return invitation


def accept_invitation(
    session: Session, invitation: Invitation, *, password: str, name: str, locale: str
) -> User:
    """Create the invited account; a guarded update makes the link single-use (Conflict 409)."""
    check_password_rules(password)
    used = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        raise Conflict(_l("This invitation link is no longer valid. Ask the centre for a new one."))
    invitation.used_at = utcnow()
    return create_user(
        session,
        email=invitation.email,
        role=invitation.role,
        password=password,
        artisan_id=invitation.artisan_id,
        name=name,
        locale=locale,
        actor_id=invitation.created_by_id,
    )


def reset_fingerprint(user: User) -> str:
    """16 hex digits keyed on the current password hash: a reset link dies once it changes.

    A keyed digest (HMAC-SHA256 with SECRET_KEY), so that the link, which anyone who sees the
    mail can read, tells nothing of the hash to test password guesses against.
    """
    key = current_app.config["SECRET_KEY"].encode()
    message = b"password-reset:" + (user.password_hash or "none").encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def change_role(session: Session, user: User, role: str, *, actor: User) -> User:
    """Make a back-office account staff or manager; audited.

    Only managers change roles (Forbidden otherwise); an artisan's account keeps its role
    (DomainError); the last active manager cannot step down (Conflict).
    """
    if actor.role != Role.ADMIN:
        raise Forbidden(_l("Only a manager can change roles."))
    if user.role == Role.ARTISAN or role not in (Role.STAFF, Role.ADMIN):
        raise DomainError(_l("Only staff and managers can change role."))
    if user.role == Role.ADMIN and role != Role.ADMIN:
        managers = session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        if managers <= 1:
            raise Conflict(_l("The centre needs at least one manager."))
    record_audit(
        session, "user.role", "user", user.id, user_id=actor.id, before=user.role, after=role
    )
    user.role = role
    session.flush()
    end_sessions(session, user)
    return user
