"""Stripe's refund events on their own: a failed refund, and Stripe down while we look one up."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.checkout import stripe_gateway as sg
from storefront.checkout.gateways import stripe_settings
from storefront.checkout.models import StripeEvent
from storefront.extensions import db
from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.orders.models import Order
from storefront.showroom.models import Refund
from tests.showroom.test_refund_webhooks import _webhook

pytestmark = pytest.mark.usefixtures("stripe_config")


@pytest.fixture
def paid(app, placed, fake_stripe):
    """The pot and the rug bought online and paid at Stripe."""
    paid = fake_stripe.pay(placed)
    assert _webhook(app, fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    return paid


def _refund_entries(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.kind == EntryKind.REFUND)
        )


def _attention(app) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Order.attention_reason))


def test_a_refund_that_later_fails_at_stripe_is_flagged_once(app, fake_stripe, paid):
    sg.refund_payment(
        stripe_settings(app.config),
        payment_intent=paid["payment_intent"],
        amount_minor=paid["amount_total"],
        idempotency_key="dashboard-1",
    )
    [refund] = fake_stripe.refunds.values()
    assert _webhook(app, fake_stripe, fake_stripe.event("refund.created", refund)) == (
        "refund booked"
    )
    failed = dict(refund, status="failed")
    for _ in range(2):
        outcome = _webhook(app, fake_stripe, fake_stripe.event("refund.updated", failed))
        assert outcome == "flagged"
    reason = _attention(app)
    assert reason.count(f"Stripe refund {refund['id']} ({paid['amount_total']}) failed") == 1
    assert _refund_entries(app) == 2  # booked once; the failure is for staff to settle


def test_a_refund_that_fails_before_it_is_booked_books_nothing(app, fake_stripe, paid):
    sg.refund_payment(
        stripe_settings(app.config),
        payment_intent=paid["payment_intent"],
        amount_minor=5000,
        idempotency_key="dashboard-2",
    )
    [refund] = fake_stripe.refunds.values()
    failed = dict(refund, status="failed")
    assert _webhook(app, fake_stripe, fake_stripe.event("refund.updated", failed)) == (
        "refund failed"
    )
    assert _refund_entries(app) == 0 and _attention(app) is None


def test_stripe_down_while_looking_up_refunds_leaves_the_event_for_a_retry(
    app, client, fake_stripe, paid
):
    import json

    sg.refund_payment(
        stripe_settings(app.config),
        payment_intent=paid["payment_intent"],
        amount_minor=paid["amount_total"],
        idempotency_key="dashboard-3",
    )
    event = fake_stripe.event("charge.refunded", fake_stripe.charges[paid["payment_intent"]])
    payload = json.dumps(event).encode()
    headers = {"Stripe-Signature": fake_stripe.sign(payload), "Content-Type": "application/json"}
    fake_stripe.fail_next("500", times=3)  # the lookup and both of the SDK's retries
    response = client.post("/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 503 and response.get_json() == {"error": "try again"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StripeEvent)) == 1  # paid only
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    again = client.post("/stripe/webhook", data=payload, headers=headers)
    assert again.status_code == 200 and again.get_json()["outcome"] == "refund booked"
    assert _refund_entries(app) == 2


def test_a_full_refund_with_shipping_is_booked_once_and_flagged_once(
    app, client, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["pot"])
    form = checkout_form | {"delivery": "ship", "line1": "3 rue des Potiers", "city": "Lyon",
                            "postal_code": "69001", "country": "FR"}  # fmt: skip
    assert client.post("/checkout", data=form).status_code == 303
    [session_id] = fake_stripe.sessions
    paid = fake_stripe.pay(session_id)
    _webhook(app, fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    with app.app_context():
        shipping = db.session.scalar(select(Order.shipping_minor))
    assert shipping > 0 and paid["amount_total"] == 12000 + shipping
    sg.refund_payment(
        stripe_settings(app.config),
        payment_intent=paid["payment_intent"],
        amount_minor=paid["amount_total"],
        idempotency_key="dashboard-4",
    )
    [refund] = fake_stripe.refunds.values()
    charge = fake_stripe.charges[paid["payment_intent"]]
    outcomes = [
        _webhook(app, fake_stripe, fake_stripe.event(kind, obj))
        for kind, obj in [("charge.refunded", charge), ("refund.created", refund),
                          ("charge.refunded", charge)]
    ]  # fmt: skip
    assert outcomes == ["refund booked", "already booked", "already booked"]
    assert _attention(app) == (
        "Refunded in full at Stripe; check whether the pieces return to stock."
    )
    assert _refund_entries(app) == 1
    with app.app_context():
        [booked] = db.session.scalars(select(Refund)).all()
        assert (booked.stripe_refund_id, booked.amount_minor, booked.user_id) == (
            refund["id"],
            12000,
            None,
        )
