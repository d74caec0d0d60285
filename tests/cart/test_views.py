"""The cart: add, change, remove, stock caps, stale pieces, the header count, no JavaScript."""

from __future__ import annotations

import pytest

from storefront.catalog.models import Product, ProductStatus
from storefront.extensions import db
from tests.factories import make_product


@pytest.fixture
def pot(app):
    with app.app_context():
        product = make_product(db.session, price_minor=12000, stock=2, title_fr="Jarre")
        db.session.commit()
        return product.id


def _add(client, product_id, quantity=1):
    return client.post("/cart/add?lang=en", data={"product_id": product_id, "quantity": quantity})


def _change(app, product_id, **values):
    with app.app_context():
        product = db.session.get(Product, product_id)
        for key, value in values.items():
            setattr(product, key, value)
        db.session.commit()


def test_add_shows_the_piece_and_the_header_count(client, pot):
    response = _add(client, pot, 2)
    assert response.status_code == 303 and response.location.endswith("/cart")
    page = client.get("/cart?lang=fr").get_data(as_text=True)
    assert "Jarre" in page and '<span class="count">2</span>' in page
    assert "240,00" in page


def test_quantity_is_capped_by_stock(client, pot):
    _add(client, pot, 5)
    page = client.get("/cart?lang=en", follow_redirects=True).get_data(as_text=True)
    assert 'value="2"' in page and "Only 2 of" in page


def test_update_and_remove(client, pot):
    _add(client, pot)
    client.post("/cart/update", data={f"qty-{pot}": "2"})
    assert 'value="2"' in client.get("/cart").get_data(as_text=True)
    client.post(f"/cart/remove/{pot}")
    assert "Your cart is empty" in client.get("/cart?lang=en").get_data(as_text=True)


def test_unknown_or_unlisted_piece_cannot_be_added(app, client, pot):
    assert _add(client, 999999).status_code == 404
    _change(app, pot, status=ProductStatus.DRAFT)
    assert _add(client, pot).status_code == 404


def test_sold_out_piece_cannot_be_added(app, client, pot):
    _change(app, pot, stock=0)
    response = _add(client, pot)
    assert response.status_code == 409
    assert "sold out" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": ProductStatus.ARCHIVED}, "is no longer available"),
        ({"price_minor": 15000}, "changed from"),
        ({"stock": 1}, "Only 1 of"),
        ({"stock": 0}, "has just sold out"),
    ],
)
def test_stale_cart_is_corrected_and_said(app, client, pot, change, message):
    _add(client, pot, 2)
    _change(app, pot, **change)
    page = client.get("/cart?lang=en").get_data(as_text=True)
    assert message in page
    again = client.get("/cart?lang=en").get_data(as_text=True)
    assert message not in again  # the cart was corrected, the notice said once


def test_cart_count_is_zero_for_a_new_visitor(client):
    page = client.get("/cart?lang=en").get_data(as_text=True)
    assert 'class="count"' not in page


@pytest.mark.parametrize("typed", ["\u0662", "\u00b2", "-1", "0", "", "9" * 5000])
def test_a_quantity_that_is_not_a_whole_number_adds_one(client, pot, typed):
    assert _add(client, pot, typed).status_code == 303
    assert '<span class="count">1</span>' in client.get("/cart").get_data(as_text=True)


def test_an_unreadable_cart_quantity_leaves_the_piece(client, pot):
    _add(client, pot, 2)
    client.post("/cart/update", data={f"qty-{pot}": "\u0661"})
    assert '<span class="count">2</span>' in client.get("/cart").get_data(as_text=True)
    client.post("/cart/update", data={f"qty-{pot}": "0"})
    assert "Your cart is empty" in client.get("/cart?lang=en").get_data(as_text=True)
