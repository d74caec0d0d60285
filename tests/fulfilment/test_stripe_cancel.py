"""Cancelling a Stripe-paid order at the desk refunds it through Stripe once, shipping included,
and Stripe's refund webhooks then find it booked: no flag for staff, no second booking."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.ledger.services import balance_for_artisan
from storefront.orders.models import Order, OrderStatus
from storefront.showroom.models import Refund
from tests.factories import make_user
from tests.fake_stripe.fixtures import fake_stripe, stripe_config  # noqa: F401
from tests.showroom.test_online_returns import _paid_online_order


@pytest.fixture
def app_config(app_config, stripe_config):  # noqa: F811
    return stripe_config


def _webhook(app, fake, event) -> str:
    payload = json.dumps(event).encode()
    response = app.test_client().post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": fake.sign(payload), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["outcome"]


def test_cancel_refunds_through_stripe_once(app, client, session, login, fake_stripe):  # noqa: F811
    order, (rug, jar) = _paid_online_order(session, fake_stripe, app.config)
    makers = [rug.artisan_id, jar.artisan_id]
    staff = make_user(session)
    session.commit()
    login(staff)
    form = {"reason": "The buyer asked to cancel"}
    assert client.post(f"/staff/orders/{order.number}/cancel", data=form).status_code == 303
    again = client.post(f"/staff/orders/{order.number}/cancel", data=form)
    assert again.status_code == 409

    [stripe_refund] = fake_stripe.refunds.values()
    assert stripe_refund["amount"] == order.total_minor == 42000
    assert stripe_refund["metadata"]["refund_key"] == f"cancel-{order.number}"
    charge = fake_stripe.charges[order.payment_reference]
    events = [
        fake_stripe.event("refund.created", stripe_refund),
        fake_stripe.event("charge.refunded", charge),
    ]
    assert [_webhook(app, fake_stripe, e) for e in events] == ["already booked"] * 2
    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.number == order.number))
    [refund] = db.session.scalars(select(Refund)).all()
    assert refund.stripe_refund_id == stripe_refund["id"] and refund.amount_minor == 42000
    assert order.status == OrderStatus.CANCELLED and order.attention_reason is None
    assert [balance_for_artisan(db.session, a) for a in makers] == [0, 0]


def test_a_stripe_refusal_leaves_the_order_as_it_was(app, client, session, login, fake_stripe):  # noqa: F811
    order, _pieces = _paid_online_order(session, fake_stripe, app.config)
    staff = make_user(session)
    session.commit()
    login(staff)
    fake_stripe.fail_next("500", times=5)
    response = client.post(f"/staff/orders/{order.number}/cancel?lang=en", data={"reason": "r"})
    assert response.status_code == 502 and "Stripe" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Order.status).where(Order.id == order.id)) == "paid"
    assert db.session.scalar(select(Refund)) is None
