"""Artisan, shop and zone pages."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_artisan, make_craft, make_product, make_shop


@pytest.fixture
def coop(session):
    leather = make_craft(session, slug="leather", name_en="Leatherwork", colour="c2")
    shop = make_shop(session, number=42, craft=leather, name="Dar Asrir", map_row=5, map_col=2)
    first = make_artisan(
        session, shop=shop, craft=leather, slug="aicha", name="Aicha Lemrabet", bio_en="Her story."
    )
    second = make_artisan(session, shop=shop, craft=leather, slug="omar", name="Omar Lemrabet")
    make_artisan(session, shop=shop, craft=leather, slug="gone", name="Gone Maker", active=False)
    make_product(session, artisan=first, slug="bag", title_en="Saddle bag")
    make_product(session, artisan=second, slug="wallet", title_en="Wallet")
    make_product(session, artisan=second, slug="hidden", title_en="Hidden", status="draft")
    session.commit()
    return shop


def test_artisan_page_tells_story_and_lists_pieces(client, coop):
    html = client.get("/artisans/aicha?lang=en").get_data(as_text=True)
    assert "Aicha Lemrabet" in html
    assert "Her story." in html
    assert "Saddle bag" in html
    assert "Wallet" not in html
    assert 'href="/shops/42"' in html


def test_shop_page_lists_its_artisans_and_their_pieces(client, coop):
    html = client.get("/shops/42?lang=en").get_data(as_text=True)
    assert "Shop 42" in html and "Dar Asrir" in html
    assert "Aicha Lemrabet" in html and "Omar Lemrabet" in html
    assert "Gone Maker" not in html
    assert "Saddle bag" in html and "Wallet" in html and "Hidden" not in html
    assert "aisle 5, place 2" in html
    assert "/zone?shop=42#shop-42" in html


@pytest.mark.parametrize(
    "path", ["/shops/0", "/shops/101", "/shops/7", "/artisans/nobody", "/artisans/gone"]
)
def test_unknown_shop_or_artisan_is_translated_404(client, coop, path):
    response = client.get(path + "?lang=ar")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert "الصفحة غير موجودة" in html


def test_zone_map_links_every_shop_with_a_text_name(client, session):
    craft = make_craft(session, slug="pottery", name_en="Pottery", colour="c3")
    for number in range(1, 101):
        make_shop(
            session,
            number=number,
            craft=craft,
            name=f"Shop name {number}",
            map_row=(number - 1) // 10 + 1,
            map_col=(number - 1) % 10 + 1,
        )
    session.commit()
    html = client.get("/zone?lang=en&shop=42").get_data(as_text=True)
    links = set(re.findall(r'<a id="shop-(\d+)" href="/shops/(\d+)"', html))
    assert links == {(str(n), str(n)) for n in range(1, 101)}
    assert html.count("<title>Shop ") == 100
    assert "Pottery" in html  # legend
    assert 'class="plot craft-c3 highlight"' in html
