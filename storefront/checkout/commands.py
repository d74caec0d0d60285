"""`storefront release-expired-holds` and `storefront send-mail`, both safe to run from cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.extensions import db
from storefront.mail.sender import deliver_outbox

from .fulfil import expired_holds, settle_hold
from .gateways import GatewayError, for_config


@click.command("release-expired-holds")
@with_appcontext
def release_expired_holds_command() -> None:
    """Expire the payment session of every order whose hold ended, then return its stock.

    Each order is settled in its own transaction; an order paid at the last moment is fulfilled
    instead, and one whose gateway did not answer is left for the next run.
    """
    gateway = for_config(current_app.config)
    counts: dict[str, int] = {}
    for order in expired_holds(db.session):
        try:
            outcome = settle_hold(db.session, order, gateway, reason="hold expired")
            db.session.commit()
        except GatewayError as exc:
            db.session.rollback()
            outcome = "gateway unavailable"
            click.echo(f"{order.number}: {exc}", err=True)
        counts[outcome] = counts.get(outcome, 0) + 1
        click.echo(f"{order.number}: {outcome}")
    sent = deliver_outbox()
    click.echo(f"done: {counts or 'nothing to release'}; mail {sent}")


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the outbox's due messages (retries included)."""
    click.echo(deliver_outbox(limit=200))


COMMANDS = [release_expired_holds_command, send_mail_command]
