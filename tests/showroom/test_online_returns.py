"""An online order brought back to the counter is refunded through Stripe, exactly once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storefront.checkout import stripe_gateway as sg
from storefront.checkout.gateways import stripe_settings
from storefront.ledger.services import balance_for_artisan
from storefront.orders.models import Channel, OrderStatus
from storefront.orders.services import create_order, mark_paid
from storefront.showroom.models import Refund
from tests.factories import make_product, make_user
from tests.fake_stripe.fixtures import fake_stripe, stripe_config  # noqa: F401


@pytest.fixture
def app_config(app_config, stripe_config):  # noqa: F811
    return stripe_config


def _paid_online_order(session, fake, config):
    pieces = [make_product(session, price_minor=p, title_fr=t) for p, t in [(30000, "Tapis"),
              (12000, "Jarre")]]  # fmt: skip
    order = create_order(
        session, channel=Channel.ONLINE, lines=[(p.id, 1) for p in pieces],
        customer_email="t@example.com", hold_minutes=30,
    )  # fmt: skip
    state = sg.create_session(
        stripe_settings(config),
        {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "mad",
                        "unit_amount": order.total_minor,
                        "product_data": {"name": order.number},
                    },
                }
            ],
            "client_reference_id": order.number,
            "expires_at": int(fake.clock()) + 31 * 60,
            "success_url": "http://shop.test/done",
            "cancel_url": "http://shop.test/cancel",
        },  # fmt: skip
        f"attempt-{order.number}",
    )
    paid = fake.pay(state.id)
    mark_paid(session, order, payment_method="stripe", payment_reference=paid["payment_intent"])
    return order, pieces


def test_counter_return_of_an_online_order_refunds_through_stripe_once(
    app,
    client,
    session,
    login,
    fake_stripe,  # noqa: F811
):
    order, (rug, jar) = _paid_online_order(session, fake_stripe, app.config)
    staff = make_user(session)
    session.commit()
    login(staff)
    page = client.get(f"/staff/receipts/{order.number}/return").get_data(as_text=True)
    assert "Stripe" in page and 'value="cash"' not in page
    key = re.search(r'name="refund_key" value="([^"]+)"', page).group(1)
    line = next(ln for ln in order.lines if ln.product_id == jar.id)
    form = {"refund_key": key, f"qty_{line.id}": "1", "reason": "broken in the suitcase",
            "method": "stripe", "restock": ""}  # fmt: skip
    assert client.post(f"/staff/receipts/{order.number}/return", data=form).status_code == 302
    assert client.post(f"/staff/receipts/{order.number}/return", data=form).status_code == 302

    refunds = list(fake_stripe.refunds.values())
    assert len(refunds) == 1 and refunds[0]["amount"] == 12000
    assert refunds[0]["metadata"]["order_number"] == order.number
    keys = [r["key"] for r in fake_stripe.requests if r["path"] == "/v1/refunds"]
    assert keys and all(k == f"showroom-refund-{key}" for k in keys)
    session.expire_all()
    refund = session.scalar(select(Refund))
    assert refund.method == "stripe" and refund.reference == refunds[0]["id"]
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert balance_for_artisan(session, jar.artisan_id) == 0


def test_a_stripe_refusal_refunds_nothing(app, client, session, login, fake_stripe):  # noqa: F811
    order, (rug, jar) = _paid_online_order(session, fake_stripe, app.config)
    staff = make_user(session)
    session.commit()
    login(staff)
    fake_stripe.fail_next("500", times=5)
    line = order.lines[0]
    form = {"refund_key": "k" * 20, f"qty_{line.id}": "1", "reason": "r", "method": "stripe"}
    response = client.post(f"/staff/receipts/{order.number}/return", data=form)
    assert response.status_code == 422
    assert "Stripe" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Refund)) is None
    assert line.refunded_quantity == 0
