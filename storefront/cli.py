"""The `storefront` command: Flask's CLI (run, db, shell) plus the shop's own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    """Attach every package's commands to app.cli (so `storefront` and `flask` both see them)."""
    from storefront.accounts.commands import COMMANDS as accounts
    from storefront.admin.commands import COMMANDS as admin
    from storefront.catalog.commands import COMMANDS as catalog
    from storefront.checkout.commands import COMMANDS as checkout
    from storefront.i18n_tools import i18n
    from storefront.jobs import worker_command
    from storefront.ledger.commands import COMMANDS as ledger
    from storefront.showroom.commands import COMMANDS as showroom

    for command in (
        i18n,
        worker_command,
        *accounts,
        *catalog,
        *checkout,
        *showroom,
        *admin,
        *ledger,
    ):
        app.cli.add_command(command)


def _create_app(*_args, **_kwargs) -> Flask:
    from storefront import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Manage the storefront: run, db upgrade, demo-data, create-user, ..."""
