"""`storefront release-expired-holds` and `storefront send-mail`: one-shot runs of worker jobs."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.extensions import db
from storefront.mail.sender import deliver_outbox

from .expiry import release_expired_holds
from .gateways import for_config


@click.command("release-expired-holds")
@with_appcontext
def release_expired_holds_command() -> None:
    """Release every hold that has ended now, then send the mail that caused (the worker's job).

    Each order is settled in its own transaction; an order paid at the last moment is fulfilled
    instead, and one whose gateway did not answer is left for the next run.
    """
    outcomes = release_expired_holds(db.session, for_config(current_app.config))
    counts: dict[str, int] = {}
    for number, outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
        click.echo(f"{number}: {outcome}")
    # Without a worker nothing else would send the receipt of an order paid at the last moment.
    sent = deliver_outbox()
    click.echo(f"done: {counts or 'nothing to release'}; mail {sent}")


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the outbox's due messages (retries included) once; the worker does it every minute."""
    click.echo(deliver_outbox(limit=200))


COMMANDS = [release_expired_holds_command, send_mail_command]
