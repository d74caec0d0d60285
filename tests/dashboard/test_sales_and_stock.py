"""Stock edits that keep concurrent sales, exact money in forms and CSV, one sale by id."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from storefront.orders import services as orders
from storefront.orders.models import Channel, Order
from tests.factories import make_artisan, make_product, make_user


@pytest.fixture
def maker(session, login):
    """A signed-in artisan with one live piece (stock 4, 249.95 MAD)."""
    artisan = make_artisan(session, commission_bps=1000)
    user = make_user(session, role="artisan", artisan_id=artisan.id)
    piece = make_product(
        session, artisan=artisan, stock=4, price_minor=24995, title_fr="=HYPERLINK"
    )
    session.commit()
    login(user)
    return artisan, piece


def _paid(session, piece, quantity=1, channel=Channel.ONLINE) -> Order:
    order = orders.create_order(session, channel=channel, lines=[(piece.id, quantity)])
    orders.mark_paid(session, order, payment_method="test", payment_reference=None)
    session.commit()
    return order


def _form_values(html: str) -> dict:
    return dict(re.findall(r'name="(\w+)"[^>]*?value="([^"]*)"', html))


def test_price_is_shown_exactly_and_stock_moves_by_difference(client, session, maker):
    _, piece = maker
    values = _form_values(client.get(f"/dashboard/listings/{piece.id}").get_data(as_text=True))
    assert (values["price"], values["stock"], values["stock_seen"]) == ("249.95", "4", "4")
    _paid(session, piece)  # a buyer takes one while the artisan's form is open
    posted = {
        "title_fr": piece.title_fr,
        "title_ar": piece.title_ar,
        "title_en": piece.title_en,
        "craft_id": piece.craft_id,
        "price": "249.95",
        "stock": "6",  # two more made
        "stock_seen": "4",
        "weight_grams": "500",
    }
    assert client.post(f"/dashboard/listings/{piece.id}", data=posted).status_code == 302
    session.expire_all()
    assert (piece.stock, piece.price_minor) == (5, 24995)


def test_stock_cannot_go_below_what_was_sold(client, session, maker):
    _, piece = maker
    _paid(session, piece, 4)
    posted = {
        "title_fr": "Plat",
        "craft_id": piece.craft_id,
        "price": "10",
        "stock": "1",
        "stock_seen": "4",  # the artisan removes three of the four they saw
        "weight_grams": "500",
    }
    response = client.post(f"/dashboard/listings/{piece.id}?lang=en", data=posted)
    assert response.status_code == 409
    assert "Pieces were sold while you were editing" in response.get_data(as_text=True)
    session.expire_all()
    assert (piece.stock, piece.price_minor) == (0, 24995)


def test_csv_amounts_are_exact_and_cells_cannot_run_formulas(client, session, maker):
    _, piece = maker
    order = _paid(session, piece, 1, Channel.SHOWROOM)
    session.get(Order, order.id).paid_at = datetime(2025, 3, 9, 17, 5)
    session.commit()
    response = client.get("/dashboard/sales.csv?month=2025-03")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffdate,order,channel")
    row = text.splitlines()[1]
    # 249.95 less 10 % (24.995 rounds half up to 25.00) leaves 224.95.
    assert row.endswith(",1,0,249.95,25.00,224.95")
    assert ",'=HYPERLINK," in row
    assert row.startswith("2025-03-09 17:05,")


def test_one_sale_by_id_is_only_its_makers(client, session, maker, login):
    _, piece = maker
    line = _paid(session, piece).lines[0]
    page = client.get(f"/dashboard/sales/{line.id}?lang=en")
    assert page.status_code == 200
    assert "224.95" in page.get_data(as_text=True)
    sales = client.get("/dashboard/sales").get_data(as_text=True)
    assert f"/dashboard/sales/{line.id}" in sales
    unpaid = orders.create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)])
    session.commit()
    assert client.get(f"/dashboard/sales/{unpaid.lines[0].id}").status_code == 404
    other = make_user(session, role="artisan", artisan_id=make_artisan(session).id)
    session.commit()
    login(other)
    refused = client.get(f"/dashboard/sales/{line.id}?lang=en")
    assert refused.status_code == 404
    assert "224.95" not in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("seen", "typed", "status", "stock"),
    [("0", "10000", 422, 1), ("4", "10000", 302, 9997), ("1", "10000", 302, 10000),
     ("0", "9999", 302, 10000), ("1", "10001", 422, 1)],
)  # fmt: skip
def test_stock_is_capped_at_10000_on_the_result(client, session, maker, seen, typed, status, stock):
    _, piece = maker
    piece.stock = 1
    session.commit()
    posted = {
        "title_fr": "Plat", "craft_id": piece.craft_id, "price": "10", "stock": typed,
        "stock_seen": seen, "weight_grams": "500",
    }  # fmt: skip
    response = client.post(f"/dashboard/listings/{piece.id}?lang=en", data=posted)
    assert response.status_code == status
    if status == 422:
        page = response.get_data(as_text=True)
        message = (
            "Enter a stock from 0 to 10000."
            if typed == "10001"
            else "A listing holds at most 10000 pieces in stock; it has 1 now."
        )
        assert message in page
        assert f'value="{typed}"' in page  # what was typed is kept
    session.expire_all()
    assert piece.stock == stock
