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


def _form(app, fields: dict, data: dict):
    """A plain WTForms form with `fields`, read from `data` as a POST body in French."""
    from flask import request
    from wtforms import Form

    with app.test_request_context("/?lang=fr", method="POST", data=data):
        form = type("Probe", (Form,), fields)(formdata=request.form)
        form.validate()
        return form.data, {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("1250", 125000),
        ("1 250,50", 125050),
        ("1\u00a0250,50", 125050),
        ("1.250,50", 125050),
        ("1,250.50", 125050),
        ("1250.5", 125050),
        ("12,5", 1250),
        ("1.250", 125000),
        ("1,25", 125),
        ("\u0661\u0662\u0665\u0660\u066b\u0665\u0660", 125050),
        ("\u0661\u066c\u0662\u0665\u0660", 125000),
        ("", None),
    ],
)
def test_money_field_stores_minor_units(app, typed, minor):
    from storefront.inputs import MoneyField

    data, errors = _form(app, {"amount": MoneyField()}, {"amount": typed})
    assert (data["amount"], errors) == (minor, {})


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,345", "Saisissez un montant de 100,00\u00a0MAD au maximum."),  # 12 345 MAD
        ("100,01", "Saisissez un montant de 100,00\u00a0MAD au maximum."),
        ("1,234.567", "Saisissez un montant comme 120 ou 120,50."),
        ("-1", "Saisissez un montant comme 120 ou 120,50."),
        ("\u0967\u0968", "Saisissez un montant comme 120 ou 120,50."),
    ],
)
def test_money_field_refuses_with_a_translated_message(app, typed, message):
    from storefront.inputs import MoneyField

    data, errors = _form(app, {"amount": MoneyField(high=10000)}, {"amount": typed})
    assert data["amount"] is None and errors == {"amount": [message]}


def test_money_field_shows_what_was_typed_or_the_amount(app):
    from wtforms import Form

    from storefront.inputs import MoneyField

    probe = type("Probe", (Form,), {"amount": MoneyField()})
    with app.test_request_context("/", method="POST", data={"amount": "1.250,5"}):
        from flask import request

        assert probe(formdata=request.form).amount._value() == "1.250,5"
        assert probe(data={"amount": 125050}).amount._value() == "1250.50"


@pytest.mark.parametrize(
    ("typed", "number", "error"),
    [
        ("12", 12, False),
        ("", 0, False),
        (" 7 ", 7, False),
        ("\u0661", None, True),
        ("\u00b2", None, True),
        ("+1", None, True),
        ("101", None, True),
        ("9" * 5000, None, True),
    ],
)
def test_whole_number_field_takes_ascii_digits_within_bounds(app, typed, number, error):
    from storefront.inputs import WholeNumberField

    field = WholeNumberField(high=100, blank=0, message="whole")
    data, errors = _form(app, {"count": field}, {"count": typed})
    assert data["count"] == number and bool(errors) is error


def test_row_list_reads_ascii_row_numbers_below_its_size(app):
    from wtforms import Form, FormField, StringField

    from storefront.inputs import RowList

    row = type("Row", (Form,), {"name": StringField()})
    rows = RowList(FormField(row), min_entries=0, max_entries=3)
    posted = {"rows-0-name": "a", "rows-2-name": "c", "rows-\u00b2-name": "x", "rows-3-name": "d"}
    data, errors = _form(app, {"rows": rows}, posted | {"rows-" + "9" * 5000 + "-name": "y"})
    assert [r["name"] for r in data["rows"]] == ["a", "c"] and errors == {}
