"""Mail to artisans about their money (a payout, a statement ready), in their language."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.accounts.models import Role, User
from storefront.artisans.models import Artisan
from storefront.ledger.models import Payout
from storefront.ledger.statements import (
    artisans_to_notify,
    previous_month,
    record_statement_notice,
)
from storefront.mail.models import OutboxMessage
from storefront.mail.services import queue_account_email
from storefront.urls import public_url


def _account(session: Session, artisan_id: int) -> User | None:
    return session.scalar(
        select(User)
        .where(User.artisan_id == artisan_id, User.role == Role.ARTISAN, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def queue_payout_mail(session: Session, payout: Payout) -> OutboxMessage | None:
    """Queue "you were paid" to the artisan's active account, in its language; None without one.

    Needs a request or app context (it renders a template); the caller commits.
    """
    user = _account(session, payout.artisan_id)
    if user is None:
        return None
    maker = session.get(Artisan, payout.artisan_id)
    with force_locale(user.locale or "ar"):
        subject = _("You were paid %(reference)s", reference=payout.reference)
        body = render_template(
            "ledger/mail/payout.txt",
            payout=payout,
            maker=maker,
            link=public_url("dashboard.statements"),
        )
    return queue_account_email(
        session, to=user.email, locale=user.locale or "ar", subject=subject, body=body
    )


def queue_statement_mails(session: Session, *, now: datetime | None = None) -> int:
    """Tell each artisan with entries last month that its statement is ready; once each.

    Records a StatementNotice per artisan (also for those without an account, so none is
    retried forever) and queues the mail in their language. Returns the mails queued; the
    caller commits. Needs an app context (it renders a template).
    """
    month = previous_month(now)
    queued = 0
    for artisan_id in artisans_to_notify(session, month):
        record_statement_notice(session, artisan_id, month)
        user = _account(session, artisan_id)
        if user is None:
            continue
        maker = session.get(Artisan, artisan_id)
        with force_locale(user.locale or "ar"):
            name = format_date(month, "MMMM y")
            subject = _("Your statement for %(month)s is ready", month=name)
            body = render_template(
                "ledger/mail/statement.txt",
                maker=maker,
                month=name,
                link=public_url("dashboard.statement", month=month.strftime("%Y-%m")),
            )
        queue_account_email(
            session, to=user.email, locale=user.locale or "ar", subject=subject, body=body
        )
        queued += 1
    return queued
