"""What search engines read: sitemap.xml, robots.txt, canonical and hreflang links, Open
Graph and the schema.org Product data of piece pages."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from storefront.catalog.models import ProductImage, ProductStatus
from tests.factories import make_artisan, make_product

BASE = "https://shop.example.ma"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGS = ("ar", "fr", "en")
# schema.org's ItemAvailability values, and the properties used of Product and Offer.
ITEM_AVAILABILITY = {
    f"https://schema.org/{name}"
    for name in (
        "BackOrder Discontinued InStock InStoreOnly LimitedAvailability MadeToOrder "
        "OnlineOnly OutOfStock PreOrder PreSale Reserved SoldOut"
    ).split()
}
PRODUCT_PROPERTIES = {
    *("@context", "@type", "name", "description", "sku", "url", "image", "brand"),
    *("category", "offers"),
}
OFFER_PROPERTIES = {"@type", "price", "priceCurrency", "availability", "url"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_URL": BASE + "/"}


@pytest.fixture
def pieces(session):
    maker = make_artisan(
        session, slug="mariem", name="Mariem Ait Baamrane", name_ar="مريم آيت باعمران"
    )
    live = make_product(
        session,
        artisan=maker,
        slug="tapis-rouge",
        price_minor=125050,
        stock=2,
        title_en="Red rug </script><b>",
        description_en="Wool & henna.",
    )
    live.images.append(ProductImage(key="abc", width=1600, height=1200, widths="320,800,1600"))
    sold_out = make_product(session, artisan=maker, slug="plat-vendu", stock=0)
    to_order = make_product(session, artisan=maker, slug="sur-mesure", stock=0, made_to_order=True)
    draft = make_product(session, artisan=maker, slug="brouillon", status=ProductStatus.DRAFT)
    waiting = make_product(
        session, artisan=maker, slug="en-attente", status=ProductStatus.PENDING_REVIEW
    )
    session.commit()
    return {
        "live": live,
        "sold_out": sold_out,
        "to_order": to_order,
        "draft": draft,
        "waiting": waiting,
        "maker": maker,
    }


def _sitemap(client) -> ET.Element:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # well-formed, or this raises
    assert root.tag == f"{SM}urlset"
    return root


def test_the_sitemap_lists_every_public_page_in_three_languages(client, pieces):
    root = _sitemap(client)
    entries = root.findall(f"{SM}url")
    locs = [entry.find(f"{SM}loc").text for entry in entries]
    assert len(locs) == len(set(locs))
    for path in (
        "/",
        "/products",
        "/zone",
        "/visit",
        "/centre",
        "/terms",
        "/returns",
        "/privacy",
        "/contact",
    ):
        for lang in LANGS:
            assert f"{BASE}{path}?lang={lang}" in locs, (path, lang)
    for slug in ("tapis-rouge", "plat-vendu", "sur-mesure"):
        for lang in LANGS:
            assert f"{BASE}/products/{slug}?lang={lang}" in locs
    for lang in LANGS:
        assert f"{BASE}/artisans/mariem?lang={lang}" in locs
        assert f"{BASE}/shops/{pieces['maker'].shop.number}?lang={lang}" in locs
    assert not [loc for loc in locs if "brouillon" in loc or "en-attente" in loc]
    assert all(loc.startswith(BASE + "/") for loc in locs)


def test_the_sitemap_keeps_to_the_protocol(client, pieces):
    """sitemaps.org 0.9: a urlset of url elements, each a loc of at most 2,048 characters,
    absolute and escaped, 50,000 urls at most; Google's xhtml:link extension beside loc."""
    response = client.get("/sitemap.xml")
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = _sitemap(client)
    assert {child.tag for child in root} == {f"{SM}url"}
    assert len(root) <= 50_000 and len(response.data) <= 50 * 1024 * 1024
    for entry in root:
        tags = [child.tag for child in entry]
        assert tags[0] == f"{SM}loc" and tags.count(f"{SM}loc") == 1
        assert set(tags[1:]) == {f"{XHTML}link"}
        loc = entry.find(f"{SM}loc").text
        assert len(loc) <= 2048 and loc.startswith("https://") and " " not in loc


