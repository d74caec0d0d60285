"""Public catalog pages: content, filters, bad input and a fixed number of queries."""

from __future__ import annotations

import re

import pytest

from storefront.catalog.models import ProductImage, ProductStatus
from tests.factories import make_artisan, make_craft, make_product


def _titles(html: str) -> list[str]:
    return re.findall(r'<span class="card-title">([^<]+)</span>', html)


@pytest.fixture
def catalog(session):
    pottery = make_craft(session, slug="pottery", name_fr="Poterie", name_en="Pottery")
    silver = make_craft(session, slug="silver", name_fr="Argent", name_en="Silver")
    potter = make_artisan(session, name="Fatima Ait Lahcen", craft=pottery)
    smith = make_artisan(session, name="Hassan Boukhris", craft=silver)
    items = {
        "tagine": make_product(
            session,
            artisan=potter,
            slug="green-tagine",
            title_en="Green tagine",
            title_fr="Tajine vert",
            title_ar="طاجين أخضر",
            description_fr="Un tajine émaillé à la main.",
            price_minor=32000,
            stock=1,
        ),
        "bowl": make_product(
            session,
            artisan=potter,
            slug="clay-bowl",
            title_en="Clay bowl",
            title_fr="Bol en terre",
            price_minor=9000,
            stock=5,
        ),
        "bracelet": make_product(
            session,
            artisan=smith,
            slug="silver-bracelet",
            title_en="Engraved bracelet",
            title_fr="Bracelet ciselé",
            title_ar="سوار منقوش",
            price_minor=150000,
            stock=0,
            made_to_order=True,
            lead_days=10,
        ),
        "draft": make_product(
            session, artisan=smith, slug="secret-draft", title_en="Secret draft", status="draft"
        ),
    }
    session.commit()
    return {"potter": potter, "smith": smith, **items}


def test_catalog_lists_only_live_pieces(client, catalog):
    html = client.get("/products?lang=en").get_data(as_text=True)
    assert sorted(_titles(html)) == ["Clay bowl", "Engraved bracelet", "Green tagine"]
    assert "3 pieces" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=tagine", ["Green tagine"]),
        ("q=tajine", ["Green tagine"]),  # French title
        ("q=طاجين", ["Green tagine"]),  # Arabic title
        ("q=emaille", ["Green tagine"]),  # French description, without accents
        ("q=boukhris", ["Engraved bracelet"]),  # maker's name
        ("q=brace", ["Engraved bracelet"]),  # word prefix
        ("craft=pottery&sort=price_asc", ["Clay bowl", "Green tagine"]),
        ("min_price=100&max_price=400", ["Green tagine"]),
        ("sort=price_desc", ["Engraved bracelet", "Green tagine", "Clay bowl"]),
        ("q=nothing-like-this", []),
    ],
)
def test_search_filters_and_sorting(client, catalog, query, expected):
    html = client.get(f"/products?lang=en&{query}").get_data(as_text=True)
    assert _titles(html) == expected


def test_filter_by_shop(client, catalog):
    number = catalog["smith"].shop.number
    html = client.get(f"/products?lang=en&shop={number}").get_data(as_text=True)
    assert _titles(html) == ["Engraved bracelet"]


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=abc",
        "page=99999999999999",
        "min_price=abc",
        "max_price=-5",
        "shop=0",
        "shop=abc",
        "sort=drop%20table",
        "lang=xx",
        "q=" + "x" * 10_000,
        "q=%22%27%29%28*%3A%26%7C!",
        "q=AND%20OR%20NOT%20NEAR",
    ],
)
def test_bad_parameters_never_fail(client, catalog, query):
    response = client.get(f"/products?{query}")
    assert response.status_code == 200
    assert "<h1>" in response.get_data(as_text=True)


def test_ignored_filters_are_announced(client, catalog):
    html = client.get("/products?lang=en&min_price=abc").get_data(as_text=True)
    assert "Some filters were not understood" in html
    assert len(_titles(html)) == 3


