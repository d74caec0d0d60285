"""Several visitors, each in a fresh browser, buy the same piece from its cached product page.

The regression this guards: a cached product page once gave every visitor the first visitor's
CSRF token, so every add-to-cart after the first failed. Each visitor here is a new browser
context (no shared cookies); the page cache, CSRF and rate limits are on, as deployed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order, OrderStatus
from tests.factories import make_artisan, make_product

VISITORS = 4
TITLE = "Blue Tamgrout jar"


@pytest.fixture
def piece(live_server) -> str:
    """One piece with enough stock for every visitor; returns its product page path."""
    with live_server.seed() as session:
        potter = make_artisan(session, name="Fatima Aït Potière")
        product = make_product(
            session, artisan=potter, slug="blue-jar", title_en=TITLE, stock=20, price_minor=35000
        )
        return f"/products/{product.slug}?lang=en"


def _token(page) -> str:
    return page.locator("form.add-to-cart input[name=csrf_token]").get_attribute("value")


def _is_cached(live_server, path: str) -> bool:
    """Whether an anonymous visitor with an empty cart is now served `path` from the cache."""
    with live_server.app.test_request_context(path):
        known = live_server.app.extensions["catalog_version"]
        entry = live_server.app.extensions["page_cache"].get((path, "en", 0))
        found = entry is not None and known.fresh(entry[2], entry[3])
        db.session.remove()
    return found


def _assert_piece_added(page) -> None:
    expect(page.locator(".flash-success")).to_contain_text(TITLE)
    expect(page.locator(".cart-link .count")).to_have_text("1")


def _assert_own_cart(page, base: str) -> None:
    page.goto(f"{base}/cart?lang=en")
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator(".cart-line .cart-piece a")).to_have_text(TITLE)
    expect(page.locator(".cart-link .count")).to_have_text("1")
    expect(page.locator(".notice")).to_have_count(0)


def test_visitors_one_after_another_each_get_the_piece(live_server, new_page, piece, shot):
    tokens = []
    for number in range(VISITORS):
        page = new_page("phone" if number % 2 else "desktop", locale="en-GB")
        page.goto(live_server.url + piece)
        expect(page.locator("h1")).to_have_text(TITLE)
        expect(page.locator(".cart-link .count")).to_have_count(0)
        if number == 0:
            assert _is_cached(live_server, piece), "the first visit did not fill the page cache"
        tokens.append(_token(page))
        page.get_by_role("button", name="Add to cart").click()
        _assert_piece_added(page)
        _assert_own_cart(page, live_server.url)
        shot(page, f"visitor-{number + 1}-cart")
    assert len(set(tokens)) == VISITORS, "visitors of the cached page shared a CSRF token"


def test_visitors_adding_at_once_each_get_the_piece(live_server, new_page, piece, shot):
    pages = [new_page("desktop", locale="en-GB") for _ in range(VISITORS)]
    for page in pages:
        page.goto(live_server.url + piece)
        expect(page.locator("h1")).to_have_text(TITLE)
    assert _is_cached(live_server, piece)
    assert len({_token(page) for page in pages}) == VISITORS
    # Every click is sent before any answer is waited on, so the adds reach the server together.
    for page in pages:
        page.get_by_role("button", name="Add to cart").click(no_wait_after=True)
    for page in pages:
        _assert_piece_added(page)
    for number, page in enumerate(pages, 1):
        _assert_own_cart(page, live_server.url)
        shot(page, f"visitor-{number}-cart")


def test_visitor_pays_with_the_test_gateway_and_sees_the_order_paid(
    live_server, new_page, piece, shot
):
    page = new_page("phone", locale="en-GB")
    page.goto(live_server.url + piece)
    page.get_by_role("button", name="Add to cart").click()
    _assert_piece_added(page)
    _assert_own_cart(page, live_server.url)
    page.get_by_role("link", name="Checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout"))
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_label("Full name").fill("Sam Walker")
    page.get_by_label("Pickup at the showroom in Guelmim (free)").check()
    shot(page, "checkout")
    page.get_by_role("button", name="Confirm and pay").click()
    expect(page.locator("h1")).to_have_text("Test payment, no money moves")
    shot(page, "test-payment")
    page.get_by_role("button", name="Pay", exact=True).click()
    expect(page).to_have_url(re.compile(r"/orders/[\w-]+$"))
    expect(page.locator(".order-status")).to_contain_text("Thank you! Your payment is confirmed.")
    expect(page.locator(".order-line")).to_contain_text(TITLE)
    expect(page.locator(".cart-link .count")).to_have_count(0)
    shot(page, "paid")
    with live_server.app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert order.status == OrderStatus.PAID and order.customer_email == "sam@example.com"
        assert page.url.endswith(f"/orders/{order.token}")
        db.session.remove()
