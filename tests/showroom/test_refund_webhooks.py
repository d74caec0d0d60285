"""A Stripe refund and its webhooks, in any order and repeated, book once and flag nothing.

Stripe sends refund.created and charge.refunded as soon as it refunds: while the counter is
still booking the return (its transaction open), after it, or before it when the counter's
request failed after Stripe had refunded. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
import threading
import time

import pytest
from sqlalchemy import func, select, text

from storefront.extensions import db
from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.orders.models import Order, OrderStatus
from storefront.showroom.models import Refund
from storefront.showroom.services import refund_at_counter
from storefront.showroom.views.common import stripe_refunder
from tests.factories import make_user
from tests.fake_stripe.fixtures import fake_stripe, stripe_config  # noqa: F401
from tests.showroom.test_online_returns import _paid_online_order


@pytest.fixture
def app_config(app_config, stripe_config):  # noqa: F811
    return stripe_config


def _webhook(app, fake, event) -> str:
    """Deliver a signed event as Stripe does, with a client (and database session) of its own."""
    payload = json.dumps(event).encode()
    response = app.test_client().post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": fake.sign(payload), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["outcome"]


def _events(fake, order):
    """What Stripe sends after the order's refund: refund.created, then charge.refunded."""
    [refund] = fake.refunds.values()
    charge = fake.charges[order.payment_reference]
    return [fake.event("refund.created", refund), fake.event("charge.refunded", charge)]


def _book_state(app, number):
    """(refund entries, refund rows, attention, status) as another connection sees them."""
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.number == number))
        entries = db.session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.kind == EntryKind.REFUND)
        )
        refunds = db.session.scalars(select(Refund)).all()
        state = (
            entries,
            [(r.stripe_refund_id, r.amount_minor, r.reason) for r in refunds],
            order.attention_reason,
            order.status,
        )
        db.session.remove()
        return state


def _return_form(client, order, line):
    page = client.get(f"/staff/receipts/{order.number}/return").get_data(as_text=True)
    key = re.search(r'name="refund_key" value="([^"]+)"', page).group(1)
    return {"refund_key": key, f"qty_{line.id}": "1", "reason": "broken in the suitcase",
            "method": "stripe", "restock": ""}  # fmt: skip


def _jar_line(order, jar):
    return next(ln for ln in order.lines if ln.product_id == jar.id)


def test_refund_then_webhooks_twice(app, client, session, login, fake_stripe):  # noqa: F811
    order, (_rug, jar) = _paid_online_order(session, fake_stripe, app.config)
    staff = make_user(session)
    session.commit()
    login(staff)
    form = _return_form(client, order, _jar_line(order, jar))
    assert client.post(f"/staff/receipts/{order.number}/return", data=form).status_code == 302
    created, refunded = _events(fake_stripe, order)
    outcomes = [_webhook(app, fake_stripe, e) for e in (created, refunded, refunded, created)]
    assert outcomes == ["already booked", "already booked", "duplicate", "duplicate"]
    [stripe_refund] = fake_stripe.refunds.values()
    assert _book_state(app, order.number) == (
        1,
        [(stripe_refund["id"], 12000, "broken in the suitcase")],
        None,
        OrderStatus.PARTIALLY_REFUNDED,
    )


