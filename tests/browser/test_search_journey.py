"""A tourist on a 360 px phone searches in Arabic with the article and the broken plural."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.catalog.demo import load_demo
from storefront.catalog.models import Product, ProductStatus


@pytest.fixture
def centre(app, session, demo_media):
    """The demo centre with enough pieces for several rugs (300)."""
    app.config["MEDIA_ROOT"] = str(demo_media)
    load_demo(session, products=300, media_root=demo_media)
    session.commit()


def test_arabic_phone_finds_rugs_and_sees_a_sold_out_one(live_server, centre, new_page, shot):
    with live_server.seed() as session:
        rug = session.scalars(
            select(Product)
            .where(Product.title_ar.like("زربية%"), Product.status == ProductStatus.ACTIVE)
            .order_by(Product.id)
        ).first()
        rug.stock, rug.made_to_order = 0, False
        sold_slug = rug.slug

    page = new_page("phone", locale="ar-MA")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_role("searchbox").fill("الزرابي")
    page.get_by_role("button", name="بحث", exact=True).click()
    expect(page).to_have_url(re.compile(r"/products\?q="))
    titles = page.locator(".card-title").all_inner_texts()
    rugs = [t for t in titles if t.startswith("زربية")]
    assert len(rugs) >= 2 and titles[0].startswith("زربية")
    shot(page, "search-rugs")
    # Sold-out pieces stay findable, after every available one: on the last page.
    while page.locator('a[rel="next"]').count():
        page.locator('a[rel="next"]').click()
        expect(page.locator(".card").first).to_be_visible()
    sold = page.locator(f'.card:has(a[href="/products/{sold_slug}"])')
    expect(sold.locator(".card-badge-out")).to_have_text("نفدت")
    sold.scroll_into_view_if_needed()
    expect(sold.locator(".card-badge-out")).to_be_in_viewport()
    # Sold-out pieces come after the available ones, and the page fits the phone's width.
    marks = [c.locator(".card-badge-out").count() for c in page.locator(".card").all()]
    assert marks == sorted(marks) and marks[-1] == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "sold-out-rug")

    page.get_by_label("متوفر الآن").check()
    page.get_by_role("button", name="تطبيق").click()
    expect(page).to_have_url(re.compile(r"available=1"))
    expect(page.locator(".card").first).to_be_visible()
    expect(page.locator(f'.card a[href="/products/{sold_slug}"]')).to_have_count(0)
    expect(page.locator(".card-badge-out")).to_have_count(0)
    shot(page, "available-rugs")
