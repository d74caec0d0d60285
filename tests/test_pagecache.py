"""The page cache never serves a page after the data under it changed."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select, text

from storefront.catalog.models import Product
from storefront.pagecache import CSRF_MARKER, catalog_version
from tests.browsing import token_in
from tests.factories import make_product, make_user

# What a process reads to learn of the catalog changes made since it last looked.
CHANGES_READ = "SELECT id, product_id, artisan_id, shop_id FROM catalog_changes WHERE id > "


@pytest.fixture
def clock(app):
    """The page cache's clock, in seconds, moved by the test: `clock[0] += 0.25`."""
    now = [1000.0]
    known = app.extensions["catalog_version"]
    known.clock = lambda: now[0]
    known.expire()
    return now


def test_stock_change_by_guarded_update_invalidates_cached_page(client, session):
    make_product(session, slug="last-bowl", title_en="Last bowl", stock=2)
    session.commit()
    assert "Only 2 left" in client.get("/products/last-bowl?lang=en").get_data(as_text=True)
    assert "Only 2 left" in client.get("/products/last-bowl?lang=en").get_data(as_text=True)
    session.execute(
        text("UPDATE products SET stock = stock - 2 WHERE slug = 'last-bowl' AND stock >= 2")
    )
    session.commit()
    assert "Sold out" in client.get("/products/last-bowl?lang=en").get_data(as_text=True)


def test_second_view_is_served_from_cache(client, session, count_queries, clock):
    make_product(session, slug="jar", title_en="Water jar")
    session.commit()
    first = client.get("/products/jar?lang=en").get_data(as_text=True)
    with count_queries() as statements:
        second = client.get("/products/jar?lang=en").get_data(as_text=True)
    assert second == first
    assert statements == []  # not even the catalog version: it was read a moment ago


def test_a_change_by_another_process_shows_within_the_staleness_bound(session, client, clock):
    """Another app server or the worker commits elsewhere: this process sees it within 250 ms."""
    from storefront.extensions import db

    now = clock
    make_product(session, slug="jar", title_en="Water jar", stock=1)
    session.commit()
    assert "Sold out" not in client.get("/products/jar?lang=en").get_data(as_text=True)
    # A connection of its own, outside this process's sessions: as another process commits.
    with db.engine.begin() as other:
        other.execute(text("UPDATE products SET stock = 0 WHERE slug = 'jar'"))
    now[0] += 0.25
    assert "Sold out" not in client.get("/products/jar?lang=en").get_data(as_text=True)
    now[0] += 0.001
    assert "Sold out" in client.get("/products/jar?lang=en").get_data(as_text=True)


def test_a_cached_hit_reads_the_version_again_only_when_it_is_old(session, client, clock):
    now = clock
    make_product(session, slug="jar", title_en="Water jar")
    session.commit()
    client.get("/products/jar?lang=en")
    reads = []
    from sqlalchemy import event

    from storefront.extensions import db

    def seen(_conn, _cursor, statement, *_args):
        reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        for step in (0.1, 0.1, 0.05, 0.01):  # 0.26 s after the read: one more read
            now[0] += step
            client.get("/products/jar?lang=en")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert [sql.startswith(CHANGES_READ) for sql in reads] == [True]


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [
        (30, 29, False),  # "In stock", up to 20 in the quantity list: the same page
        (21, 20, False),
        (20, 19, True),  # the quantity list now stops at 19
        (4, 3, True),  # "Only 3 left"
        (2, 1, True),
        (1, 0, True),  # "Sold out"
        (0, 5, True),
    ],
)
def test_a_stock_update_moves_the_version_only_when_a_page_shows_it(session, before, after, shown):
    make_product(session, slug="jar", stock=before)
    session.commit()
    start = catalog_version()
    session.execute(text(f"UPDATE products SET stock = {after} WHERE slug = 'jar'"))
    session.commit()
    assert (catalog_version() > start) is shown


