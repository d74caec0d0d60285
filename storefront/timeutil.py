"""Timestamps and the centre's calendar.

Every timestamp is stored as naive UTC, so SQLite and PostgreSQL compare them alike. Days and
months, and every time a person reads, are the centre's: the zone of the `TIMEZONE` setting
(Africa/Casablanca by default), read from the IANA database through zoneinfo. Morocco is UTC+1
most of the year and UTC+0 around Ramadan; the database knows each year's changes, so nothing
here adds a fixed offset. The zone is process-wide: create_app sets it from the configuration
(services never import flask, yet cut days with it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Africa/Casablanca"

_zone = ZoneInfo(DEFAULT_TIMEZONE)


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name` ("Africa/Casablanca"); raises ValueError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def set_local_zone(name: str) -> ZoneInfo:
    """Make `name` the centre's zone for this process; raises ValueError for an unknown name."""
    global _zone
    _zone = zone_named(name)
    return _zone


def local_zone() -> ZoneInfo:
    """The centre's zone."""
    return _zone


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo (the database convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """An aware datetime in the centre's zone; a naive `moment` is read as UTC (as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone)


def to_utc(moment: datetime) -> datetime:
    """A naive-UTC datetime (the database convention); a naive `moment` is already UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    """The current time in the centre's zone (aware)."""
    return to_local(utcnow())


def local_date(moment: datetime | None = None) -> date:
    """The centre's calendar day of a naive-UTC moment, or of now."""
    return to_local(moment or utcnow()).date()


def local_midnight(day: date) -> datetime:
    """The naive-UTC instant at which the local day `day` begins."""
    return to_utc(datetime.combine(day, time(0), tzinfo=_zone))


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """(start, end) in naive UTC of the local day `day`: start <= t < end.

    For Guelmim in July, 2026-07-01 is 2026-06-30 23:00 to 2026-07-01 23:00 UTC; during
    Ramadan (UTC+0) a day is midnight to midnight UTC.
    """
    return local_midnight(day), local_midnight(day + timedelta(days=1))


def local_month_bounds(month: date) -> tuple[datetime, datetime]:
    """(start, end) in naive UTC of the local calendar month holding the day `month`."""
    first = month.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return local_midnight(first), local_midnight(following)
