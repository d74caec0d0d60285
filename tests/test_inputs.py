"""Hostile characters are refused before any view runs; `next` never leaves the site."""

from __future__ import annotations

import pytest

from storefront.urls import safe_next
from tests.factories import make_product


@pytest.mark.parametrize(
    "path",
    [
        "/products?craft=a%00b",
        "/products?q=%01",
        "/products?a%00=1",
        "/orders/a%00b",
        "/products/jar%0d%0aSet-Cookie:x",
        "/login?next=/%0a/evil.example",
    ],
)
def test_control_characters_in_a_url_answer_400(client, path):
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert response.status_code == 400
    assert "characters we cannot accept" in response.get_data(as_text=True)


def test_control_characters_in_a_form_answer_400_but_line_breaks_are_text(client, session):
    make_product(session, slug="jar", stock=3)
    session.commit()
    client.get("/products/jar")
    refused = client.post("/cart/add?lang=en", data={"product_id": "1", "next": "/a\x00"})
    assert refused.status_code == 400
    kept = client.post("/cart/add", data={"product_id": "1", "next": "/products/jar"})
    assert kept.status_code == 303 and kept.headers["Location"] == "/products/jar"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\t/evil.example/x",
        "/\n/evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/ /x",
        "",
        None,
        "/" + "a" * 2001,
    ],
)
def test_a_next_that_could_leave_the_site_is_refused(target):
    assert safe_next(target) is None


def test_a_path_on_the_site_is_a_good_next():
    assert safe_next("/products?craft=pottery&page=2") == "/products?craft=pottery&page=2"


def test_cart_add_never_redirects_off_the_site(client, session):
    make_product(session, slug="jar", stock=3)
    session.commit()
    client.get("/products/jar")
    for target in ("//evil.example/x", "/\t/evil.example/x", "https://evil.example"):
        data = {"product_id": "1", "next": target}
        response = client.post("/cart/add", data=data)
        assert response.status_code in (303, 400)
        assert "evil" not in response.headers.get("Location", ""), target


def test_login_next_with_a_newline_is_a_clear_400_not_a_500(client):
    response = client.get("/login?next=%2F%0Aevil&lang=en")
    assert response.status_code == 400
