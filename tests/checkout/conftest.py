"""Checkout fixtures: the fake Stripe server, and a shop with two artisans' pieces."""

from __future__ import annotations

import pytest

from storefront.extensions import db
from tests.factories import CHECKOUT_FORM, make_artisan, make_product
from tests.fake_stripe.fixtures import fake_stripe, stripe_config  # noqa: F401


@pytest.fixture
def pieces(app):
    """Two live pieces by two artisans: a pot (stock 3) and a rug (stock 1)."""
    with app.app_context():
        potter = make_artisan(db.session, name="Fatima Potter")
        weaver = make_artisan(db.session, name="Aicha Weaver")
        pot = make_product(
            db.session,
            artisan=potter,
            price_minor=12000,
            stock=3,
            title_fr="Jarre",
            title_en="Jar",
            weight_grams=800,
        )
        rug = make_product(
            db.session,
            artisan=weaver,
            price_minor=90000,
            stock=1,
            title_fr="Tapis",
            title_en="Rug",
            weight_grams=3000,
        )
        db.session.commit()
        return {"pot": pot.id, "rug": rug.id, "potter": potter.id, "weaver": weaver.id}


@pytest.fixture
def fill_cart(client):
    """Put pieces in the test client's cart: fill_cart(product_id, quantity=1)."""

    def add(product_id: int, quantity: int = 1):
        return client.post("/cart/add", data={"product_id": product_id, "quantity": quantity})

    return add


@pytest.fixture
def checkout_form():
    """A valid checkout form (pickup); copy and change it per test."""
    return dict(CHECKOUT_FORM)


@pytest.fixture
def placed(app, client, pieces, fill_cart, checkout_form, fake_stripe):  # noqa: F811
    """An online order for the pot and the rug, waiting on a fake Stripe session (its id)."""
    fill_cart(pieces["pot"])
    fill_cart(pieces["rug"])
    assert client.post("/checkout", data=checkout_form).status_code == 303
    [session_id] = fake_stripe.sessions
    return session_id
