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
from storefront.extensions import db
from storefront.fulfilment.demo import record_demo_online_orders
from storefront.showroom.services import local_date
from storefront.showroom.services.demo import record_demo_day

DEMO_PASSWORD = "guelmim-demo-2026"
MIN_PRODUCTS_FOR_SHOWROOM_DAY = 40


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
    if products >= MIN_PRODUCTS_FOR_SHOWROOM_DAY:
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
