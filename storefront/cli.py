"""The `storefront` command: Flask's CLI (run, db, shell) plus the shop's own commands."""

from __future__ import annotations

import importlib
import importlib.util

import click
from flask import Flask
from flask.cli import FlaskGroup

# Each package may define `commands.py` with a COMMANDS list of click commands.
COMMAND_PACKAGES = ("catalog", "accounts", "checkout", "orders", "ledger", "showroom", "admin")


def register_commands(app: Flask) -> None:
    """Attach every package's commands to app.cli (so `storefront` and `flask` both see them)."""
    from storefront.i18n_tools import i18n
    from storefront.jobs import worker_command

    app.cli.add_command(i18n)
    app.cli.add_command(worker_command)
    for package in COMMAND_PACKAGES:
        name = f"storefront.{package}.commands"
        if importlib.util.find_spec(name) is not None:
            for command in importlib.import_module(name).COMMANDS:
                app.cli.add_command(command)


def _create_app(*_args, **_kwargs) -> Flask:
    from storefront import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Manage the storefront: run, db upgrade, demo-data, create-user, ..."""