def test_a_sale_with_stock_to_spare_keeps_the_cache_and_the_last_one_shows_sold_out(
    client, session, count_queries, clock
):
    from storefront.orders.services.placing import take_stock

    product = make_product(session, slug="jar", title_en="Water jar", stock=25)
    session.commit()
    first = client.get("/products/jar?lang=en").get_data(as_text=True)
    take_stock(session, {product.id: 2}, {product.id: "Water jar"})
    session.commit()
    with count_queries() as statements:
        again = client.get("/products/jar?lang=en").get_data(as_text=True)
    assert again == first  # from the cache: the version was read, and had not moved
    assert [sql.startswith(CHANGES_READ) for sql in statements] == [True]
    session.execute(text("UPDATE products SET stock = 1 WHERE slug = 'jar'"))
    session.commit()
    assert "Only 1 left" in client.get("/products/jar?lang=en").get_data(as_text=True)
    take_stock(session, {product.id: 1}, {product.id: "Water jar"})
    session.commit()
    assert "Sold out" in client.get("/products/jar?lang=en").get_data(as_text=True)


def _product_columns():
    from storefront.catalog.models import Product

    return [c for c in Product.__table__.columns if c.name not in ("id", "stock", "updated_at")]


@pytest.mark.parametrize("column", _product_columns(), ids=lambda c: c.name)
def test_a_change_to_any_other_column_of_a_piece_moves_the_version(session, column):
    """Catches a column added to products without its page-cache trigger made again."""
    from storefront.catalog.models import Product

    product = make_product(session, slug="jar", stock=30)
    other = make_product(session, slug="other-maker-other-craft")
    session.commit()
    start = catalog_version()
    value = getattr(product, column.name)
    python_type = column.type.python_type
    if column.foreign_keys:
        new = getattr(other, column.name)
        assert new != value
    elif python_type is bool:
        new = not value
    elif python_type is int:
        new = (value or 0) + 1
    elif column.name.endswith("_at"):
        from datetime import datetime

        new = datetime(2030, 1, 2, 3, 4, 5)
    else:
        length = getattr(column.type, "length", None)
        new = ("x" if value is None else value + "x")[:length]
        if new == value:
            new = "zz"[:length]
    session.execute(Product.__table__.update().where(Product.id == product.id), {column.name: new})
    session.commit()
    assert catalog_version() > start


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE products SET title_en = 'Renamed' WHERE slug = 'jar'",
        "UPDATE artisans SET name = 'Renamed'",
        "UPDATE shops SET name = 'Renamed'",
        "UPDATE crafts SET name_en = 'Renamed'",
        "DELETE FROM product_images",
    ],
)
def test_every_watched_table_moves_the_catalog_version(session, change):
    product = make_product(session, slug="jar")
    from storefront.catalog.models import ProductImage

    product.images.append(ProductImage(key="k", width=10, height=10, widths="10"))
    session.commit()
    before = catalog_version()
    session.execute(text(change))
    session.commit()
    assert catalog_version() > before


def test_signed_in_users_bypass_the_cache(client, session, login, count_queries):
    make_product(session, slug="jar", title_en="Water jar")
    staff = make_user(session, role="staff")
    session.commit()
    client.get("/products/jar?lang=en")
    login(staff)
    with count_queries() as statements:
        client.get("/products/jar?lang=en")
    # Rendered afresh, not served from the cache (a hit reads nothing).
    assert any("FROM products" in sql for sql in statements)


def test_language_is_part_of_the_key(client, session):
    make_product(session, slug="jar", title_en="Water jar", title_fr="Jarre à eau")
    session.commit()
    assert "Water jar" in client.get("/products/jar?lang=en").get_data(as_text=True)
    assert "Jarre à eau" in client.get("/products/jar?lang=fr").get_data(as_text=True)
    assert 'lang="fr"' in client.get("/products/jar").get_data(as_text=True)


def test_each_fresh_visitor_gets_their_own_token_and_can_add_to_cart(app, session):
    make_product(session, slug="jar", title_en="Water jar", stock=5)
    session.commit()
    tokens = []
    for _ in range(4):
        visitor = app.test_client()  # no cookies: a new browser each time
        page = visitor.get("/products/jar?lang=en")
        token = token_in(page.get_data(as_text=True))
        assert token and any(c.startswith("session=") for c in page.headers.getlist("Set-Cookie"))
        tokens.append(token)
        added = visitor.post("/cart/add", data={"csrf_token": token, "product_id": "1"})
        assert added.status_code == 303
        assert "Water jar" in visitor.get("/cart?lang=en").get_data(as_text=True)
    assert len(set(tokens)) == 4


