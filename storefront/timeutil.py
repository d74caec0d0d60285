"""Timestamps: stored as naive UTC so SQLite and PostgreSQL compare them alike."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo (the database convention)."""
    return datetime.now(UTC).replace(tzinfo=None)
