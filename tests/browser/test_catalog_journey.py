"""A tourist on a phone, in Arabic, finds a piece, its maker, their shop and the shop on the map."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_arabic_phone_search_filter_piece_maker_shop_map(live_server, demo, new_page, shot):
    page = new_page("phone", locale="ar-MA")
    page.goto(f"{live_server.url}/?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_contain_text("صنع يدوي في كلميم")
    shot(page, "home")

    page.get_by_role("searchbox").fill("طاجين")
    page.get_by_role("button", name="بحث", exact=True).click()
    expect(page).to_have_url(re.compile(r"/products\?q="))
    expect(page.locator("h1")).to_contain_text("طاجين")
    cards = page.locator(".card")
    expect(cards.first).to_be_visible()
    shot(page, "search-results")

    page.get_by_label("الحرفة").select_option("pottery")
    page.get_by_role("button", name="تطبيق").click()
    expect(page).to_have_url(re.compile(r"craft=pottery"))
    expect(page.locator(".result-count")).to_contain_text("قطع")
    titles = page.locator(".card-title").all_inner_texts()
    assert titles and all("طاجين" in title for title in titles)
    shot(page, "filtered-by-craft")

    first_title = titles[0]
    page.locator(".card-link").first.click()
    expect(page.locator("h1")).to_have_text(first_title)
    expect(page.locator(".price")).to_contain_text("د.م.")
    shot(page, "piece")

    maker = page.locator(".maker-link")
    maker_name = maker.inner_text()
    maker.click()
    expect(page).to_have_url(re.compile(r"/artisans/"))
    expect(page.locator("h1")).to_have_text(maker_name)
    shot(page, "maker")

    shop_link = page.locator(".profile .shop-link")
    number = re.search(r"/shops/(\d+)", shop_link.get_attribute("href")).group(1)
    shop_link.click()
    expect(page).to_have_url(re.compile(rf"/shops/{number}$"))
    expect(page.locator("h1")).to_contain_text(f"المحل {number}")
    expect(page.locator(".makers")).to_contain_text(maker_name)
    shot(page, "shop")

    page.get_by_role("link", name="شاهده في الخريطة").click()
    expect(page).to_have_url(re.compile(rf"/zone\?shop={number}#shop-{number}$"))
    plot = page.locator(f"#shop-{number}")
    expect(plot).to_have_class(re.compile("highlight"))
    expect(plot).to_be_in_viewport()
    assert page.locator("svg.zone-map a.plot").count() == 100
    shot(page, "zone-map")