def test_a_cached_page_never_holds_a_visitors_token(app, session):
    make_product(session, slug="jar", title_en="Water jar", stock=5)
    session.commit()
    first = app.test_client().get("/products/jar?lang=en").get_data(as_text=True)
    (body, *_entry), *_ = app.extensions["page_cache"]._data.values()
    assert token_in(first) not in body and CSRF_MARKER in body


def test_a_page_left_open_for_hours_still_adds_to_the_cart(app, session):
    class SignedTwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 2 * 3600

    make_product(session, slug="jar", title_en="Water jar", stock=5)
    session.commit()
    visitor = app.test_client()
    visitor.get("/products/jar?lang=en")
    with visitor.session_transaction() as flask_session:
        raw = flask_session["csrf_token"]
    # The token the page gave, as Flask-WTF signs it, but signed two hours ago.
    old = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=SignedTwoHoursAgo)
    added = visitor.post("/cart/add", data={"csrf_token": old.dumps(raw), "product_id": "1"})
    assert added.status_code == 303
    assert "Water jar" in visitor.get("/cart?lang=en").get_data(as_text=True)


def test_a_revisit_of_an_unchanged_page_answers_304_and_a_change_answers_the_new_page(app, session):
    make_product(session, slug="jar", title_en="Water jar", stock=5)
    session.commit()
    visitor = app.test_client()
    first = visitor.get("/products/jar?lang=en")
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Cache-Control"] == "private, no-cache"
    again = visitor.get("/products/jar?lang=en", headers={"If-None-Match": tag})
    assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", tag)
    # Its copy's token still adds to the cart.
    added = visitor.post("/cart/add", data={"csrf_token": token_in(first.text), "product_id": "1"})
    assert added.status_code == 303
    # The page that shows the "added" message is this visitor's alone, and not cached.
    shown = visitor.get("/products/jar?lang=en", headers={"If-None-Match": tag})
    assert shown.status_code == 200 and "ETag" not in shown.headers
    # One more in the cart is another page (the header's count): no 304.
    after_add = visitor.get("/products/jar?lang=en", headers={"If-None-Match": tag})
    assert after_add.status_code == 200 and after_add.headers["ETag"] != tag
    session.execute(text("UPDATE products SET title_en = 'Big water jar' WHERE slug = 'jar'"))
    session.commit()
    changed = visitor.get(
        "/products/jar?lang=en", headers={"If-None-Match": after_add.headers["ETag"]}
    )
    assert changed.status_code == 200 and "Big water jar" in changed.text


def test_another_visitors_tag_gets_the_whole_page_with_a_token_of_ones_own(app, session):
    make_product(session, slug="jar", title_en="Water jar", stock=5)
    session.commit()
    tag = app.test_client().get("/products/jar?lang=en").headers["ETag"]
    stranger = app.test_client()
    page = stranger.get("/products/jar?lang=en", headers={"If-None-Match": tag})
    assert page.status_code == 200 and page.headers["ETag"] != tag
    added = stranger.post("/cart/add", data={"csrf_token": token_in(page.text), "product_id": "1"})
    assert added.status_code == 303


# Which pages a change drops: only those that show what it names, and the lists.


@pytest.fixture
def two_makers(session):
    """Two pieces by two makers in two shops, a third piece by the first maker."""
    from tests.factories import make_artisan

    first, second = make_artisan(session), make_artisan(session)
    make_product(session, slug="jar", title_en="Water jar", artisan=first, stock=30)
    make_product(session, slug="bowl", title_en="Bowl", artisan=first, stock=30)
    make_product(session, slug="rug", title_en="Rug", artisan=second, stock=30)
    session.commit()
    return first, second


def _pages(first, second) -> dict[str, str]:
    return {
        "jar": "/products/jar?lang=en",
        "bowl": "/products/bowl?lang=en",
        "rug": "/products/rug?lang=en",
        "first maker": f"/artisans/{first.slug}?lang=en",
        "second maker": f"/artisans/{second.slug}?lang=en",
        "first shop": f"/shops/{first.shop.number}?lang=en",
        "second shop": f"/shops/{second.shop.number}?lang=en",
        "catalog": "/products?lang=en",
        "home": "/?lang=en",
        "zone": "/zone?lang=en",
    }


