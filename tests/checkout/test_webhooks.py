"""/stripe/webhook with events signed like Stripe's: valid, forged, stale, repeated, reordered."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from storefront.catalog.models import Product
from storefront.checkout import stripe_gateway as sg
from storefront.checkout.gateways import stripe_settings
from storefront.checkout.models import StripeEvent
from storefront.extensions import db
from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.orders.models import Order, OrderStatus

pytestmark = pytest.mark.usefixtures("stripe_config")


def _post(client, fake, event, *, timestamp=None, secret=None):
    payload = json.dumps(event).encode()
    header = fake.sign(payload, timestamp=timestamp, secret=secret)
    return client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def _order(app) -> Order:
    with app.app_context():
        order = db.session.scalar(select(Order))
        db.session.expunge_all()
        return order


def _ledger(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LedgerEntry))


def _stock(app, product_id):
    with app.app_context():
        return db.session.get(Product, product_id).stock


def test_completed_marks_paid_books_and_is_recorded(app, client, fake_stripe, placed):
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(placed))
    response = _post(client, fake_stripe, event)
    assert response.status_code == 200 and response.get_json()["outcome"] == "paid"
    order = _order(app)
    assert order.status == OrderStatus.PAID and order.payment_method == "stripe"
    assert _ledger(app) == 4
    with app.app_context():
        row = db.session.scalar(select(StripeEvent))
        assert (row.event_id, row.order_id, row.outcome) == (event["id"], order.id, "paid")


def test_a_repeated_event_changes_nothing(app, client, fake_stripe, placed):
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(placed))
    _post(client, fake_stripe, event)
    again = _post(client, fake_stripe, event)
    assert again.get_json()["outcome"] == "duplicate" and _ledger(app) == 4
    queued = [task.name for task in app.extensions["jobs"].huey.pending()]
    assert queued == ["deliver_mail"]  # for the first copy's receipt only


def test_same_payment_in_a_second_event_changes_nothing(app, client, fake_stripe, placed):
    paid = fake_stripe.pay(placed)
    _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    response = _post(
        client, fake_stripe, fake_stripe.event("checkout.session.async_payment_succeeded", paid)
    )
    assert response.get_json()["outcome"] == "already paid" and _ledger(app) == 4


@pytest.mark.parametrize("case", ["bad signature", "stale timestamp", "no signature"])
def test_forged_or_stale_events_are_refused(app, client, fake_stripe, placed, case):
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(placed))
    if case == "bad signature":
        response = _post(client, fake_stripe, event, secret="whsec_attacker")
    elif case == "stale timestamp":
        response = _post(client, fake_stripe, event, timestamp=int(time.time()) - 301)
    else:
        response = client.post("/stripe/webhook", data=json.dumps(event))
    assert response.status_code == 400
    assert _order(app).status == OrderStatus.PENDING_PAYMENT and _ledger(app) == 0


@pytest.fixture
def no_secret(stripe_config):
    stripe_config["STRIPE_WEBHOOK_SECRET"] = None


def test_no_secret_configured_fails_closed(no_secret, client, fake_stripe):
    payload = json.dumps(fake_stripe.event("checkout.session.completed", {})).encode()
    response = client.post(
        "/stripe/webhook", data=payload, headers={"Stripe-Signature": fake_stripe.sign(payload)}
    )
    assert response.status_code == 400 and response.get_json()["error"] == "invalid signature"


def test_expired_after_completed_changes_nothing(app, client, fake_stripe, placed, pieces):
    paid = fake_stripe.pay(placed)
    _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    late = dict(paid, status="expired")
    response = _post(client, fake_stripe, fake_stripe.event("checkout.session.expired", late))
    assert response.get_json()["outcome"] == "already paid"
    assert _order(app).status == OrderStatus.PAID
    assert (_stock(app, pieces["pot"]), _stock(app, pieces["rug"])) == (2, 0)


def test_expired_releases_the_hold(app, client, fake_stripe, placed, pieces):
    expired = fake_stripe.expire_now(placed)
    response = _post(client, fake_stripe, fake_stripe.event("checkout.session.expired", expired))
    assert response.get_json()["outcome"] == "released"
    assert _order(app).status == OrderStatus.CANCELLED
    assert (_stock(app, pieces["pot"]), _stock(app, pieces["rug"])) == (3, 1)


def test_completed_after_release_is_flagged_not_oversold(
    app, client, fake_stripe, placed, pieces, fill_cart
):
    paid = fake_stripe.pay(placed)  # paid at Stripe, but the expiry arrives first
    _post(
        client,
        fake_stripe,
        fake_stripe.event("checkout.session.expired", dict(paid, status="expired")),
    )
    with app.app_context():  # someone else buys the rug in the showroom meanwhile
        db.session.get(Product, pieces["rug"]).stock = 0
        db.session.commit()
    response = _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    assert response.get_json()["outcome"] == "paid after release"
    order = _order(app)
    assert order.status == OrderStatus.PAID and "Out of stock" in order.attention_reason
    assert "Tapis" in order.attention_reason
    assert (_stock(app, pieces["pot"]), _stock(app, pieces["rug"])) == (2, 0)


def test_amount_mismatch_is_flagged_and_not_paid(app, client, fake_stripe, placed):
    paid = fake_stripe.pay(placed)
    forged = dict(paid, amount_total=paid["amount_total"] - 100)
    response = _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", forged))
    assert response.get_json()["outcome"] == "amount mismatch"
    order = _order(app)
    assert (
        order.status == OrderStatus.PENDING_PAYMENT and "does not match" in order.attention_reason
    )
    other_currency = dict(paid, currency="eur")
    _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", other_currency))
    assert _order(app).status == OrderStatus.PENDING_PAYMENT and _ledger(app) == 0


def test_async_payment_failed_releases(app, client, fake_stripe, placed, pieces):
    pending = fake_stripe.pay(placed, paid=False)
    first = _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", pending))
    assert first.get_json()["outcome"] == "awaiting payment"
    failed = _post(
        client, fake_stripe, fake_stripe.event("checkout.session.async_payment_failed", pending)
    )
    assert failed.get_json()["outcome"] == "released"
    assert _order(app).status == OrderStatus.PAYMENT_FAILED and _stock(app, pieces["rug"]) == 1


def test_async_payment_succeeded_pays(app, client, fake_stripe, placed):
    pending = fake_stripe.pay(placed, paid=False)
    _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", pending))
    succeeded = dict(pending, payment_status="paid")
    _post(
        client,
        fake_stripe,
        fake_stripe.event("checkout.session.async_payment_succeeded", succeeded),
    )
    assert _order(app).status == OrderStatus.PAID and _ledger(app) == 4


def _refund_at_stripe(app, payment_intent, amount):
    """A refund made in Stripe's dashboard: no metadata from the shop."""
    return sg.refund_payment(
        stripe_settings(app.config),
        payment_intent=payment_intent,
        amount_minor=amount,
        idempotency_key=f"dashboard-{payment_intent}-{amount}",
    )


