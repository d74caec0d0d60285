"""Checkout as buyers expect: the total beside the pay button, language switches, the order
waiting for payment, the declined page's ways on, an old form sent again, no delivery chosen
for the buyer."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order, OrderStatus
from storefront.timeutil import utcnow

TOTAL = re.compile(r'<dl class="pay-total" id="checkout-total".*?</dl>', re.S)


def _orders(app) -> list[Order]:
    with app.app_context():
        orders = db.session.scalars(select(Order).order_by(Order.id)).all()
        db.session.expunge_all()
        return orders


def _total_box(html: str) -> str:
    match = TOTAL.search(html)
    assert match, "no total beside the pay button"
    return _spaced(match.group(0))


def _spaced(text: str) -> str:
    """Any run of spaces (the money format's no-break ones too) as one space."""
    return re.sub(r"(?:\s|&nbsp;|&#160;|\u202f)+", " ", text)


def _money(minor: int) -> str:
    return _spaced(format_money(minor, "en"))


def test_choosing_france_shows_shipping_and_total_by_the_server(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])  # 120.00 MAD, 800 g: Europe's first step, 250.00 MAD
    form = dict(checkout_form, delivery="ship", country="FR", line1="3 rue Nationale")
    form["city"] = "Lille"
    response = client.post("/checkout?lang=en", data={**form, "update_total": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    box = _total_box(page)
    assert "Shipping to France" in box
    assert _money(25000) in box and _money(37000) in box
    assert 'value="3 rue Nationale"' in page and 'value="tourist@example.com"' in page
    assert 'class="error"' not in page and _orders(app) == []
    # Pickup is free: the total is the pieces'.
    pickup = client.post(
        "/checkout?lang=en", data={**form, "delivery": "pickup", "update_total": "1"}
    )
    box = _total_box(pickup.get_data(as_text=True))
    assert "Free" in box and _money(12000) in box.split("Total")[1]
    # Morocco is cheaper; the price follows the country.
    morocco = client.post("/checkout?lang=en", data={**form, "country": "MA", "update_total": "1"})
    assert _money(4000 + 12000) in _total_box(morocco.get_data(as_text=True))


def test_no_total_until_delivery_and_country_are_chosen(client, pieces, fill_cart, checkout_form):
    fill_cart(pieces["pot"])
    blank = dict(checkout_form, delivery="")
    box = _total_box(client.post("/checkout?lang=en", data={**blank, "update_total": "1"}).text)
    assert "Choose pickup or shipping to see the total." in box
    ship = dict(checkout_form, delivery="ship", country="")
    box = _total_box(client.post("/checkout?lang=en", data={**ship, "update_total": "1"}).text)
    assert "Choose the country to see the shipping price." in box
    odd = dict(checkout_form, delivery="ship", country="EU")  # not a country: never priced
    box = _total_box(client.post("/checkout?lang=en", data={**odd, "update_total": "1"}).text)
    assert "Choose the country" in box


def test_switching_language_keeps_what_was_typed(client, pieces, fill_cart, checkout_form):
    fill_cart(pieces["pot"])
    page = client.get("/checkout?lang=fr").get_data(as_text=True)
    # The switcher's buttons belong to the checkout form and post it to ?lang=xx.
    assert 'form="checkout-form"' in page and 'formaction="/checkout?lang=ar"' in page
    typed = dict(checkout_form, name="Camille Lefèvre", delivery="ship", country="FR")
    typed.update(line1="12 avenue Foch", city="Paris", postal_code="75016", update_total="1")
    response = client.post("/checkout?lang=ar", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="ar" dir="rtl">' in page
    for value in ("Camille Lefèvre", "12 avenue Foch", "Paris", "75016", "tourist@example.com"):
        assert f'value="{value}"' in page
    assert re.search(r'<option selected value="FR">فرنسا</option>', page)
    assert re.search(r'value="ship"[^>]*checked|checked[^>]*value="ship"', page)
    assert client.get_cookie("lang").value == "ar"


def test_delivery_is_not_preselected_and_must_be_chosen(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])
    page = client.get("/checkout?lang=en").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="delivery"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in radio for radio in radios)
    response = client.post("/checkout?lang=en", data=dict(checkout_form, delivery=""))
    assert response.status_code == 422
    assert "Please choose pickup at the showroom or shipping." in response.get_data(as_text=True)
    assert _orders(app) == []


def test_an_order_left_on_the_payment_page_waits_with_a_way_back(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])
    to_pay = client.post("/checkout", data=checkout_form).location
    [order] = _orders(app)
    cart = client.get("/cart?lang=en").get_data(as_text=True)
    assert f"An order is waiting for payment: {order.number}" in cart
    assert f'action="/checkout/pay/{order.token}"' in cart
    assert client.post(f"/checkout/pay/{order.token}").location == to_pay
    # Another visitor sees nothing of it.
    assert "waiting for payment" not in app.test_client().get("/cart?lang=en").text
    with app.app_context():  # once the hold has ended the note goes
        db.session.get(Order, order.id).hold_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert "waiting for payment" not in client.get("/cart?lang=en").get_data(as_text=True)


