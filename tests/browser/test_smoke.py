"""The browser fixtures on the public pages: health, language and direction, layout, fresh data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.catalog.models import Product, ProductStatus
from tests.factories import make_product

pytestmark = pytest.mark.browser

OVERFLOW_JS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_failed_sign_ins_count_in_redis_under_this_tests_own_prefix(live_server, new_page, limits):
    page = new_page("desktop", locale="en-GB")
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("a wrong guess")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form[method=post]")).to_contain_text("Wrong email or password.")
    counted = limits.keys()
    assert any("nobody@example.com" in key for key in counted), counted


def test_healthz_answers_json(live_server, new_page):
    page = new_page("phone")
    response = page.goto(f"{live_server.url}/healthz")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    ("locale", "lang", "direction", "heading"),
    [
        ("ar-MA", "ar", "rtl", "صنع يدوي في كلميم"),
        ("fr-FR", "fr", "ltr", "Fait main à Guelmim"),
        ("en-GB", "en", "ltr", "Handmade in Guelmim"),
    ],
    ids=["ar", "fr", "en"],
)
def test_browser_language_sets_lang_dir_and_layout(
    live_server, new_page, shot, locale, lang, direction, heading
):
    page = new_page("desktop", locale=locale)
    page.goto(live_server.url + "/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)
    expect(page.locator("h1")).to_contain_text(heading)
    expect(page.locator(f".lang-switch a[hreflang={lang}]")).to_have_attribute(
        "aria-current", "true"
    )
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    # Logical properties put the brand at the start of the line (the right, in Arabic) and
    # the language switch after it.
    brand = page.locator(".brand").bounding_box()
    switch = page.locator(".lang-switch").bounding_box()
    middle = page.viewport_size["width"] / 2
    if direction == "rtl":
        assert brand["x"] > middle and brand["x"] > switch["x"]
    else:
        assert brand["x"] + brand["width"] < middle and brand["x"] < switch["x"]
    shot(page, f"home-{lang}")


def test_chosen_language_is_kept_while_browsing(live_server, new_page, shot):
    page = new_page("phone", locale="fr-FR")
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.locator(".lang-switch").get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    shot(page, "switched")

    page.locator(".main-nav").get_by_role("link", name="خريطة المحلات").click()
    expect(page).to_have_url(re.compile(r"/zone$"))
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("خريطة منطقة الأنشطة")
    shot(page, "next-page")


@pytest.mark.parametrize("viewport", ["phone", "tablet", "desktop"])
def test_arabic_pages_are_right_to_left_and_fit_the_screen(
    live_server, demo, session, new_page, shot, viewport
):
    product = session.scalars(
        select(Product).where(Product.status == ProductStatus.ACTIVE).order_by(Product.id)
    ).first()
    pages = {
        "home": "/",
        "products": "/products",
        "piece": f"/products/{product.slug}",
        "maker": f"/artisans/{product.artisan.slug}",
        "shop": f"/shops/{product.artisan.shop.number}",
        "zone": "/zone",
        "not-found": "/products/no-such-piece",
    }
    page = new_page(viewport, locale="ar-MA")
    assert page.evaluate("window.innerWidth") == page.viewport_size["width"]
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "not-found" else 200), path
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "ar")
        expect(html).to_have_attribute("dir", "rtl")
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate(OVERFLOW_JS) <= 0, f"{path} scrolls sideways on a {viewport}"
        shot(page, name)
    expect(page.locator("h1")).to_have_text("الصفحة غير موجودة")


def test_data_seeded_while_serving_shows_at_once(live_server, new_page):
    with live_server.seed() as session:
        make_product(session, title_en="Indigo wool carpet", slug="indigo-carpet")
    page = new_page("tablet", locale="en-GB")
    page.goto(f"{live_server.url}/products?q=indigo")
    expect(page.locator(".result-count")).to_have_text("1 piece")
    expect(page.locator(".card-title")).to_have_text(["Indigo wool carpet"])

    with live_server.seed() as session:
        make_product(session, title_en="Indigo leather pouf", slug="indigo-pouf")
    page.reload()
    expect(page.locator(".result-count")).to_have_text("2 pieces")
    expect(page.locator(".card-title")).to_contain_text(["Indigo leather pouf"])
    page.get_by_role("link", name="Indigo leather pouf").click()
    expect(page).to_have_url(re.compile(r"/products/indigo-pouf$"))
    expect(page.locator("h1")).to_have_text("Indigo leather pouf")
