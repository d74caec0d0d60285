"""Timestamps and the centre's calendar.

Every timestamp is stored as naive UTC, so SQLite and PostgreSQL compare them alike. Days and
months, and every time a person reads, are the centre's: the zone of the `TIMEZONE` setting
(Africa/Casablanca by default), read from the IANA database through zoneinfo: the copy pytz
ships, which Flask-Babel formats every shown time with, so the days counted and the times shown
come from one release of the database, the one the lock file pins (not the system's). The
database knows each year's rules for Morocco (UTC+1 most of the year and UTC+0 around Ramadan
until 2026; UTC+0 from 2026-09-20 in tz 2026f), so nothing here adds a fixed offset. The zone
is process-wide: create_app sets it from the configuration (services never import flask, yet
cut days with it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytz

DEFAULT_TIMEZONE = "Africa/Casablanca"


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name` ("Africa/Casablanca"); raises ValueError for an unknown name.

    Read from pytz's copy of the database (pytz.open_resource), the one Flask-Babel converts
    shown times with: the system's copy may be an older release (Morocco changed its rules in
    2026), and two releases would put a sale on one day in the books and another on screen.
    """
    if name not in pytz.all_timezones_set:
        raise ValueError(f"unknown time zone {name!r}")
    with pytz.open_resource(name) as data:
        return ZoneInfo.from_file(data, key=name)


_zone = zone_named(DEFAULT_TIMEZONE)


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
