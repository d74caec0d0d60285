"""Stripe events whose handling failed: answered as before, kept for the attention queue."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storefront.audit import AuditLog
from storefront.checkout import stripe_gateway as sg
from storefront.checkout.gateways import stripe_settings
from storefront.checkout.models import StripeEventFailure
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("stripe_config")


def _signed(fake, event) -> tuple[bytes, dict]:
    payload = json.dumps(event).encode()
    return payload, {"Stripe-Signature": fake.sign(payload), "Content-Type": "application/json"}


def test_stripe_down_is_answered_503_kept_and_leaves_once_processed(
    app, client, session, login, fake_stripe, placed
):
    paid = fake_stripe.pay(placed)
    payload, headers = _signed(fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    assert client.post("/stripe/webhook", data=payload, headers=headers).status_code == 200
    sg.refund_payment(
        stripe_settings(app.config),
        payment_intent=paid["payment_intent"],
        amount_minor=paid["amount_total"],
        idempotency_key="dashboard-attention",
    )
    event = fake_stripe.event("charge.refunded", fake_stripe.charges[paid["payment_intent"]])
    payload, headers = _signed(fake_stripe, event)
    fake_stripe.fail_next("500", times=3)  # the lookup and both of the SDK's retries
    response = client.post("/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 503 and response.get_json() == {"error": "try again"}
    failure = session.scalar(select(StripeEventFailure))
    assert (failure.event_id, failure.type, failure.failures) == (
        event["id"],
        "charge.refunded",
        1,
    )
    assert failure.error.startswith("GatewayError")
    manager = make_user(session, role="admin")
    session.commit()
    login(manager)
    assert f'id="event-{failure.id}"' in client.get("/admin/attention").get_data(as_text=True)
    # Stripe sends it again; this time it goes through and the item leaves by itself.
    assert client.post("/stripe/webhook", data=payload, headers=headers).status_code == 200
    assert f'id="event-{failure.id}"' not in client.get("/admin/attention").get_data(as_text=True)
    late = client.post(
        f"/admin/attention/stripe-events/{failure.id}/resolve?lang=en", data={"note": "checked"}
    )
    assert late.status_code == 409


def test_an_event_that_breaks_its_handler_is_answered_500_and_kept(
    client, session, login, fake_stripe, placed
):
    paid = fake_stripe.pay(placed)
    payload, headers = _signed(fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    assert client.post("/stripe/webhook", data=payload, headers=headers).status_code == 200
    manager = make_user(session, role="admin")
    session.commit()
    # A handler that raises (here on an amount it cannot read) is a bug to look at.
    charge = {"payment_intent": paid["payment_intent"], "amount_refunded": "lots"}
    event = {"id": "evt_broken_1", "type": "charge.refunded", "data": {"object": charge}}
    payload, headers = _signed(fake_stripe, event)
    for attempt in (1, 2):
        response = client.post("/stripe/webhook", data=payload, headers=headers)
        assert response.status_code == 500
        session.expire_all()
        failure = session.scalar(select(StripeEventFailure))
        assert failure.failures == attempt and failure.error.startswith("ValueError")
    login(manager)
    page = client.get("/admin/attention").get_data(as_text=True)
    assert "evt_broken_1" in page
    response = client.post(
        f"/admin/attention/stripe-events/{failure.id}/resolve?lang=en",
        data={"note": "Not ours: a test event from the dashboard."},
    )
    assert response.status_code == 303
    assert "evt_broken_1" not in client.get("/admin/attention").get_data(as_text=True)
    session.expire_all()
    assert session.get(StripeEventFailure, failure.id).resolved_by_id == manager.id
    entry = session.scalar(
        select(AuditLog).where(AuditLog.action == "attention.stripe_event_resolved")
    )
    assert entry.data["event_id"] == "evt_broken_1"


def test_a_failure_resolved_then_failing_again_comes_back(session):
    from storefront.admin import attention
    from storefront.checkout.webhooks import record_event_failure

    manager = make_user(session, role="admin")
    event = {"id": "evt_again", "type": "charge.refunded"}
    failure = record_event_failure(session, event, "ValueError: first")
    attention.resolve_event_failure(session, failure, note="looked", user_id=manager.id)
    assert attention.attention_queue(session).events == []
    again = record_event_failure(session, event, "ValueError: second")
    assert again.id == failure.id and again.failures == 2 and again.resolved_at is None
    assert [f.error for f in attention.attention_queue(session).events] == ["ValueError: second"]
