"""Rendering and sending the outbox: SMTP when MAIL_SERVER is set, otherwise the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from storefront.artisans.models import Artisan
from storefront.centre.details import centre_details
from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order
from storefront.urls import public_url

from . import services
from .models import STEP_KINDS, MessageKind, OutboxMessage

log = logging.getLogger("storefront.mail")
STEP_SUBJECTS = {
    MessageKind.PREPARING: _l("We are preparing your order %(number)s"),
    MessageKind.READY_FOR_PICKUP: _l("Your order %(number)s is ready for pickup"),
    MessageKind.SHIPPED: _l("Your order %(number)s is on its way"),
    MessageKind.COLLECTED: _l("Your order %(number)s was collected"),
    MessageKind.DELIVERED: _l("Your order %(number)s was delivered"),
    MessageKind.CANCELLED: _l("Your order %(number)s was cancelled and refunded"),
}
SMTP_TIMEOUT_SECONDS = 10


def render_message(message: OutboxMessage) -> tuple[str, str]:
    """Subject and plain-text body, in the recipient's language."""
    if message.kind in (MessageKind.ACCOUNT, MessageKind.CONTACT):  # written when queued
        return message.subject or "", message.body or ""
    order = db.session.get(Order, message.order_id)
    link = public_url("orders.view", token=order.token)

    def fmt(minor: int) -> str:
        """Money in the recipient's language."""
        return format_money(minor, message.locale, order.currency)

    with force_locale(message.locale):
        if message.kind in STEP_KINDS:
            subject = str(STEP_SUBJECTS[message.kind]) % {"number": order.number}
            body = render_template(
                f"orders/mail/{message.kind}.txt",
                order=order,
                link=link,
                fmt=fmt,
                lang=message.locale,
                centre=centre_details(),
            )
        elif message.kind == MessageKind.RECEIPT:
            subject = _("Your order %(number)s", number=order.number)
            body = render_template(
                "orders/mail/receipt.txt", order=order, link=link, fmt=fmt, lang=message.locale
            )
        else:
            artisan = db.session.get(Artisan, message.artisan_id)
            lines = [line for line in order.lines if line.artisan_id == message.artisan_id]
            subject = _("Sold: order %(number)s", number=order.number)
            body = render_template(
                "orders/mail/artisan_notice.txt",
                order=order,
                lines=lines,
                artisan=artisan,
                fmt=fmt,
                lang=message.locale,
                dashboard_link=public_url("dashboard.index"),
            )
    return subject, body


def _smtp(config) -> smtplib.SMTP:
    """An open SMTP connection: implicit TLS with MAIL_USE_SSL, else STARTTLS with MAIL_USE_TLS.

    Both verify the server's certificate against the system's trust store.
    """
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config.get("MAIL_USE_SSL"):
        return smtplib.SMTP_SSL(
            host, port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
    if config.get("MAIL_USE_TLS"):
        try:
            smtp.starttls(context=ssl.create_default_context())
        except Exception:  # close the socket before the error goes on
            smtp.close()
            raise
    return smtp


def send_email(to: str, subject: str, body: str) -> None:
    """Send one message by SMTP with the MAIL_* settings, or write it to the log without them."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("email to %s: %s\n%s", to, subject, body)
        return
    sender = config["MAIL_DEFAULT_SENDER"]
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    # Without a domain make_msgid uses this machine's name, which says nothing about the shop.
    mail["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    mail.set_content(body)
    with _smtp(config) as smtp:
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(mail)


def deliver_outbox(limit: int = 20) -> dict[str, int]:
    """Send the messages that are due, each in its own transaction; failures are retried later.

    Never raises for a mail problem: a failed message is counted and rescheduled.
    """
    counts = {"sent": 0, "failed": 0}
    for message_id in services.due_messages(db.session, limit=limit):
        if not services.claim_message(db.session, message_id):
            db.session.rollback()
            continue
        db.session.commit()
        message = db.session.get(OutboxMessage, message_id)
        try:
            subject, body = render_message(message)
            send_email(message.to_address, subject, body)
        except Exception as exc:  # any mail failure is retried later; the others still go
            log.warning("email %s not sent: %s", message_id, exc)
            services.record_failure(db.session, message, f"{type(exc).__name__}: {exc}")
            counts["failed"] += 1
        else:
            services.record_sent(db.session, message)
            counts["sent"] += 1
        db.session.commit()
    return counts