def test_product_page_links_maker_and_shop(client, catalog):
    smith = catalog["smith"]
    html = client.get("/products/silver-bracelet?lang=en").get_data(as_text=True)
    assert "Engraved bracelet" in html
    assert f'href="/artisans/{smith.slug}"' in html
    assert f'href="/shops/{smith.shop.number}"' in html
    assert f"/zone?shop={smith.shop.number}#shop-{smith.shop.number}" in html
    assert "Made to order in 10 days" in html
    assert "1,500.00" in html


def test_stock_states(client, catalog):
    assert "Only 1 left" in client.get("/products/green-tagine?lang=en").get_data(as_text=True)
    assert "In stock" in client.get("/products/clay-bowl?lang=en").get_data(as_text=True)


def test_gallery_has_responsive_sources(client, session, catalog):
    tagine = catalog["tagine"]
    session.add(
        ProductImage(product_id=tagine.id, key="abc", width=1000, height=800, widths="320,800,1000")
    )
    session.commit()
    html = client.get("/products/green-tagine").get_data(as_text=True)
    assert 'type="image/webp"' in html
    assert "/media/products/abc-320.webp 320w, /media/products/abc-800.webp 800w" in html
    assert 'width="1000" height="800"' in html


def test_unknown_or_unpublished_product_is_404(client, catalog):
    assert client.get("/products/no-such-piece?lang=fr").status_code == 404
    response = client.get("/products/secret-draft?lang=fr")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_archived_product_says_so_without_buying(client, session, catalog):
    catalog["bowl"].status = ProductStatus.ARCHIVED
    session.commit()
    html = client.get("/products/clay-bowl?lang=en").get_data(as_text=True)
    assert "No longer available" in html
    assert "Clay bowl" not in _titles(client.get("/products?lang=en").get_data(as_text=True))


def test_home_shows_featured_crafts_and_makers(client, catalog):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Green tagine" in html
    assert 'href="/products?craft=pottery"' in html
    assert f'href="/artisans/{catalog["potter"].slug}"' in html


def _seed_many(session, count: int) -> None:
    craft = make_craft(session, slug="weaving")
    makers = [make_artisan(session, craft=craft) for _ in range(4)]
    for i in range(count):
        product = make_product(session, artisan=makers[i % 4], slug=f"rug-{i}")
        image = ProductImage(key=f"k{i}", width=800, height=800, widths="320,800")
        product.images.append(image)
    session.commit()


@pytest.mark.parametrize(
    "path",
    [
        "/products",
        "/products?q=piece&sort=price_asc",
        "/products?q=piece",
        "/products?available=1",
        "/",
    ],
)
def test_catalog_query_count_does_not_grow_with_page_size(
    app, client, session, count_queries, path
):
    _seed_many(session, 30)
    # These count the queries of rendering a page; a page served from the cache runs none.
    app.config["PAGE_CACHE"] = False
    counts = []
    for per_page in (4, 24):
        app.config["PER_PAGE"] = per_page
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    # A search on PostgreSQL adds two planner settings around its statement (catalog.search).
    searching = "q=" in path and session.get_bind().dialect.name == "postgresql"
    assert counts[0] <= (7 if searching else 5)


def test_product_page_query_count_does_not_grow(app, client, session, count_queries):
    # Counts the queries of rendering the page; a page served from the cache runs none.
    app.config["PAGE_CACHE"] = False
    _seed_many(session, 12)
    with count_queries() as few:
        client.get("/products/rug-0")
    session.add_all(
        ProductImage(product_id=1, key=f"extra{i}", width=800, height=800, widths="320,800")
        for i in range(6)
    )
    session.commit()
    with count_queries() as more:
        html = client.get("/products/rug-0").get_data(as_text=True)
    assert all(f"/media/products/extra{i}-320.webp 320w" in html for i in range(6))
    assert len(few) == len(more) <= 5