def _blocked_or_done(session, thread, waiting: int) -> None:
    """Wait until `waiting` backends wait for locks (this transaction's), or the thread ended.

    Only PostgreSQL has row locks to wait on; SQLite's webhook waits on the database's single
    write lock, which nothing can observe, and whatever its timing the outcome is the same.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 30
    # Waiting on a lock in this test's own database: this transaction's, or behind another
    # webhook that waits for it (a second waiter is blocked by the first, not by the holder).
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND cardinality(pg_blocking_pids(pid)) > 0"
    )
    while thread.is_alive() and time.monotonic() < deadline:
        # Activity statistics are read once per transaction unless the snapshot is dropped.
        session.execute(text("SELECT pg_stat_clear_snapshot()"))
        if session.execute(query).scalar() >= waiting:
            return
        thread.join(0.01)


def test_webhooks_arrive_while_the_counter_books_the_refund(app, session, fake_stripe):  # noqa: F811
    order, (_rug, jar) = _paid_online_order(session, fake_stripe, app.config)
    staff = make_user(session)
    session.commit()
    outcomes: list[str] = []
    threads: list[threading.Thread] = []
    real = stripe_refunder()

    def refund_and_deliver(payment_intent, amount, key, metadata):
        refund_id = real(payment_intent, amount, key, metadata)
        # Stripe has refunded and sends its events now, while this transaction is open.
        for number, event in enumerate(_events(fake_stripe, order), 1):
            thread = threading.Thread(
                target=lambda e=event: outcomes.append(_webhook(app, fake_stripe, e))
            )
            thread.start()
            threads.append(thread)
            _blocked_or_done(session, thread, waiting=number)
        return refund_id

    refund_at_counter(
        session, order, items=[(_jar_line(order, jar).id, 1)], reason="broken in the suitcase",
        restock=False, method="stripe", user=staff, register_session=None,
        refund_key="form-key-1", stripe_refunder=refund_and_deliver,
    )  # fmt: skip
    session.commit()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already booked", "already booked"]
    created, _refunded = _events(fake_stripe, order)
    assert _webhook(app, fake_stripe, created) == "already booked"  # another copy, new id
    [stripe_refund] = fake_stripe.refunds.values()
    assert _book_state(app, order.number) == (
        1,
        [(stripe_refund["id"], 12000, "broken in the suitcase")],
        None,
        OrderStatus.PARTIALLY_REFUNDED,
    )


@pytest.fixture
def one_try(app_config):
    """No network retries: the counter's one request times out after Stripe refunded."""
    app_config["STRIPE_MAX_NETWORK_RETRIES"] = 0
    return app_config


@pytest.mark.parametrize("webhook_first", [True, False])
def test_webhooks_before_the_counter_books_the_refund(
    one_try,
    app,
    client,
    session,
    login,
    fake_stripe,  # noqa: F811
    webhook_first,
):
    order, (_rug, jar) = _paid_online_order(session, fake_stripe, app.config)
    staff = make_user(session)
    session.commit()
    login(staff)
    form = _return_form(client, order, _jar_line(order, jar))
    fake_stripe.fail_next("timeout")  # Stripe refunds; its answer never reaches the shop
    response = client.post(f"/staff/receipts/{order.number}/return", data=form)
    assert response.status_code == 422 and len(fake_stripe.refunds) == 1
    # Stripe may have refunded: the cashier is told to send the form again, not "nothing".
    assert "Stripe n’a pas répondu. Renvoyez le formulaire" in response.get_data(as_text=True)
    assert _book_state(app, order.number)[:2] == (0, [])
    created, refunded = _events(fake_stripe, order)
    if webhook_first:
        outcomes = [_webhook(app, fake_stripe, e) for e in (created, refunded, created)]
        assert outcomes == ["refund booked", "already booked", "duplicate"]
    # The cashier sends the same form again: it shows the refund, once, whoever booked it.
    assert client.post(f"/staff/receipts/{order.number}/return", data=form).status_code == 302
    if not webhook_first:
        outcomes = [_webhook(app, fake_stripe, e) for e in (refunded, created, refunded)]
        assert outcomes == ["already booked", "already booked", "duplicate"]
    assert len(fake_stripe.refunds) == 1
    [stripe_refund] = fake_stripe.refunds.values()
    assert _book_state(app, order.number) == (
        1,
        [(stripe_refund["id"], 12000, "broken in the suitcase")],
        None,
        OrderStatus.PARTIALLY_REFUNDED,
    )
    page = client.get(f"/staff/receipts/{order.number}?in=en").get_data(as_text=True)
    assert page.count("1 returned") == 1 and page.count("-120.00") == 1
