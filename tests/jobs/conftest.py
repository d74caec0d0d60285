"""Jobs fixtures: a real SMTP server, the fake Stripe server, and shop helpers over HTTP."""

from __future__ import annotations

import secrets

import pytest
from flask.testing import FlaskClient

from storefront.extensions import db
from tests.factories import make_product
from tests.fake_stripe.fixtures import fake_stripe, stripe_config  # noqa: F401
from tests.smtp_server import smtp_server  # noqa: F401


@pytest.fixture
def pieces(app):
    """Two live pieces, one of each: the pot and the jar; returns their ids."""
    with app.app_context():
        pot = make_product(db.session, title_fr="Pot", title_en="Pot", price_minor=20000)
        jar = make_product(db.session, title_fr="Jarre", title_en="Jar", price_minor=30000)
        db.session.commit()
        return {"pot": pot.id, "jar": jar.id}


@pytest.fixture
def place_order(app):
    """Check a piece out as a new visitor: place_order(product_id, email) -> (client, pay page)."""

    def place(product_id: int, email: str, lang: str = "fr") -> tuple[FlaskClient, str]:
        client = app.test_client()
        client.post("/cart/add", data={"product_id": product_id})
        form = {"checkout_key": secrets.token_urlsafe(24), "email": email, "name": "Visitor"}
        response = client.post(f"/checkout?lang={lang}", data=form | {"delivery": "pickup"})
        assert response.status_code == 303, response.get_data(as_text=True)
        return client, response.location

    return place
