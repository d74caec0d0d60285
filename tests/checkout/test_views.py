"""The checkout journey over HTTP with both gateways, against the fake Stripe server."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from storefront.catalog.models import Product, ProductStatus
from storefront.checkout.models import PaymentAttempt
from storefront.extensions import db
from storefront.ledger.models import LedgerEntry
from storefront.mail.models import OutboxMessage
from storefront.orders.models import Order, OrderStatus


def _orders(app):
    with app.app_context():
        stmt = select(Order).order_by(Order.id).options(selectinload(Order.lines))
        return db.session.scalars(stmt).all()


def _stock(app, product_id):
    with app.app_context():
        return db.session.get(Product, product_id).stock


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_checkout_page_needs_a_cart(client):
    response = client.get("/checkout")
    assert response.status_code == 302 and response.location.endswith("/cart")


def test_form_errors_are_translated_and_keep_what_was_typed(
    client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])
    form = checkout_form | {"email": "not-an-email", "delivery": "ship", "city": "Lyon"}
    response = client.post("/checkout?lang=fr", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Veuillez saisir une adresse e-mail valide." in page
    assert 'value="Camille Martin"' in page and 'value="Lyon"' in page
    assert "Veuillez remplir ce champ." in page  # the address is missing for shipping
    assert "Veuillez choisir le pays de livraison." in page


@pytest.mark.parametrize(
    ("country", "message"),
    [
        ("", "Please choose the country to ship to."),
        ("   ", "Please choose the country to ship to."),
        # Places CLDR names that are not countries an address can be in.
        ("EU", "Please choose a country from the list."),
        ("UN", "Please choose a country from the list."),
        ("QO", "Please choose a country from the list."),
        ("ZZ", "Please choose a country from the list."),
        ("CP", "Please choose a country from the list."),
    ],
)
def test_shipping_needs_a_country_and_nothing_is_placed(
    app, client, pieces, fill_cart, checkout_form, country, message
):
    fill_cart(pieces["pot"])
    form = checkout_form | {
        "delivery": "ship", "line1": "3 rue des Potiers", "city": "Lyon", "country": country,
    }  # fmt: skip
    response = client.post("/checkout?lang=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and 'value="Lyon"' in page
    assert _orders(app) == [] and _stock(app, pieces["pot"]) == 3


@pytest.mark.usefixtures("stripe_config")
def test_stripe_checkout_opens_a_session_for_the_hold(
    app, client, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["pot"], 2)
    fill_cart(pieces["rug"])
    form = checkout_form | {
        "delivery": "ship",
        "line1": "3 rue des Potiers",
        "city": "Lyon",
        "postal_code": "69001",
        "country": "FR",
    }
    response = client.post("/checkout?lang=ar", data=form)
    assert response.status_code == 303
    [order] = _orders(app)
    [session] = fake_stripe.sessions.values()
    assert response.location == session["url"]
    assert order.status == OrderStatus.PENDING_PAYMENT and order.shipping_minor == 45000
    assert session["amount_total"] == order.total_minor == 24000 + 90000 + 45000
    assert session["client_reference_id"] == order.number and session["locale"] == "auto"
    assert session["expires_at"] == int(order.hold_expires_at.replace(tzinfo=UTC).timestamp())
    params = fake_stripe.creates()[0]["params"]
    line = order.lines[0]
    assert params["line_items"][0]["price_data"]["product_data"]["name"] == (
        f"{line.title_in('ar')} — {line.maker_in('ar')}"
    )
    assert params["metadata"]["order_number"] == order.number
    assert (_stock(app, pieces["pot"]), _stock(app, pieces["rug"])) == (1, 0)
    assert "count" not in client.get("/cart").get_data(as_text=True).split("</header>")[0]


@pytest.mark.usefixtures("stripe_config")
def test_double_click_gives_one_order_and_one_session(
    app, client, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["pot"])
    first = client.post("/checkout", data=checkout_form)
    fill_cart(pieces["pot"])  # the second click still carries the cart
    second = client.post("/checkout", data=checkout_form)
    assert first.location == second.location
    assert len(_orders(app)) == 1 and len(fake_stripe.sessions) == 1
    assert len(fake_stripe.creates()) == 1 and _stock(app, pieces["pot"]) == 2


@pytest.mark.usefixtures("stripe_config")
def test_stripe_down_keeps_the_order_and_a_retry_sends_the_same_request(
    app, client, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["pot"])
    fake_stripe.fail_next("500", times=3)
    response = client.post("/checkout?lang=en", data=checkout_form)
    assert response.status_code == 503
    assert "Nothing was charged" in response.get_data(as_text=True)
    [order] = _orders(app)
    retry = client.post(f"/checkout/pay/{order.token}")
    assert retry.status_code == 303 and len(fake_stripe.sessions) == 1
    sent = fake_stripe.creates()
    assert len(sent) == 4 and len({c["key"] for c in sent}) == 1
    assert all(c["params"] == sent[0]["params"] for c in sent)


@pytest.mark.usefixtures("stripe_config")
def test_success_page_fulfils_before_the_webhook(
    app, client, pieces, fill_cart, checkout_form, fake_stripe, run_jobs
):
    fill_cart(pieces["pot"])
    fill_cart(pieces["rug"])
    client.post("/checkout", data=checkout_form)
    [order] = _orders(app)
    [session_id] = fake_stripe.sessions
    fake_stripe.pay(session_id)
    response = client.get(f"/checkout/done/{order.token}?session_id={session_id}")
    assert response.status_code == 303
    page = client.get(response.location + "?lang=fr").get_data(as_text=True)
    assert "Payé" in page and order.number in page
    [order] = _orders(app)
    assert order.status == OrderStatus.PAID and order.payment_reference.startswith("pi_")
    assert _count(app, LedgerEntry) == 4
    assert run_jobs() == ["deliver_mail"]  # the page only enqueued the mail; the worker sends it
    with app.app_context():
        kinds = {(m.kind, m.status) for m in db.session.scalars(select(OutboxMessage))}
    assert ("receipt", "sent") in kinds and ("artisan_notice", "skipped") in kinds
    again = client.get(f"/checkout/done/{order.token}?session_id={session_id}")
    assert again.status_code == 303 and _count(app, LedgerEntry) == 4


def test_stale_cart_at_checkout_is_corrected_and_nothing_is_ordered(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"], 3)
    with app.app_context():
        pot = db.session.get(Product, pieces["pot"])
        pot.stock, pot.price_minor = 2, 13000
        db.session.commit()
    response = client.post("/checkout?lang=en", data=checkout_form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only 2 of" in page and "changed from" in page and "Nothing was charged" in page
    assert _orders(app) == []
    response = client.post("/checkout?lang=en", data=checkout_form)
    assert response.status_code == 303 and _orders(app)[0].total_minor == 26000


def test_archived_piece_at_checkout(app, client, pieces, fill_cart, checkout_form):
    fill_cart(pieces["pot"])
    fill_cart(pieces["rug"])
    with app.app_context():
        db.session.get(Product, pieces["rug"]).status = ProductStatus.ARCHIVED
        db.session.commit()
    response = client.post("/checkout?lang=en", data=checkout_form)
    assert response.status_code == 409 and "no longer available" in response.get_data(as_text=True)
    assert _orders(app) == []


def test_test_gateway_pay(app, client, pieces, fill_cart, checkout_form):
    fill_cart(pieces["pot"])
    response = client.post("/checkout", data=checkout_form)
    [order] = _orders(app)
    assert response.location == f"/checkout/test-pay/{order.token}"
    page = client.get(response.location + "?lang=en").get_data(as_text=True)
    assert "Test payment, no money moves" in page
    done = client.post(response.location, data={"decision": "pay"})
    assert done.location == f"/orders/{order.token}"
    [order] = _orders(app)
    assert order.status == OrderStatus.PAID and order.payment_method == "test"
    assert _count(app, LedgerEntry) == 2


def test_test_gateway_decline_returns_stock_and_cart(app, client, pieces, fill_cart, checkout_form):
    fill_cart(pieces["rug"])
    response = client.post("/checkout", data=checkout_form)
    assert _stock(app, pieces["rug"]) == 0
    client.post(response.location, data={"decision": "decline"})
    [order] = _orders(app)
    assert order.status == OrderStatus.PAYMENT_FAILED and _stock(app, pieces["rug"]) == 1
    assert "Tapis" in client.get("/cart?lang=fr").get_data(as_text=True)
    assert _count(app, LedgerEntry) == 0


def test_test_gateway_page_is_off_with_stripe(stripe_config, client):
    assert client.get("/checkout/test-pay/x").status_code == 404


@pytest.mark.usefixtures("stripe_config")
def test_cancel_expires_the_session_and_refills_the_cart(
    app, client, pieces, fill_cart, checkout_form, fake_stripe
):
    fill_cart(pieces["rug"])
    client.post("/checkout", data=checkout_form)
    [order] = _orders(app)
    response = client.post(f"/checkout/cancel/{order.token}")
    assert response.location.endswith("/cart")
    [session] = fake_stripe.sessions.values()
    assert session["status"] == "expired" and _stock(app, pieces["rug"]) == 1
    assert _orders(app)[0].status == OrderStatus.CANCELLED
    assert "Tapis" in client.get("/cart?lang=fr").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PaymentAttempt.status)) == "expired"


def test_unknown_order_token_is_404(client):
    response = client.get("/orders/not-a-real-token?lang=fr")
    assert response.status_code == 404
    assert "Nous n’avons pas trouvé cette commande." in response.get_data(as_text=True)
    assert client.post("/checkout/pay/nope").status_code == 404
    assert client.get("/checkout/done/nope").status_code == 404


def test_under_ten_dirhams_is_refused(app, client, fill_cart, checkout_form):
    from tests.factories import make_product

    with app.app_context():
        cheap = make_product(db.session, price_minor=500, stock=5)
        db.session.commit()
        cheap_id = cheap.id
    fill_cart(cheap_id)
    response = client.post("/checkout?lang=en", data=checkout_form)
    assert response.status_code == 422 and "10.00 MAD" in response.get_data(as_text=True)


def test_csp_lets_the_form_redirect_to_stripe_only_when_stripe_is_on(stripe_config, client):
    policy = client.get("/cart").headers["Content-Security-Policy"]
    assert "form-action 'self' " in policy and "https://checkout.stripe.com" in policy


def test_csp_has_no_stripe_with_the_test_gateway(client):
    assert "stripe" not in client.get("/cart").headers["Content-Security-Policy"]


def test_a_stale_test_pay_tab_cannot_pay_a_cancelled_order(
    app, client, pieces, fill_cart, checkout_form
):
    fill_cart(pieces["pot"])
    pay_page = client.post("/checkout", data=checkout_form).location
    [order] = _orders(app)
    client.post(f"/checkout/cancel/{order.token}")
    client.post(pay_page, data={"decision": "pay"})  # the tab left open on the pay page
    [order] = _orders(app)
    assert order.status == OrderStatus.CANCELLED and order.paid_at is None
    assert _count(app, LedgerEntry) == 0
    assert _stock(app, pieces["pot"]) == 3
