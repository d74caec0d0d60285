"""A piece held by an unpaid checkout reads "Reserved" on cards, then "Sold out" once paid or
back on sale once released, at once, though the page cache is on."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.usefixtures("stripe_config")


def _badge(browser, q: str) -> str:
    html = browser.get(f"/products?lang=en&q={q}").get_data(as_text=True)
    found = re.findall(r'<span class="card-badge [^"]+">([^<]+)</span>', html)
    return found[0] if found else ""


def test_reserved_then_sold_out_when_paid(app, client, fake_stripe, placed):
    visitor = app.test_client()  # another tourist: no cart, served from the page cache
    assert _badge(visitor, "rug") == "Reserved"
    assert _badge(visitor, "rug") == "Reserved"  # from the cache now
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(placed))
    payload = json.dumps(event).encode()
    response = client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": fake_stripe.sign(payload), "Content-Type": "application/json"},
    )
    assert response.get_json()["outcome"] == "paid"
    assert _badge(visitor, "rug") == "Sold out"


def test_reserved_then_on_sale_when_the_hold_ends(app, client, fake_stripe, placed):
    visitor = app.test_client()
    assert _badge(visitor, "rug") == "Reserved"
    event = fake_stripe.event("checkout.session.expired", fake_stripe.expire_now(placed))
    payload = json.dumps(event).encode()
    client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": fake_stripe.sign(payload), "Content-Type": "application/json"},
    )
    assert _badge(visitor, "rug") == "Only 1 left"


def test_a_paid_hold_names_only_the_pieces_it_sold_out(app, client, fake_stripe, pieces, placed):
    """The order leaving pending_payment records the rug (stock 0), not the pot (2 left)."""
    from sqlalchemy import text

    from storefront.extensions import db

    with app.app_context():
        before = db.session.execute(text("SELECT max(id) FROM catalog_changes")).scalar()
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(placed))
    payload = json.dumps(event).encode()
    client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": fake_stripe.sign(payload), "Content-Type": "application/json"},
    )
    with app.app_context():
        named = (
            db.session.execute(
                text("SELECT product_id FROM catalog_changes WHERE id > :before"),
                {"before": before},
            )
            .scalars()
            .all()
        )
    assert named == [pieces["rug"]]
