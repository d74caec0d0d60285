"""Mail over real SMTP (aiosmtpd on 127.0.0.1): headers, the buyer's language, TLS either way."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from storefront.extensions import db
from storefront.mail.sender import deliver_outbox, send_email
from storefront.mail.services import queue_order_emails
from storefront.orders.models import Channel
from storefront.orders.services import create_order, mark_paid
from tests.factories import make_artisan, make_product


def _point_at(app, server, **settings) -> None:
    plain = {"MAIL_USE_TLS": False, "MAIL_USE_SSL": False}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, **(plain | settings))


def test_receipt_arrives_with_its_headers_in_the_buyers_language(app, smtp_server):
    _point_at(app, smtp_server)
    with app.app_context():
        potter = make_artisan(db.session, name="Fatima")
        pot = make_product(db.session, artisan=potter, title_ar="جرة", title_fr="Jarre", stock=2)
        order = create_order(
            db.session,
            channel=Channel.ONLINE,
            lines=[(pot.id, 1)],
            customer_email="buyer@example.com",
            locale="ar",
        )
        mark_paid(db.session, order, payment_method="test", payment_reference=None)
        queue_order_emails(db.session, order)
        number = order.number
        db.session.commit()
        assert deliver_outbox() == {"sent": 1, "failed": 0}  # the artisan has no account

    mail = smtp_server.inbox.wait_for("buyer@example.com")
    assert mail["Subject"] == f"طلبك {number}"
    assert mail["From"] == "shop@guelmim-crafts.ma"
    sent_at = parsedate_to_datetime(mail["Date"])
    assert sent_at.utcoffset() == timedelta(0)  # written in GMT
    assert abs(datetime.now(UTC) - sent_at) < timedelta(minutes=1)
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@guelmim-crafts.ma>")
    body = mail.get_content()
    assert "شكرا على طلبك من القطب المندمج للصناعة التقليدية بكلميم." in body
    assert number in body and "جرة" in body and "المجموع المدفوع" in body


@pytest.mark.parametrize(
    ("mode", "settings"),
    [("ssl", {"MAIL_USE_SSL": True}), ("starttls", {"MAIL_USE_TLS": True})],
)
def test_mail_goes_over_tls_to_a_verified_server(app, tls_smtp_server, mode, settings):
    server = tls_smtp_server(mode)
    _point_at(app, server, **settings)
    with app.app_context():
        send_email("staff@example.com", "Bonjour", "Un message chiffré.")
    mail = server.inbox.wait_for("staff@example.com")
    assert mail["Subject"] == "Bonjour" and mail.get_content().strip() == "Un message chiffré."


def test_implicit_tls_refuses_a_server_it_cannot_verify(app, tls_smtp_server, monkeypatch):
    server = tls_smtp_server("ssl")
    monkeypatch.delenv("SSL_CERT_FILE")  # back to the system's trust store, without our cert
    _point_at(app, server, MAIL_USE_SSL=True)
    with app.app_context(), pytest.raises(ssl.SSLCertVerificationError):
        send_email("staff@example.com", "Bonjour", "Ne doit pas partir.")
    assert server.inbox.messages == []
