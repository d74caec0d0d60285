"""CLI: `storefront ledger verify`, the book checked against the orders, refunds and payouts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from storefront.extensions import db

from .models import LedgerEntry, Payout
from .verify import verify_book


@click.group("ledger")
def ledger() -> None:
    """The artisans' book."""


@ledger.command("verify")
@with_appcontext
def verify() -> None:
    """Check every invariant of the book; exit 1 with the list of differences if any fails."""
    problems = verify_book(db.session)
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    payouts = db.session.scalar(select(func.count()).select_from(Payout))
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"ledger verify: {len(problems)} difference(s) in {entries} entries"
        )
    click.echo(f"ledger verify: {entries} entries and {payouts} payouts agree with the orders")


COMMANDS = [ledger]
