"""The centre's opening hours, one row per weekday, set by managers."""

from __future__ import annotations

from datetime import time

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import db


class CentreHours(db.Model):
    """When the centre (showroom and activities zone) opens on one ISO weekday (1 = Monday).

    Both times null: closed that day. Wall-clock times in the centre's zone (TIMEZONE).
    """

    __tablename__ = "centre_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="weekday_range"),
        CheckConstraint(
            "(opens_at IS NULL AND closes_at IS NULL) OR "
            "(opens_at IS NOT NULL AND closes_at IS NOT NULL AND opens_at < closes_at)",
            name="open_before_close",
        ),
    )

    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opens_at: Mapped[time | None]
    closes_at: Mapped[time | None]

    @property
    def closed(self) -> bool:
        """Whether the centre stays shut all that day."""
        return self.opens_at is None
