"""CLI: `storefront demo-showroom-day`, one reconciled day at the showroom counter."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from storefront.accounts.models import Role, User
from storefront.extensions import db
from storefront.money import format_money

from .services import drawer_summary, local_date
from .services.demo import record_demo_day


def _user(role: Role, email: str, name: str) -> User:
    found = db.session.scalar(
        select(User).where(User.role == role, User.active.is_(True)).order_by(User.id).limit(1)
    )
    if found is not None:
        return found
    user = User(email=email, role=role, name=name, locale="fr")
    db.session.add(user)
    db.session.flush()
    return user


@click.command("demo-showroom-day")
@click.option("--date", "day", default=None, help="The day (YYYY-MM-DD); today by default.")
@click.option("--register", default=1, show_default=True, type=click.IntRange(1, 20))
@with_appcontext
def demo_showroom_day(day: str | None, register: int) -> None:
    """Ring up, refund, close 10 MAD short and sign off one showroom day from the demo pieces.

    The first staff and admin users do the work; without them, two demo users without a
    password are created (sign-in accounts are made with `storefront create-user`).
    """
    when = date.fromisoformat(day) if day else local_date()
    staff = _user(Role.STAFF, "showroom.staff@demo.invalid", "Showroom staff (demo)")
    manager = _user(Role.ADMIN, "showroom.manager@demo.invalid", "Manager (demo)")
    rs = record_demo_day(db.session, staff=staff, manager=manager, day=when, register=register)
    db.session.commit()
    summary, rec = drawer_summary(db.session, rs), rs.reconciliation
    click.echo(
        f"showroom day {when}: {summary.sales_count} sales, cash expected "
        f"{format_money(rec.expected_cash_minor, 'en')}, counted "
        f"{format_money(rec.counted_cash_minor, 'en')} "
        f"(difference {format_money(rec.cash_difference_minor, 'en')}), card "
        f"{format_money(rec.card_batch_total_minor, 'en')}; signed off. "
        f"See /staff/reconciliation/{when}"
    )


COMMANDS = [demo_showroom_day]
