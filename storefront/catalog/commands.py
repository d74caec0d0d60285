"""CLI: `storefront demo-data`."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select, text

from storefront.artisans.models import Shop
from storefront.extensions import db

from .demo import load_demo


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
    # Fresh planner statistics: without them SQLite walks the whole catalog for a shop's pieces.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    click.echo(
        "demo data: {shops} shops, {artisans} artisans, {products} pieces".format(**counts)
        + f" in {time.perf_counter() - started:.1f} s"
    )


COMMANDS = [demo_data]
