"""CLI: `storefront create-user`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from storefront.errors import DomainError
from storefront.extensions import db

from .models import Role
from .services import create_user


@click.command("create-user")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--artisan-id", type=int, default=None, help="Required for the artisan role.")
@click.option("--name", default="")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(role: str, email: str, artisan_id: int | None, name: str, password: str):
    """Create an account that can sign in (an admin for a new centre, for instance)."""
    try:
        user = create_user(
            db.session, email=email, role=role, password=password, artisan_id=artisan_id, name=name
        )
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from exc
    db.session.commit()
    click.echo(f"created {user.role} {user.email}")


COMMANDS = [create_user_command]
