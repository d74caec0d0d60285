"""The outbox: receipts in the buyer's language, artisans' notices, retries when mail is down."""

from __future__ import annotations

import logging
import socket

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.mail.models import MessageStatus, OutboxMessage
from storefront.mail.sender import deliver_outbox
from storefront.mail.services import queue_order_emails
from storefront.orders.models import Channel
from storefront.orders.services import create_order, mark_paid
from tests.factories import make_artisan, make_product, make_user


def _paid_order(session, locale="fr"):
    potter = make_artisan(session, name="Fatima")
    weaver = make_artisan(session, name="Aicha")
    make_user(
        session, role="artisan", artisan_id=potter.id, email="fatima@example.com", locale="ar"
    )
    pot = make_product(session, artisan=potter, title_fr="Jarre", title_ar="جرة", stock=2)
    rug = make_product(session, artisan=weaver, title_fr="Tapis", stock=1)
    order = create_order(
        session,
        channel=Channel.ONLINE,
        lines=[(pot.id, 1), (rug.id, 1)],
        customer_email="buyer@example.com",
        locale=locale,
    )
    mark_paid(session, order, payment_method="test", payment_reference=None)
    return order, potter, weaver


def test_queue_receipt_and_notices_skipping_artisans_without_an_account(session):
    order, potter, weaver = _paid_order(session)
    messages = queue_order_emails(session, order)
    got = {(m.kind, m.to_address, m.status, m.locale) for m in messages}
    assert ("receipt", "buyer@example.com", "pending", "fr") in got
    assert ("artisan_notice", "fatima@example.com", "pending", "ar") in got
    skipped = next(m for m in messages if m.artisan_id == weaver.id)
    assert skipped.status == MessageStatus.SKIPPED and "no account" in skipped.last_error


def test_sent_to_the_log_in_the_recipients_language(app, caplog):
    with app.app_context():
        order, _p, _w = _paid_order(db.session, locale="fr")
        queue_order_emails(db.session, order)
        number = order.number
        db.session.commit()
        with caplog.at_level(logging.INFO, logger="storefront.mail"):
            counts = deliver_outbox()
        assert counts == {"sent": 2, "failed": 0}
    text = caplog.text
    assert f"Votre commande {number}" in text and "Jarre" in text
    assert "email to fatima@example.com: مبيع" in text and "سجل البيع في حسابك" in text
    with app.app_context():
        assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent", "skipped"}


@pytest.fixture
def mail_down(app_config):
    """SMTP settings pointing at a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app_config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)


def test_mail_down_is_retried_later(mail_down, app):
    with app.app_context():
        order, _p, _w = _paid_order(db.session)
        queue_order_emails(db.session, order)
        db.session.commit()
        assert deliver_outbox() == {"sent": 0, "failed": 2}
        pending = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "pending")
        ).all()
        assert len(pending) == 2 and all(m.attempts == 1 and m.last_error for m in pending)
        assert deliver_outbox() == {"sent": 0, "failed": 0}  # not due again yet


def test_checkout_succeeds_while_mail_is_down(mail_down, app, run_jobs):
    with app.app_context():
        pot = make_product(db.session, price_minor=20000, stock=1)
        db.session.commit()
        pot_id = pot.id
    client = app.test_client()
    client.post("/cart/add", data={"product_id": pot_id})
    form = {"checkout_key": "m" * 24, "email": "a@example.com", "name": "A", "delivery": "pickup"}
    pay_page = client.post("/checkout", data=form).location
    response = client.post(pay_page, data={"decision": "pay"})
    assert response.status_code == 303
    assert "Paid" in client.get(response.location + "?lang=en").get_data(as_text=True)
    assert run_jobs() == ["deliver_mail"]  # the worker's try fails and is rescheduled
    with app.app_context():
        receipt = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "receipt"))
        assert receipt.status == "pending" and receipt.attempts == 1 and receipt.last_error


def test_receipt_mail_prints_shipping_and_discount_and_adds_up(session):
    from storefront.mail.models import MessageKind
    from storefront.mail.sender import render_message
    from storefront.orders.models import Delivery

    rug = make_product(session, price_minor=147000)
    pot = make_product(session, price_minor=81000)
    order = create_order(
        session, channel=Channel.ONLINE, lines=[(rug.id, 1), (pot.id, 1)],
        customer_email="buyer@example.com", locale="en", delivery=Delivery.SHIP,
        shipping_minor=45000, discount_minor=8000, discount_reason="goodwill",
        address={"line1": "1 rue", "city": "Lyon", "postal_code": "69001", "country": "FR"},
    )  # fmt: skip
    mark_paid(session, order, payment_method="test", payment_reference=None)
    receipt = next(m for m in queue_order_emails(session, order) if m.kind == MessageKind.RECEIPT)
    body = render_message(receipt)[1].replace("\xa0", " ")
    assert order.total_minor == 265000
    assert "Subtotal: 2,280.00 MAD\nShipping: 450.00 MAD\nDiscount: -80.00 MAD\n" in body
    assert "Total paid: 2,650.00 MAD" in body
