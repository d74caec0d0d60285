"""Append-only audit log of who changed money, stock, listings and roles."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db
from .timeutil import utcnow


class AuditLog(db.Model):
    """One action by one user (or the system) on one object."""

    __tablename__ = "audit_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(Text, default="{}")

    @property
    def data(self) -> dict[str, Any]:
        """The detail as a dict."""
        return json.loads(self.detail or "{}")


def record_audit(
    session: Session,
    action: str,
    obj_type: str,
    obj_id: int | None,
    *,
    user_id: int | None,
    **detail: Any,
) -> AuditLog:
    """Add an audit entry in the caller's transaction; it commits or rolls back with the change."""
    entry = AuditLog(
        user_id=user_id,
        action=action,
        object_type=obj_type,
        object_id=obj_id,
        detail=json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True),
    )
    session.add(entry)
    return entry
