"""The centre's opening hours and which shops are open now; the contact form's message.

Times are wall-clock times in the centre's zone (TIMEZONE, storefront.timeutil); "now" is read
in that zone, so a shop that opens at 09:00 is open from 09:00 Guelmim time whatever the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storefront.artisans.models import Artisan, Shop
from storefront.audit import record_audit
from storefront.catalog.models import CatalogChange, Product, ProductStatus
from storefront.errors import DomainError
from storefront.mail.models import MessageKind, OutboxMessage
from storefront.timeutil import to_local, utcnow

from .models import CentreHours

WEEKDAYS = range(1, 8)  # ISO: 1 = Monday … 7 = Sunday
# The centre's usual week, for the days managers have not set: Monday to Saturday
# 09:00-19:00, Sunday 10:00-17:00.
USUAL_HOURS: dict[int, tuple[time, time] | None] = {
    **{day: (time(9), time(19)) for day in range(1, 7)},
    7: (time(10), time(17)),
}


@dataclass(frozen=True)
class DayHours:
    """One weekday's hours: `opens` and `closes` are both None on a day the centre is shut."""

    weekday: int
    opens: time | None
    closes: time | None

    @property
    def closed(self) -> bool:
        """Whether the centre stays shut all that day."""
        return self.opens is None


@dataclass(frozen=True)
class HoursSpan:
    """Consecutive weekdays `first`..`last` (ISO numbers) that share the same hours."""

    first: int
    last: int
    opens: time | None
    closes: time | None


def opening_hours(session: Session) -> list[DayHours]:
    """The centre's week, Monday first; a weekday managers never set has USUAL_HOURS."""
    rows = {row.weekday: row for row in session.scalars(select(CentreHours))}
    week = []
    for day in WEEKDAYS:
        if day in rows:
            week.append(DayHours(day, rows[day].opens_at, rows[day].closes_at))
        else:
            opens, closes = USUAL_HOURS[day] or (None, None)
            week.append(DayHours(day, opens, closes))
    return week


def group_days(week: list[DayHours]) -> list[HoursSpan]:
    """Runs of consecutive days with the same hours: Mon–Sat 09:00–19:00, Sun 10:00–17:00."""
    spans: list[HoursSpan] = []
    for day in week:
        last = spans[-1] if spans else None
        if last and (last.opens, last.closes) == (day.opens, day.closes):
            spans[-1] = HoursSpan(last.first, day.weekday, day.opens, day.closes)
        else:
            spans.append(HoursSpan(day.weekday, day.weekday, day.opens, day.closes))
    return spans


def set_opening_hours(
    session: Session, week: dict[int, tuple[time, time] | None], *, user_id: int
) -> list[int]:
    """Replace the hours of the weekdays in `week` (ISO weekday -> (opens, closes) or None).

    Returns the weekdays that changed. Raises DomainError (422) when a day closes before it
    opens. Each change is audited with the old and new hours, and one catalog change naming
    nothing is recorded, so every cached page (their footers show the hours) is drawn again.
    """
    current = {day.weekday: day for day in opening_hours(session)}
    changed = []
    for weekday, span in sorted(week.items()):
        if weekday not in current:
            raise DomainError(_l("There is no such day."))
        opens, closes = span if span else (None, None)
        if span and not opens < closes:
            raise DomainError(_l("A day must close after it opens."))
        before = current[weekday]
        if (before.opens, before.closes) == (opens, closes):
            continue
        result = session.execute(
            update(CentreHours)
            .where(CentreHours.weekday == weekday)
            .values(opens_at=opens, closes_at=closes)
        )
        if result.rowcount == 0:
            session.add(CentreHours(weekday=weekday, opens_at=opens, closes_at=closes))
        record_audit(
            session,
            "centre.hours_changed",
            "centre_hours",
            weekday,
            user_id=user_id,
            before=_shown(before.opens, before.closes),
            after=_shown(opens, closes),
        )
        changed.append(weekday)
    if changed:
        session.add(CatalogChange())
    session.flush()
    return changed


def _shown(opens: time | None, closes: time | None) -> str:
    return "closed" if opens is None else f"{opens:%H:%M}-{closes:%H:%M}"


def is_open(opens: time | None, closes: time | None, at: time) -> bool:
    """Whether `at` falls in [opens, closes); never on a closed day."""
    return opens is not None and closes is not None and opens <= at < closes


def open_now(session: Session, *, now: datetime | None = None) -> tuple[DayHours, list[Shop]]:
    """Today's centre hours and the shops open at `now` (naive UTC; default the present).

    A shop is open when the centre is open, it is not its `closed_weekday`, and the local time
    is in [opens_at, closes_at). Shops come in number order.
    """
    local = to_local(now or utcnow())
    weekday, at = local.isoweekday(), local.time().replace(tzinfo=None)
    today = opening_hours(session)[weekday - 1]
    if not is_open(today.opens, today.closes, at):
        return today, []
    shops = session.scalars(select(Shop).order_by(Shop.number)).all()
    return today, [
        shop
        for shop in shops
        if shop.closed_weekday != weekday and is_open(shop.opens_at, shop.closes_at, at)
    ]


def next_opening(
    week: list[DayHours], *, now: datetime | None = None
) -> tuple[DayHours | None, bool]:
    """When the centre next opens after `now` (naive UTC): (that day's hours, whether today).

    (None, False) when every day of `week` (ISO weekdays 1-7, in order) is closed.
    """
    local = to_local(now or utcnow())
    weekday, at = local.isoweekday(), local.time().replace(tzinfo=None)
    today = week[weekday - 1]
    if not today.closed and at < today.opens:
        return today, True
    for ahead in range(1, 8):
        day = week[(weekday - 1 + ahead) % 7]
        if not day.closed:
            return day, False
    return None, False


def queue_contact_message(
    session: Session,
    *,
    to: str,
    name: str,
    email: str,
    subject: str,
    body: str,
    locale: str,
) -> OutboxMessage:
    """Queue a visitor's message to the centre's address `to`; the worker sends it.

    The message is written now (kind "contact"), in plain text, with the visitor's address in
    it for the reply; `locale` is the language they wrote from.
    """
    text = f"{name} <{email}>\n{locale}\n\n{body}\n"
    message = OutboxMessage(
        kind=MessageKind.CONTACT,
        to_address=to,
        locale=locale,
        subject=subject[:200],
        body=text,
    )
    session.add(message)
    session.flush()
    return message


def public_pages(session: Session) -> tuple[list[str], list[str], list[int]]:
    """What the sitemap lists: live pieces' slugs, active makers' slugs, shop numbers.

    Live means status "active": drafts, pieces waiting for review, rejected and archived
    ones are left out. Each list is in a stable order (slug, number).
    """
    products = session.scalars(
        select(Product.slug).where(Product.status == ProductStatus.ACTIVE).order_by(Product.slug)
    ).all()
    makers = session.scalars(
        select(Artisan.slug).where(Artisan.active.is_(True)).order_by(Artisan.slug)
    ).all()
    shops = session.scalars(select(Shop.number).order_by(Shop.number)).all()
    return list(products), list(makers), list(shops)
