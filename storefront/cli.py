"""The `storefront` command: Flask's CLI plus the shop's own commands."""

from __future__ import annotations

import importlib
import importlib.util

import click
from flask.cli import FlaskGroup

from storefront import create_app

# Each package may define `commands.py` with a COMMANDS list of click commands.
COMMAND_PACKAGES = ("catalog", "accounts", "checkout", "orders", "ledger", "showroom", "admin")


def _create_app(*_args, **_kwargs):
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Manage the storefront: run, db upgrade, demo-data, create-user, ..."""


def _register_commands() -> None:
    from storefront.i18n_tools import i18n

    main.add_command(i18n)
    for package in COMMAND_PACKAGES:
        name = f"storefront.{package}.commands"
        if importlib.util.find_spec(name) is not None:
            for command in importlib.import_module(name).COMMANDS:
                main.add_command(command)


_register_commands()
