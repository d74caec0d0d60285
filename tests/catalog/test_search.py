"""The one search, on the web and at the till: issue 12's table, ranking, typos, availability."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from storefront.catalog import services
from storefront.catalog.demo import load_demo
from storefront.catalog.search import find
from storefront.catalog.services import CatalogFilter, Sort
from storefront.showroom.services import search_products
from tests.factories import make_artisan, make_craft, make_product, make_user

# What the catalog page's cards are shaped with (catalog.cards).
CARDS = {"lang": "en", "media_base": "/media/products/"}

# Issue 12: each query must find what its other spelling finds (and something).
SAME_PIECES = [
    ("الفضة", "فضة"),
    ("القلادة", "قلادة"),
    ("الزربية", "زربية"),
    ("زرابي", "زربية"),
    ("الفخار", "فخار"),
    ("rugs", "rug"),
    ("necklaces", "necklace"),
    ("baskets", "basket"),
    ("jewelry", "jewellery"),
    ("colliers", "collier"),
    ("tea pot", "teapot"),
    ("rug", "carpet"),
    ("tapis berbère", "tapis"),
]
# The till found none of these before (ILIKE on raw words); the web did.
TILL_WORDS = ["Théière", "émaillée", "أخضر"]


def _web(session, q: str) -> list[int]:
    page = services.browse(
        session, CatalogFilter(q=q, sort=Sort.RELEVANCE), per_page=10_000, **CARDS
    )
    return [p.id for p in page.items]


def _till(session, q: str) -> list[int]:
    return [p.id for p in search_products(session, q, limit=10_000)]


@pytest.fixture
def centre(app, session, demo_media):
    app.config["MEDIA_ROOT"] = str(demo_media)
    load_demo(session, products=400, media_root=demo_media)
    session.commit()


@pytest.mark.usefixtures("centre")
def test_every_spelling_of_the_table_finds_the_same_pieces_on_the_web_and_at_the_till(session):
    for typed, other in SAME_PIECES:
        web = _web(session, typed)
        assert web, typed
        assert set(web) == set(_web(session, other)), (typed, other)
        assert _till(session, typed) == web, typed
    for word in TILL_WORDS:
        assert _till(session, word) == _web(session, word) != [], word


@pytest.mark.usefixtures("centre")
def test_the_till_lists_the_first_twenty_in_the_web_order(session):
    assert _till(session, "rug")[:20] == [p.id for p in search_products(session, "rug")]
    assert len(search_products(session, "rug")) == 20


@pytest.fixture
def shelf(session):
    weaving = make_craft(session, slug="weaving", name_fr="Tissage", name_en="Weaving")
    maker = make_artisan(session, name="Omar Weaver", craft=weaving)
    pieces = {}
    made = datetime(2025, 1, 1, 12)
    specs = [
        ("exact", dict(title_en="Rug with fringes", stock=2)),
        ("stem", dict(title_en="Rugs pair", stock=2)),
        ("synonym", dict(title_en="Woven kilim", stock=2)),
        ("described", dict(title_en="Floor cushion", description_en="Sits well on a rug.")),
        ("sold", dict(title_en="Rug of the south", stock=0)),
        ("exact_older", dict(title_en="Rug in wool", stock=2)),
    ]
    for n, (name, values) in enumerate(specs):
        pieces[name] = make_product(
            session,
            artisan=maker,
            slug=f"piece-{name}",
            title_fr=None,
            title_ar=None,
            created_at=made.replace(day=20 - n),
            **values,
        )
    session.commit()
    return pieces


def test_ranking_exact_title_then_stem_then_synonym_then_text_sold_out_last(session, shelf):
    order = [shelf[k].id for k in ("exact", "exact_older", "stem", "synonym", "described")]
    found = find(session, "rug").ids
    assert found == [*order, shelf["sold"].id]
    assert find(session, "rug").ids == found  # stable


def test_a_sold_out_piece_stays_findable_below_available_ones(session, shelf):
    assert find(session, "south").ids == [shelf["sold"].id]
    assert find(session, "rug").ids[-1] == shelf["sold"].id


def test_other_sorts_keep_available_pieces_first(session, shelf):
    page = services.browse(
        session, CatalogFilter(q="rug", sort=Sort.PRICE_ASC), per_page=20, **CARDS
    )
    assert page.items[-1].id == shelf["sold"].id and page.total == 6


def test_typo_shows_the_corrected_search(client, shelf):
    html = client.get("/products?lang=en&q=cushoin").get_data(as_text=True)
    assert "Showing results for:" in html and 'href="/products?q=cushion"' in html
    assert re.findall(r'<span class="card-title">([^<]+)</span>', html) == ["Floor cushion"]


def test_a_word_no_piece_holds_is_left_out_and_said(client, shelf):
    html = client.get("/products?lang=en&q=rug+zzzqqq").get_data(as_text=True)
    assert "Not searched for: zzzqqq" in html and "6 pieces" in html


def test_search_is_in_relevance_order_unless_asked(client, shelf):
    html = client.get("/products?lang=en&q=rug").get_data(as_text=True)
    assert '<option value="relevance" selected>' in html
    titles = re.findall(r'<span class="card-title">([^<]+)</span>', html)
    assert titles[:2] == ["Rug with fringes", "Rug in wool"] and titles[-1] == "Rug of the south"
    assert 'value="relevance"' not in client.get("/products?lang=en").get_data(as_text=True)


@pytest.fixture
def staff(session, login):
    user = make_user(session, role="staff", name="Amina")
    session.commit()
    login(user)
    return user


@pytest.mark.usefixtures("staff")
def test_the_till_page_finds_normalised_words(client, session):
    make_product(session, title_fr="Théière émaillée", title_ar="براد أخضر", sku="GLM-T99999")
    session.commit()
    for q in ("Théière", "theiere", "émaillée", "أخضر", "teapot", "99999"):
        html = client.get(f"/staff/pos?q={q}").get_data(as_text=True)
        assert "GLM-T99999" in html, q
