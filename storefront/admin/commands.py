"""CLI: `storefront demo-data`, the whole demo centre: catalog, accounts and a showroom day."""

from __future__ import annotations

import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select, text

from storefront.accounts.models import Role
from storefront.accounts.services import create_user
from storefront.artisans.models import Artisan, Shop
from storefront.catalog.demo import load_demo
from storefront.errors import DomainError
from storefront.extensions import db
from storefront.fulfilment.demo import record_demo_online_orders
from storefront.orders.models import Order
from storefront.showroom.services import local_date
from storefront.showroom.services.demo import record_demo_day
from storefront.timeutil import local_midnight, utcnow

DEMO_PASSWORD = "guelmim-demo-2026"
MIN_PRODUCTS_FOR_SHOWROOM_DAY = 40
# The demo artisan's showroom day is this old: past the 7-day return window.
DEMO_AVAILABLE_DAYS_AGO = 10


@click.command("demo-data")
@click.option("--products", default=400, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has shops.")
@with_appcontext
def demo_data(products: int, if_empty: bool) -> None:
    """Load the demo centre (100 shops, about 60 artisans, N pieces) into an empty database."""
    if db.session.scalar(select(Shop.id).limit(1)) is not None:
        if if_empty:
            click.echo("demo data: the database already has data; nothing loaded")
            return
        raise click.ClickException("the database already has shops; demo data needs an empty one")
    started = time.perf_counter()
    counts = load_demo(db.session, products=products, media_root=current_app.config["MEDIA_ROOT"])
    db.session.commit()
    accounts = _demo_accounts()
    # The demo showroom day sells six pieces from stock: it needs a catalog of some size.
    db.session.commit()
    if products >= MIN_PRODUCTS_FOR_SHOWROOM_DAY:
        _demo_artisan_money(accounts)
        day = local_date() - timedelta(days=1)
        record_demo_day(db.session, staff=accounts["staff"], manager=accounts["admin"], day=day)
        # Two paid web orders waiting at the fulfilment desk (/staff/orders), and the carriers.
        record_demo_online_orders(db.session)
    db.session.commit()
    # Fresh planner statistics: without them SQLite walks the whole catalog for a shop's pieces.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    click.echo(
        "demo data: {shops} shops, {artisans} artisans, {products} pieces".format(**counts)
        + f" in {time.perf_counter() - started:.1f} s"
    )
    for role, user in accounts.items():
        click.echo(f"  sign in as {role}: {user.email} / {DEMO_PASSWORD}")


def _demo_artisan_money(accounts: dict) -> None:
    """A showroom day of the demo artisan's pieces ten days ago: money past its return window.

    The day goes through the real till; its sales are then dated to that day (the book's own
    entries keep the moment they were written), so the demo artisan has money available to be
    paid on a fresh database, and a manager can pay it.
    """
    artisan = accounts.get("artisan")
    if artisan is None or artisan.artisan_id is None:
        return
    day = local_date() - timedelta(days=DEMO_AVAILABLE_DAYS_AGO)
    try:
        rs = record_demo_day(
            db.session, staff=accounts["staff"], manager=accounts["admin"], day=day,
            register=2, artisan_id=artisan.artisan_id,
        )  # fmt: skip
    except DomainError:  # a small catalog: fewer than six of their pieces in stock
        db.session.rollback()
        return
    shift = utcnow() - local_midnight(day) - timedelta(hours=11)
    for order in db.session.scalars(select(Order).where(Order.register_session_id == rs.id)):
        order.paid_at, order.created_at = order.paid_at - shift, order.created_at - shift
    db.session.commit()


def _demo_accounts() -> dict:
    """A manager, a showroom staff member and the first artisan, with the demo password."""
    first = db.session.scalar(select(Artisan).order_by(Artisan.id).limit(1))
    specs = {
        "admin": dict(email="manager@demo.guelmim-crafts.ma", role=Role.ADMIN, locale="fr"),
        "staff": dict(email="staff@demo.guelmim-crafts.ma", role=Role.STAFF, locale="fr"),
        "artisan": dict(
            email="artisan@demo.guelmim-crafts.ma",
            role=Role.ARTISAN,
            locale="ar",
            artisan_id=first.id if first else None,
        ),
    }
    users = {}
    for key, spec in specs.items():
        if key == "artisan" and first is None:
            continue
        users[key] = create_user(db.session, password=DEMO_PASSWORD, name=key.title(), **spec)
    return users


COMMANDS = [demo_data]