def _rendered_again(client, count_queries, pages: dict[str, str]) -> set[str]:
    """Visit every page once; the names of those that were rendered (they read products etc.)."""
    rendered = set()
    for name, path in pages.items():
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        if any(not sql.startswith(CHANGES_READ) for sql in statements):
            rendered.add(name)
    return rendered


LISTS = {"catalog", "home", "zone"}


@pytest.mark.parametrize(
    ("change", "dropped"),
    [
        # A piece's title: its page, its maker's (cards) and shop's, the other piece by the same
        # maker (its "more by" cards) and the lists; not the other maker's.
        (
            "UPDATE products SET title_en = 'Blue jar' WHERE slug = 'jar'",
            {"jar", "bowl", "first maker", "first shop"} | LISTS,
        ),
        # The last pieces sold: the same pages show it.
        (
            "UPDATE products SET stock = 0 WHERE slug = 'rug'",
            {"rug", "second maker", "second shop"} | LISTS,
        ),
        # A maker's name: their pieces, their page and shop, the lists.
        (
            "UPDATE artisans SET name = 'Renamed' WHERE slug = :second",
            {"rug", "second maker", "second shop"} | LISTS,
        ),
        # A shop's name: the pages naming it, and every shop page (each has the zone map).
        (
            "UPDATE shops SET name = 'Renamed' WHERE id = :second_shop",
            {"rug", "second maker", "first shop", "second shop"} | LISTS,
        ),
        # A photo of a piece: as its title.
        (
            "DELETE FROM product_images WHERE product_id = (SELECT id FROM products "
            "WHERE slug = 'rug')",
            {"rug", "second maker", "second shop"} | LISTS,
        ),
        # A craft's name is on every page.
        ("UPDATE crafts SET name_en = 'Renamed'", "all"),
    ],
    ids=["piece", "last piece sold", "maker", "shop", "photo", "craft"],
)
def test_a_change_drops_the_pages_that_show_it_and_keeps_the_others(
    client, session, count_queries, clock, two_makers, change, dropped
):
    from storefront.catalog.models import ProductImage

    first, second = two_makers
    rug = session.scalar(select(Product).where(Product.slug == "rug"))
    rug.images.append(ProductImage(key="k", width=10, height=10, widths="10"))
    session.commit()
    pages = _pages(first, second)
    _rendered_again(client, count_queries, pages)  # every page rendered once, now cached
    assert _rendered_again(client, count_queries, pages) == set()
    params = {"second": second.slug, "second_shop": second.shop_id}
    session.execute(text(change), {k: v for k, v in params.items() if f":{k}" in change})
    session.commit()
    assert _rendered_again(client, count_queries, pages) == (
        set(pages) if dropped == "all" else dropped
    )
    assert _rendered_again(client, count_queries, pages) == set()


def test_selling_the_last_piece_shows_sold_out_at_once_and_keeps_other_pages(
    client, session, count_queries, clock, two_makers
):
    from storefront.orders.services.placing import take_stock

    first, second = two_makers
    rug = session.scalar(select(Product).where(Product.slug == "rug"))
    session.execute(text("UPDATE products SET stock = 1 WHERE slug = 'rug'"))
    session.commit()
    pages = _pages(first, second)
    _rendered_again(client, count_queries, pages)
    take_stock(session, {rug.id: 1}, {rug.id: "Rug"})
    session.commit()
    assert "Sold out" in client.get(pages["rug"]).get_data(as_text=True)
    assert _rendered_again(client, count_queries, {"jar": pages["jar"]}) == set()


def test_a_bulk_change_drops_every_page(client, session, count_queries, clock, two_makers):
    from storefront import pagecache

    first, second = two_makers
    pages = _pages(first, second)
    _rendered_again(client, count_queries, pages)
    # One write to the first maker's pieces, then more changes at once than one read follows.
    session.execute(text("UPDATE products SET title_en = title_en || '!' WHERE slug = 'jar'"))
    for _ in range(pagecache.FOLLOWED_PER_READ):
        session.execute(text("INSERT INTO catalog_changes (product_id) VALUES (NULL)"))
    session.commit()
    assert _rendered_again(client, count_queries, pages) == set(pages)
