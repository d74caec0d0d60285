"""Users of the back office: admins, showroom staff and artisans."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.artisans.models import Artisan
from storefront.extensions import db
from storefront.timeutil import utcnow


class Role(StrEnum):
    """What a user may do; artisans are also tied to one Artisan."""

    ADMIN = "admin"
    STAFF = "staff"
    ARTISAN = "artisan"


class User(UserMixin, db.Model):
    """A person who signs in. Tourists never need an account."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'artisan') = (artisan_id IS NOT NULL)", name="artisan_role_has_artisan"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    locale: Mapped[str] = mapped_column(String(2), default="ar")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session's user id: moving it on sign-out, a password or role change or
    # switching the account off ends all of the user's sessions at their next request.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    artisan: Mapped[Artisan | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: "<user id>.<session version>"."""
        return f"{self.id}.{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Invitation(db.Model):
    """A signed, single-use, expiring link for a new artisan or staff member to set a password."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16))
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id"))
    # Random part of the signed token, so a used or revoked link can never be replayed.
    nonce: Mapped[str] = mapped_column(String(43), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    artisan: Mapped[Artisan | None] = relationship()
