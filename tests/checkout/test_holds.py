"""`storefront release-expired-holds`: expire at Stripe first, then release; never oversell."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.catalog.models import Product
from storefront.checkout.models import AttemptStatus, PaymentAttempt
from storefront.checkout.payments import hold_minutes
from storefront.extensions import db
from storefront.orders.models import Order, OrderStatus
from storefront.timeutil import utcnow


def _age(app, minutes=31):
    """Move every hold into the past, as if time went by."""
    with app.app_context():
        for order in db.session.scalars(select(Order)):
            order.hold_expires_at = utcnow() - timedelta(minutes=minutes - 30)
        db.session.commit()


def _order(app):
    with app.app_context():
        order = db.session.scalar(select(Order))
        db.session.expunge_all()
        return order


def _stock(app, product_id):
    with app.app_context():
        return db.session.get(Product, product_id).stock


def test_hold_is_never_under_thirty_minutes():
    assert hold_minutes(5) == 30 and hold_minutes(45) == 45 and hold_minutes(10**6) == 23 * 60


@pytest.mark.usefixtures("stripe_config")
def test_expires_the_stripe_session_then_releases(
    app, client, runner, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["rug"])
    client.post("/checkout", data=checkout_form)
    result = runner.invoke(args=["release-expired-holds"])
    assert "nothing to release" in result.output and _stock(app, pieces["rug"]) == 0
    _age(app)
    result = runner.invoke(args=["release-expired-holds"])
    assert result.exit_code == 0 and "released" in result.output
    [session] = fake_stripe.sessions.values()
    expire_calls = [r for r in fake_stripe.requests if r["path"].endswith("/expire")]
    assert session["status"] == "expired" and len(expire_calls) == 1
    assert _order(app).status == OrderStatus.CANCELLED and _stock(app, pieces["rug"]) == 1
    again = runner.invoke(args=["release-expired-holds"])
    assert "nothing to release" in again.output and _stock(app, pieces["rug"]) == 1


@pytest.mark.usefixtures("stripe_config")
def test_a_session_paid_at_the_last_moment_is_fulfilled_not_released(
    app, client, runner, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["rug"])
    client.post("/checkout", data=checkout_form)
    [session_id] = fake_stripe.sessions
    fake_stripe.pay(session_id)  # the webhook has not arrived yet
    _age(app)
    result = runner.invoke(args=["release-expired-holds"])
    assert "paid" in result.output
    assert _order(app).status == OrderStatus.PAID and _stock(app, pieces["rug"]) == 0


@pytest.mark.usefixtures("stripe_config")
def test_an_unanswered_attempt_is_replayed_to_find_its_session(
    app, client, runner, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["rug"])
    fake_stripe.fail_next("timeout", times=3)  # Stripe made the session; every answer was lost
    assert client.post("/checkout", data=checkout_form).status_code == 503
    [session_id] = fake_stripe.sessions
    with app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt))
        assert attempt.status == AttemptStatus.CREATING and attempt.session_id is None
    _age(app)
    result = runner.invoke(args=["release-expired-holds"])
    assert "released" in result.output
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    assert _stock(app, pieces["rug"]) == 1


@pytest.mark.usefixtures("stripe_config")
def test_stripe_unreachable_releases_nothing(
    app, client, runner, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["rug"])
    client.post("/checkout", data=checkout_form)
    _age(app)
    fake_stripe.fail_next("500", times=3)
    result = runner.invoke(args=["release-expired-holds"])
    assert "gateway unavailable" in result.output
    assert _order(app).status == OrderStatus.PENDING_PAYMENT and _stock(app, pieces["rug"]) == 0


def test_test_gateway_holds_are_released(app, client, runner, pieces, fill_cart, checkout_form):
    fill_cart(pieces["pot"], 2)
    client.post("/checkout", data=checkout_form)
    _age(app)
    runner.invoke(args=["release-expired-holds"])
    assert _order(app).status == OrderStatus.CANCELLED and _stock(app, pieces["pot"]) == 3


def test_paying_after_the_hold_ended_is_refused(app, client, pieces, fill_cart, checkout_form):
    fill_cart(pieces["pot"])
    client.post("/checkout", data=checkout_form)
    _age(app)
    response = client.post(f"/checkout/pay/{_order(app).token}?lang=en")
    assert response.status_code == 409 and "has ended" in response.get_data(as_text=True)