def test_each_sitemap_entry_names_its_language_alternates(client, pieces):
    for entry in _sitemap(client).findall(f"{SM}url"):
        loc = entry.find(f"{SM}loc").text
        links = {link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")}
        assert set(links) == {"ar", "fr", "en", "x-default"}
        assert loc in links.values()
        assert all(link.get("rel") == "alternate" for link in entry.findall(f"{XHTML}link"))
        assert "lang=" not in links["x-default"]


def test_the_sitemap_follows_the_catalog(client, session, pieces):
    assert "/products/brouillon?lang=fr" not in client.get("/sitemap.xml").get_data(as_text=True)
    pieces["draft"].status = ProductStatus.ACTIVE
    pieces["live"].status = ProductStatus.ARCHIVED
    session.commit()
    text = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/products/brouillon?lang=fr" in text
    assert "/products/tapis-rouge?lang=fr" not in text


def test_robots_keeps_the_back_office_and_checkout_out_and_names_the_sitemap(client, session):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for prefix in ("/staff", "/admin", "/dashboard", "/checkout"):
        assert f"Disallow: {prefix}" in lines
    assert "Disallow: /" not in lines and "Disallow: /products" not in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def _links(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.mark.parametrize("lang", LANGS)
def test_pages_carry_canonical_and_hreflang_links(client, pieces, lang):
    for path in ("/", "/products/tapis-rouge", "/visit", "/contact"):
        html = client.get(f"{path}?lang={lang}").get_data(as_text=True)
        assert f'<link rel="canonical" href="{BASE}{path}?lang={lang}">' in html
        assert _links(html) == {
            "ar": f"{BASE}{path}?lang=ar",
            "fr": f"{BASE}{path}?lang=fr",
            "en": f"{BASE}{path}?lang=en",
            "x-default": f"{BASE}{path}",
        }
        assert f'<meta property="og:url" content="{BASE}{path}?lang={lang}">' in html


def test_canonical_keeps_the_other_query_parameters(client, pieces):
    html = client.get("/products?craft=pottery&page=2&lang=en").get_data(as_text=True)
    assert (
        f'<link rel="canonical" href="{BASE}/products?craft=pottery&amp;page=2&amp;lang=en">'
        in html
    )
    assert f'hreflang="x-default" href="{BASE}/products?craft=pottery&amp;page=2"' in html


def test_a_piece_page_has_open_graph_with_its_photo(client, pieces):
    html = client.get("/products/tapis-rouge?lang=en").get_data(as_text=True)
    assert '<meta property="og:type" content="product">' in html
    assert f'<meta property="og:image" content="{BASE}/media/products/abc-1600.jpg">' in html
    assert '<meta property="og:title" content="Red rug &lt;/script&gt;&lt;b&gt;">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    home = client.get("/?lang=ar").get_data(as_text=True)
    assert '<meta property="og:type" content="website">' in home
    assert '<meta property="og:locale" content="ar_MA">' in home


def _json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.mark.parametrize("lang", LANGS)
def test_product_data_gives_price_availability_and_maker(client, pieces, lang):
    data = _json_ld(client.get(f"/products/tapis-rouge?lang={lang}").get_data(as_text=True))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["sku"] == pieces["live"].sku
    assert data["offers"]["@type"] == "Offer"
    assert data["offers"]["price"] == "1250.50"
    assert data["offers"]["priceCurrency"] == "MAD"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["brand"] == {
        "@type": "Brand",
        "name": "مريم آيت باعمران" if lang == "ar" else "Mariem Ait Baamrane",
    }
    assert data["image"] == [f"{BASE}/media/products/abc-1600.jpg"]
    assert data["url"] == f"{BASE}/products/tapis-rouge?lang={lang}"
    # What schema.org and Google's product snippets require of these properties.
    assert re.fullmatch(r"\d+\.\d{2}", data["offers"]["price"])
    assert data["offers"]["availability"] in ITEM_AVAILABILITY
    assert set(data) <= PRODUCT_PROPERTIES and set(data["offers"]) <= OFFER_PROPERTIES
    assert all(isinstance(data[key], str) and data[key] for key in ("name", "sku", "url"))


def test_product_data_cannot_be_closed_by_the_pieces_text(client, pieces):
    html = client.get("/products/tapis-rouge?lang=en").get_data(as_text=True)
    block = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block and "&" not in block
    assert _json_ld(html)["name"] == "Red rug </script><b>"
    assert _json_ld(html)["description"] == "Wool & henna."


@pytest.mark.parametrize(
    ("piece", "availability"),
    [("sold_out", "OutOfStock"), ("to_order", "MadeToOrder")],
)
def test_product_data_availability_follows_stock(client, pieces, piece, availability):
    html = client.get(f"/products/{pieces[piece].slug}").get_data(as_text=True)
    assert _json_ld(html)["offers"]["availability"] == f"https://schema.org/{availability}"


def test_an_archived_piece_is_discontinued(client, session, pieces):
    pieces["live"].status = ProductStatus.ARCHIVED
    session.commit()
    html = client.get("/products/tapis-rouge").get_data(as_text=True)
    assert _json_ld(html)["offers"]["availability"] == "https://schema.org/Discontinued"


def test_the_policy_allows_the_data_block_but_no_inline_script(client, pieces):
    response = client.get("/products/tapis-rouge")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    # A <script type="application/ld+json"> is a data block: browsers never run it, so
    # script-src does not apply to it and needs no 'unsafe-inline' or hash.
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all(
        'type="application/ld+json"' in attrs or "src=" in attrs for attrs in scripts
    )