def test_the_note_goes_once_the_order_is_paid_or_cancelled(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])
    to_pay = client.post("/checkout", data=checkout_form).location
    client.post(to_pay, data={"decision": "pay"})
    assert "waiting for payment" not in client.get("/cart?lang=en").get_data(as_text=True)


def test_declined_offers_try_again_and_back_to_cart(app, client, pieces, fill_cart, checkout_form):
    fill_cart(pieces["pot"])
    form = dict(checkout_form, delivery="ship", country="FR", line1="1 quai", city="Nantes")
    to_pay = client.post("/checkout", data=form).location
    client.post(to_pay, data={"decision": "decline"})
    [order] = _orders(app)
    assert order.status == OrderStatus.PAYMENT_FAILED
    page = client.get(f"/orders/{order.token}?lang=en").get_data(as_text=True)
    assert "Try again" in page and "Back to cart" in page
    client.post("/cart/update", data={f"qty-{pieces['pot']}": "0"})  # even with the cart emptied
    back = client.post(f"/checkout/again/{order.token}", data={"to": "cart"})
    assert back.location.endswith("/cart")
    assert "Jar" in client.get("/cart?lang=en").get_data(as_text=True)
    again = client.post(f"/checkout/again/{order.token}", data={"to": "checkout"})
    assert again.location.endswith("/checkout")
    page = client.get("/checkout?lang=en").get_data(as_text=True)
    for value in ("tourist@example.com", "Camille Martin", "1 quai", "Nantes"):
        assert f'value="{value}"' in page
    assert "Shipping to France" in _total_box(page)
    # Filled once: a later visit to the form starts fresh.
    assert 'value="Nantes"' not in client.get("/checkout?lang=en").get_data(as_text=True)


def test_an_old_form_sent_again_after_cancelling_keeps_the_cart_and_says_so(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])
    fill_cart(pieces["rug"])
    client.post("/checkout", data=checkout_form)
    [order] = _orders(app)
    client.post(f"/checkout/cancel/{order.token}")  # back to the cart, pieces refilled
    response = client.post("/checkout?lang=en", data=checkout_form)  # the back button's resend
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert f"This form was already used for order {order.number}, which was cancelled" in page
    assert 'value="tourist@example.com"' in page
    key = re.search(r'name="checkout_key" type="hidden" value="([^"]+)"', page).group(1)
    assert key != checkout_form["checkout_key"]
    cart = client.get("/cart?lang=en").get_data(as_text=True)
    assert "Jar" in cart and "Rug" in cart
    # The form as shown now places a new order.
    placed = client.post("/checkout", data=dict(checkout_form, checkout_key=key))
    assert placed.status_code == 303
    orders = _orders(app)
    assert [o.status for o in orders] == [OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT]


def test_an_old_form_of_a_paid_order_leads_to_the_order(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])
    to_pay = client.post("/checkout", data=checkout_form).location
    client.post(to_pay, data={"decision": "pay"})
    fill_cart(pieces["pot"])
    [order] = _orders(app)
    response = client.post("/checkout", data=checkout_form)
    assert response.status_code == 303 and response.location == f"/orders/{order.token}"
    assert len(_orders(app)) == 1
