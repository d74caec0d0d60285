"""What a visitor sees of a piece's stock on cards and lists: badges, "available now", home."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_artisan, make_craft, make_product


def _cards(html: str) -> dict[str, str]:
    """Each card's title and the badge it shows ("" for none)."""
    found = {}
    for card in re.findall(r'<li class="card[^"]*">(.*?)</li>', html, re.S):
        title = re.search(r'<span class="card-title">([^<]+)</span>', card).group(1)
        badge = re.search(r'<span class="card-badge [^"]+">([^<]+)</span>', card)
        found[title] = badge.group(1) if badge else ""
    return found


@pytest.fixture
def stockroom(session):
    craft = make_craft(session, slug="pottery", name_en="Pottery")
    maker = make_artisan(session, craft=craft)
    specs = {
        "Plenty pot": dict(stock=9),
        "Last pot": dict(stock=1),
        "Three pots": dict(stock=3),
        "Gone pot": dict(stock=0),
        "Ordered pot": dict(stock=0, made_to_order=True, lead_days=7),
    }
    pieces = {
        title: make_product(session, artisan=maker, title_en=title, featured=True, **values)
        for title, values in specs.items()
    }
    session.commit()
    return pieces


def test_cards_show_sold_out_and_the_last_few(client, stockroom):
    cards = _cards(client.get("/products?lang=en").get_data(as_text=True))
    assert cards == {
        "Plenty pot": "",
        "Last pot": "Only 1 left",
        "Three pots": "Only 3 left",
        "Gone pot": "Sold out",
        "Ordered pot": "",
    }


def test_badges_are_translated(client, stockroom):
    gone, last = stockroom["Gone pot"], stockroom["Last pot"]
    cards = _cards(client.get("/products?lang=ar").get_data(as_text=True))
    assert cards[gone.title_ar] == "نفدت" and cards[last.title_ar] == "بقيت قطعة واحدة فقط"
    cards = _cards(client.get("/products?lang=fr").get_data(as_text=True))
    assert cards[gone.title_fr] == "Épuisé"


def test_available_now_filter(client, stockroom):
    html = client.get("/products?lang=en&available=1").get_data(as_text=True)
    assert set(_cards(html)) == {"Plenty pot", "Last pot", "Three pots", "Ordered pot"}
    assert 'name="available" type="checkbox" value="1" checked' in html
    html = client.get("/products?lang=en&available=1&q=pot").get_data(as_text=True)
    assert "Gone pot" not in _cards(html) and "4 pieces" in html


def test_a_bad_available_value_is_announced_and_left_out(client, stockroom):
    html = client.get("/products?lang=en&available=maybe").get_data(as_text=True)
    assert "Some filters were not understood" in html and len(_cards(html)) == 5


def test_the_home_page_features_only_available_pieces(client, session, stockroom):
    cards = _cards(client.get("/?lang=en").get_data(as_text=True))
    assert "Gone pot" not in cards and {"Plenty pot", "Last pot", "Ordered pot"} <= set(cards)
    stockroom["Plenty pot"].stock = 0
    session.commit()
    # The page cache is on: a stock change that sells out a piece shows on the next visit.
    assert "Plenty pot" not in _cards(client.get("/?lang=en").get_data(as_text=True))


def test_a_search_result_turns_sold_out_at_once(client, session, stockroom):
    assert _cards(client.get("/products?lang=en&q=last").get_data(as_text=True)) == {
        "Last pot": "Only 1 left"
    }
    stockroom["Last pot"].stock = 0
    session.commit()
    html = client.get("/products?lang=en&q=last").get_data(as_text=True)
    assert _cards(html) == {"Last pot": "Sold out"}