def test_full_refund_at_stripe_is_booked(app, client, fake_stripe, placed, pieces):
    paid = fake_stripe.pay(placed)
    _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    _refund_at_stripe(app, paid["payment_intent"], paid["amount_total"])
    charge = fake_stripe.charges[paid["payment_intent"]]
    assert charge["refunded"] is True
    response = _post(client, fake_stripe, fake_stripe.event("charge.refunded", charge))
    assert response.get_json()["outcome"] == "refund booked"
    [stripe_refund] = fake_stripe.refunds.values()
    again = _post(client, fake_stripe, fake_stripe.event("refund.created", stripe_refund))
    assert again.get_json()["outcome"] == "already booked"
    order = _order(app)
    assert order.status == OrderStatus.REFUNDED and "Refunded in full" in order.attention_reason
    with app.app_context():
        assert db.session.scalar(select(func.sum(LedgerEntry.amount_minor))) == 0
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.kind == EntryKind.REFUND)
            )
            == 2
        )


def test_partial_refund_at_stripe_is_flagged(app, client, fake_stripe, placed):
    paid = fake_stripe.pay(placed)
    _post(client, fake_stripe, fake_stripe.event("checkout.session.completed", paid))
    _refund_at_stripe(app, paid["payment_intent"], 5000)
    charge = fake_stripe.charges[paid["payment_intent"]]
    response = _post(client, fake_stripe, fake_stripe.event("charge.refunded", charge))
    assert response.get_json()["outcome"] == "flagged"
    reason = _order(app).attention_reason
    assert "record the returned pieces" in reason
    # The same refund told again (another event) asks once, and books nothing.
    [stripe_refund] = fake_stripe.refunds.values()
    _post(client, fake_stripe, fake_stripe.event("refund.created", stripe_refund))
    assert _order(app).attention_reason == reason and _ledger(app) == 4


def test_unknown_event_types_are_acknowledged(client, fake_stripe):
    response = _post(client, fake_stripe, fake_stripe.event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200 and response.get_json()["outcome"] == "ignored"
