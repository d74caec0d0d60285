"""The mail an artisan gets when they are paid, written in their account's language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.accounts.models import Role, User
from storefront.artisans.models import Artisan
from storefront.ledger.models import Payout
from storefront.mail.models import OutboxMessage
from storefront.mail.services import queue_account_email
from storefront.urls import public_url


def queue_payout_mail(session: Session, payout: Payout) -> OutboxMessage | None:
    """Queue "you were paid" to the artisan's active account, in its language; None without one.

    Needs a request or app context (it renders a template); the caller commits.
    """
    user = session.scalar(
        select(User)
        .where(
            User.artisan_id == payout.artisan_id,
            User.role == Role.ARTISAN,
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    )
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
