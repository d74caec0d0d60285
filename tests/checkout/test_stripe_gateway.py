"""stripe_gateway against the fake Stripe server: sessions, rules, retries, refunds, signatures."""

from __future__ import annotations

import json
import time

import pytest

from storefront.checkout import stripe_gateway as sg
from storefront.checkout.gateways import stripe_settings


@pytest.fixture
def settings(stripe_config):
    return stripe_settings(stripe_config)


def _params(fake, *, expires_in=31 * 60, amount=12000, **extra):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 2,
                "price_data": {
                    "currency": "mad",
                    "unit_amount": amount,
                    "product_data": {"name": "Jarre — Fatima", "metadata": {"sku": "GLM-1"}},
                },
            }
        ],
        "client_reference_id": "W250101-ABCDEF",
        "metadata": {"order_number": "W250101-ABCDEF"},
        "expires_at": int(fake.clock()) + expires_in,
        "locale": "auto",
        "success_url": "http://shop.test/done",
        "cancel_url": "http://shop.test/cancel",
        "shipping_options": [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": "Livraison",
                    "fixed_amount": {"amount": 4000, "currency": "mad"},
                }
            }
        ],
    }
    params.update(extra)
    return params


def test_create_session_sends_lines_shipping_and_reference(settings, fake_stripe):
    state = sg.create_session(settings, _params(fake_stripe), "key-1")
    assert state.status == "open" and not state.paid
    assert state.amount_minor == 28000 and state.currency == "mad"
    assert state.order_number == "W250101-ABCDEF"
    assert state.url == f"{fake_stripe.url}/pay/{state.id}"
    sent = fake_stripe.creates()[0]
    assert sent["key"] == "key-1"
    assert sent["params"]["line_items"][0]["price_data"]["unit_amount"] == "12000"
    assert sent["params"]["locale"] == "auto"


def test_replay_with_same_key_returns_the_same_session(settings, fake_stripe):
    params = _params(fake_stripe)
    first = sg.create_session(settings, params, "key-2")
    again = sg.create_session(settings, params, "key-2")
    assert first.id == again.id and len(fake_stripe.sessions) == 1


def test_replay_with_other_params_is_refused(settings, fake_stripe):
    sg.create_session(settings, _params(fake_stripe), "key-3")
    with pytest.raises(sg.GatewayError) as err:
        sg.create_session(settings, _params(fake_stripe, amount=13000), "key-3")
    assert not err.value.retryable and "same parameters" in str(err.value)


@pytest.mark.parametrize("expires_in", [29 * 60, 25 * 3600])
def test_expiry_outside_30_minutes_to_24_hours_is_refused(settings, fake_stripe, expires_in):
    with pytest.raises(sg.GatewayError, match="30 minutes and 24 hours"):
        sg.create_session(settings, _params(fake_stripe, expires_in=expires_in), "key-4")
    assert fake_stripe.sessions == {}


def test_only_an_open_session_can_be_expired(settings, fake_stripe):
    open_one = sg.create_session(settings, _params(fake_stripe), "key-5")
    assert sg.expire_session(settings, open_one.id).status == "expired"
    paid = sg.create_session(settings, _params(fake_stripe), "key-6")
    fake_stripe.pay(paid.id)
    state = sg.expire_session(settings, paid.id)
    assert state.status == "complete" and state.paid and state.reference.startswith("pi_")
    assert fake_stripe.sessions[paid.id]["status"] == "complete"


def test_server_errors_are_retried_with_the_same_key(settings, fake_stripe):
    fake_stripe.fail_next("500", times=2)
    state = sg.create_session(settings, _params(fake_stripe), "key-7")
    creates = fake_stripe.creates()
    assert len(creates) == 3 and {c["key"] for c in creates} == {"key-7"}
    assert list(fake_stripe.sessions) == [state.id]


def test_persistent_server_errors_raise_a_retryable_error(settings, fake_stripe):
    fake_stripe.fail_next("500", times=3)
    with pytest.raises(sg.GatewayError) as err:
        sg.create_session(settings, _params(fake_stripe), "key-8")
    assert err.value.retryable and fake_stripe.sessions == {}


def test_a_timeout_is_retried_and_gives_the_session_created_the_first_time(settings, fake_stripe):
    fake_stripe.fail_next("timeout")
    state = sg.create_session(settings, _params(fake_stripe), "key-9")
    assert list(fake_stripe.sessions) == [state.id]
    assert len(fake_stripe.creates()) == 2


def test_refund_with_an_idempotency_key_refunds_once(settings, fake_stripe):
    session = sg.create_session(settings, _params(fake_stripe), "key-10")
    paid = fake_stripe.pay(session.id)
    one = sg.refund_payment(
        settings, payment_intent=paid["payment_intent"], amount_minor=12000, idempotency_key="r-1"
    )
    two = sg.refund_payment(
        settings, payment_intent=paid["payment_intent"], amount_minor=12000, idempotency_key="r-1"
    )
    assert one == two and one.status == "succeeded" and len(fake_stripe.refunds) == 1
    with pytest.raises(sg.GatewayError):
        sg.refund_payment(
            settings,
            payment_intent=paid["payment_intent"],
            amount_minor=20000,
            idempotency_key="r-2",
        )


def _signed(fake, *, timestamp=None, secret=None):
    payload = json.dumps(fake.event("checkout.session.completed", {"id": "cs_1"})).encode()
    return payload, fake.sign(payload, timestamp=timestamp, secret=secret)


def test_verify_event_accepts_a_good_signature(fake_stripe):
    payload, header = _signed(fake_stripe)
    event = sg.verify_event(payload, header, fake_stripe.webhook_secret)
    assert event["type"] == "checkout.session.completed"


@pytest.mark.parametrize(
    "case", ["wrong secret", "stale", "tampered", "no header", "no secret configured"]
)
def test_verify_event_fails_closed(fake_stripe, case):
    secret = fake_stripe.webhook_secret
    payload, header = _signed(fake_stripe)
    if case == "wrong secret":
        payload, header = _signed(fake_stripe, secret="whsec_other")
    elif case == "stale":
        payload, header = _signed(fake_stripe, timestamp=int(time.time()) - 301)
    elif case == "tampered":
        payload = payload.replace(b"cs_1", b"cs_2")
    elif case == "no header":
        header = None
    else:
        secret = None
    with pytest.raises(sg.SignatureError):
        sg.verify_event(payload, header, secret)
