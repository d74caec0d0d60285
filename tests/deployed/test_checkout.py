"""A buyer goes from the catalog to a paid order through Stripe, on the shop as deployed.

The shop sends the buyer to the (fake) Stripe hosted page; the test then does what Stripe
does: takes the payment, POSTs the signed checkout.session.completed webhook, and sends the
buyer back to the success URL. Once in plain HTTP (cookie jar, tokens read from the pages),
once in a real Chromium.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from .stripe_flow import (
    notify,
    pay_and_notify,
    serve_hosted_pages,
    session_id_from,
    success_url,
)

PAID = "Thank you! Your payment is confirmed."
ORDER_PAGE = re.compile(r"/orders/[\w-]+$")


def _order(deployed, number: str) -> dict:
    with deployed.engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT number, status, total_minor, currency, payment_reference, customer_email "
                "FROM orders WHERE number = :number"
            ),
            {"number": number},
        )
        return dict(row.mappings().one())


def test_http_buyer_pays_through_stripe_and_the_webhook_marks_the_order_paid(
    deployed, fake, visitor
):
    piece = deployed.piece()
    buyer = visitor()
    listing = buyer.get("/products?lang=en")
    assert listing.status == 200 and f'href="/products/{piece["slug"]}"' in listing.text
    page = buyer.get(f"/products/{piece['slug']}")
    assert page.status == 200 and page.shows(piece["title_en"])

    added = buyer.submit(page, page.form(css="add-to-cart"))
    assert added.status == 200 and added.history[0][0] == 303
    assert added.shows(f"“{piece['title_en']}” is in your cart.")
    cart = buyer.get("/cart")
    assert cart.shows(piece["title_en"]) and '<span class="count">1</span>' in cart.text

    form_page = buyer.get("/checkout")
    assert form_page.status == 200
    sent = buyer.submit(
        form_page,
        form_page.form(action="/checkout"),
        email="noor@example.com",
        name="Noor Haddad",
        delivery="pickup",
    )
    assert sent.history and sent.history[-1][0] == 303, (sent.status, sent.text[:500])
    session_id = session_id_from(sent.url, fake)
    session = fake.sessions[session_id]
    assert session["amount_total"] == piece["price_minor"] and session["currency"] == "mad"
    assert session["success_url"].startswith(f"{deployed.url}/checkout/done/")
    number = session["client_reference_id"]
    assert _order(deployed, number)["status"] == "pending_payment"

    outcome = pay_and_notify(fake, deployed.url, session_id)
    assert outcome["received"] is True
    order = _order(deployed, number)
    assert order["status"] == "paid", (outcome, order)
    assert order["payment_reference"] == session["payment_intent"]
    assert order["total_minor"] == piece["price_minor"]

    back = buyer.get(success_url(fake, session_id))
    assert back.status == 200 and ORDER_PAGE.search(back.url), back.url
    assert back.shows(PAID) and back.shows(piece["title_en"])
    assert '<span class="count">' not in back.text  # the cart is empty once the order is placed


def test_chromium_buyer_pays_through_stripe_and_sees_the_order_paid(deployed, fake, new_page):
    piece = deployed.piece()
    page = new_page("phone", locale="en-GB")
    serve_hosted_pages(page, fake)
    page.goto(f"{deployed.url}/products?lang=en")
    page.locator(f'a[href="/products/{piece["slug"]}"]').first.click()
    expect(page.locator("h1")).to_have_text(piece["title_en"])
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".flash-success")).to_contain_text(piece["title_en"])
    expect(page.locator(".cart-link .count")).to_have_text("1")
    page.locator(".cart-link").click()
    expect(page.locator(".cart-line .cart-piece a")).to_have_text(piece["title_en"])

    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Email").fill("lina@example.com")
    page.get_by_label("Full name").fill("Lina Berger")
    page.get_by_label("Pickup at the showroom in Guelmim (free)").check()

    # The form's own submit, a page load (choosing the delivery already fetched the total).
    def submitted(response) -> bool:
        return response.request.method == "POST" and response.request.resource_type == "document"

    with page.expect_response(submitted) as answer:
        page.get_by_role("button", name="Confirm and pay").click()
    assert answer.value.status == 303, answer.value.status
    expect(page.locator("h1")).to_have_text("Fake Stripe Checkout")
    session_id = session_id_from(page.url, fake)

    # Stripe takes the payment and sends the buyer back; the success page fulfils the order
    # by asking Stripe for the session. The webhook arriving afterwards changes nothing.
    paid = fake.pay(session_id)
    page.goto(success_url(fake, session_id))
    expect(page).to_have_url(ORDER_PAGE)
    expect(page.locator(".order-status")).to_contain_text(PAID)
    expect(page.locator(".order-line")).to_contain_text(piece["title_en"])
    number = paid["client_reference_id"]
    assert _order(deployed, number)["customer_email"] == "lina@example.com"
    late = notify(fake, deployed.url, "checkout.session.completed", paid)
    assert late["received"] is True and _order(deployed, number)["status"] == "paid", late
    page.reload()
    expect(page.locator(".order-status")).to_contain_text(PAID)
