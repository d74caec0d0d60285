"""CLI: `storefront search reindex`, after an edit of the synonym table or the stemmers."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from storefront.extensions import db

from .search.reindex import reindex_products


@click.group("search")
def search_group() -> None:
    """The catalog's search index."""


@search_group.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild every piece's search text (and SQLite's full-text rows) in one transaction."""
    count = reindex_products(db.session.connection())
    db.session.commit()
    click.echo(f"reindexed {count} pieces")


COMMANDS = (search_group,)
