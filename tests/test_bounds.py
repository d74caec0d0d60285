"""Numbers and dates at the edges: unicode digits, 32-bit overflow, year 1 and 9999; no 500.

Run these on PostgreSQL too (TEST_DATABASE_URL): the overflow faults only show there.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from storefront.catalog.models import MAX_PRICE_MINOR, Product
from storefront.extensions import MAX_ID
from storefront.inputs import FIRST_DAY, LAST_DAY, parse_day, parse_int, parse_month
from storefront.money import format_money
from storefront.orders.models import Order
from storefront.showroom.models import RegisterSession
from tests.factories import CHECKOUT_FORM, make_artisan, make_craft, make_product, make_user
from tests.showroom.factories import pay_form


@pytest.mark.parametrize(
    "text",
    ["²", "①", "١٢", "12²", "+1", "-1", "1_000", "1.0", "", " ", None, "0x10", "2147483648"],
)
def test_parse_int_takes_ascii_digits_within_bounds_only(text):
    assert parse_int(text) is None


def test_parse_int_reads_plain_numbers_and_applies_the_bounds():
    assert parse_int(" 42 ") == 42
    assert parse_int("0" * 5000 + "7") == 7  # leading zeros do not trip int()'s digit limit
    assert parse_int("9" * 10_000) is None
    assert parse_int(str(MAX_ID)) == 2_147_483_647
    assert parse_int("5", low=6) is None
    assert parse_int("20", high=20) == 20
    assert parse_int("21", high=20) is None


def test_parse_day_and_month_stay_inside_the_shops_calendar():
    assert parse_day("2025-01-31") == date(2025, 1, 31)
    assert parse_day(" 2025-01-31 ") == date(2025, 1, 31)
    for text in ("9999-12-31", "0001-01-01", "2025-02-30", "2025-1-31", "٢٠٢٥-٠١-٣١", "20250131"):
        assert parse_day(text) is None, text
    assert parse_day(LAST_DAY.isoformat()) == date(2999, 12, 31)
    assert parse_day(FIRST_DAY.isoformat()) == date(1900, 1, 1)
    assert parse_month("2025-03") == date(2025, 3, 1)
    for text in ("0000-05", "9999-12", "2025-13", "2025-00", "2025-3"):
        assert parse_month(text) is None, text


@pytest.mark.parametrize(
    "query", ["shop=%C2%B2", "page=%E2%91%A0", "page=%D9%A1", "shop=99999999999"]
)
def test_unicode_digits_and_huge_numbers_in_the_catalog_are_ignored(client, session, query):
    make_product(session, slug="jar", title_en="Blue jar")
    session.commit()
    response = client.get(f"/products?{query}&lang=en")
    assert response.status_code == 200
    assert "Blue jar" in response.get_data(as_text=True)


def test_a_min_price_beyond_any_listing_finds_nothing(client, session):
    make_product(session, slug="jar", title_en="Blue jar", price_minor=MAX_PRICE_MINOR)
    session.commit()
    response = client.get("/products?min_price=999999999.99&lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Blue jar" not in html and "No piece matches your search" in html
    everything = client.get("/products?max_price=999999999.99&lang=en")
    assert "Blue jar" in everything.get_data(as_text=True)


@pytest.mark.parametrize("product_id", ["2147483648", "99999999999999999999", "²", "-1"])
def test_cart_add_of_an_id_no_piece_can_have_is_404(client, session, product_id):
    make_product(session, slug="jar")
    session.commit()
    response = client.post("/cart/add?lang=en", data={"product_id": product_id})
    assert response.status_code == 404
    assert "This piece is not for sale." in response.get_data(as_text=True)


def test_cart_add_with_a_huge_quantity_adds_what_is_in_stock(client, session):
    piece = make_product(session, slug="jar", stock=3)
    session.commit()
    response = client.post("/cart/add", data={"product_id": piece.id, "quantity": "9" * 30})
    assert response.status_code == 303
    with client.session_transaction() as flask_session:
        assert flask_session["cart"] == {str(piece.id): {"q": 1, "p": 25000}}


@pytest.mark.parametrize(
    "path",
    [
        "/shops/%D9%A1",
        "/shops/99999999999",
        "/dashboard/sales/2147483648",
        "/staff/sessions/" + "9" * 30,
    ],
)
def test_int_routes_refuse_unicode_digits_and_ids_beyond_32_bits(client, session, login, path):
    login(make_user(session, role="admin"))
    session.commit()
    assert client.get(path).status_code == 404


def test_admin_posts_to_an_id_beyond_32_bits_are_404(client, session, login):
    login(make_user(session, role="admin"))
    session.commit()
    response = client.post("/admin/users/2147483648/role", data={"role": "staff"})
    assert response.status_code == 404


@pytest.fixture
def artisan_user(session, login):
    craft = make_craft(session, slug="carpets")
    artisan = make_artisan(session, craft=craft)
    user = make_user(session, role="artisan", artisan_id=artisan.id)
    session.commit()
    login(user)
    return {"craft": craft, "artisan": artisan}


def test_a_listing_at_25_million_mad_is_refused_with_the_highest_price(
    client, session, artisan_user
):
    form = {
        "title_fr": "Tapis du palais",
        "craft_id": artisan_user["craft"].id,
        "price": "25000000",
        "stock": "1",
        "weight_grams": "9000",
    }
    response = client.post("/dashboard/listings/new?lang=en", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The price can be at most 10,000,000.00\xa0MAD." in html
    assert format_money(MAX_PRICE_MINOR, "en") == "10,000,000.00\xa0MAD"
    assert "Tapis du palais" in html
    assert session.scalar(select(func.count(Product.id))) == 0


def test_a_listing_at_the_highest_price_is_kept_exactly(client, session, artisan_user):
    form = {
        "title_fr": "Tapis du palais",
        "craft_id": artisan_user["craft"].id,
        "price": "10000000",
        "stock": "1",
        "weight_grams": "9000",
    }
    assert client.post("/dashboard/listings/new", data=form).status_code == 302
    assert session.scalar(select(Product.price_minor)) == 1_000_000_000


def test_online_checkout_of_20_pieces_at_2_million_mad_is_refused_clearly(client, session):
    piece = make_product(session, slug="palace-rug", price_minor=2_000_000_00, stock=20)
    session.commit()
    client.post("/cart/add", data={"product_id": piece.id, "quantity": "20"})
    response = client.post("/checkout?lang=en", data=CHECKOUT_FORM)
    assert response.status_code == 422
    assert (
        "Online orders go up to 999,999.99\xa0MAD. For more, please buy at the showroom."
        in response.get_data(as_text=True)
    )
    assert session.scalar(select(func.count(Order.id))) == 0


def test_online_checkout_at_stripes_largest_charge_goes_through(client, session):
    piece = make_product(session, slug="rug", price_minor=99_999_999, stock=1)
    session.commit()
    client.post("/cart/add", data={"product_id": piece.id})
    response = client.post("/checkout", data=CHECKOUT_FORM)
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    assert session.scalar(select(Order.total_minor)) == 99_999_999


def test_showroom_sale_of_20_pieces_at_2_million_mad_totals_40_million(client, session, login):
    login(make_user(session, role="staff"))
    piece = make_product(session, slug="palace-rug", price_minor=2_000_000_00, stock=20)
    session.commit()
    assert client.post("/staff/registers/1/open", data={"n_10000": "1"}).status_code == 302
    client.post(f"/staff/pos/add/{piece.id}")
    client.post("/staff/pos/basket", data={f"qty_{piece.id}": "20"})
    sale = pay_form(client, method="card_terminal", card_reference="CMI-1")
    response = client.post("/staff/pos/checkout", data=sale)
    assert response.status_code == 302, response.get_data(as_text=True)
    order = session.scalar(select(Order))
    assert order.total_minor == 4_000_000_000
    assert [(line.quantity, line.line_total_minor) for line in order.lines] == [(20, 4_000_000_000)]


def test_a_drawer_of_100_000_notes_of_200_and_of_100_mad_counts_30_million(client, session, login):
    login(make_user(session, role="staff"))
    session.commit()
    assert client.post("/staff/registers/1/open", data={"n_10000": "1"}).status_code == 302
    rs = session.scalar(select(RegisterSession))
    counts = {"n_20000": "100000", "n_10000": "100000", "card_batch_total": "0", "note": "x"}
    response = client.post(f"/staff/sessions/{rs.id}/close", data=counts)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    assert rs.reconciliation.counted_cash_minor == 3_000_000_000
    assert rs.reconciliation.cash_difference_minor == 3_000_000_000 - 10_000


def test_a_drawer_count_beyond_100_000_of_a_note_is_a_form_error(client, session, login):
    login(make_user(session, role="staff"))
    session.commit()
    response = client.post("/staff/registers/1/open?lang=en", data={"n_20000": "100001"})
    assert response.status_code == 422
    assert "Enter a whole number, zero or more." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/staff/reconciliation/9999-12-31",
        "/staff/reconciliation/0001-01-01",
        "/staff/reconciliation/9999-12-31.csv",
        "/staff/reconciliation/0001-01-01.csv",
        "/staff/reconciliation/%D9%A2%D9%A0%D9%A2%D9%A5-01-31",
    ],
)
def test_reconciliation_of_a_day_outside_the_calendar_is_404(client, session, login, path):
    login(make_user(session, role="staff"))
    session.commit()
    response = client.get(path + "?lang=en")
    assert response.status_code == 404
    assert "between 1900-01-01 and 2999-12-31" in response.get_data(as_text=True)


def test_reconciliation_of_the_last_day_of_the_calendar_opens(client, session, login):
    login(make_user(session, role="staff"))
    session.commit()
    response = client.get("/staff/reconciliation/2999-12-31")
    assert response.status_code == 200
    assert "/staff/reconciliation/3000-01-01" in response.get_data(as_text=True)
    assert client.get("/staff/reconciliation/3000-01-01").status_code == 404


@pytest.mark.parametrize("month", ["0000-05", "9999-12", "2025-13", "²⁰²⁵-01"])
def test_dashboard_sales_of_a_month_we_cannot_read_is_400(client, session, artisan_user, month):
    response = client.get("/dashboard/sales", query_string={"month": month, "lang": "en"})
    assert response.status_code == 400
    assert "Months look like 2025-01, between 1900-01 and 2999-12." in response.get_data(
        as_text=True
    )
    assert client.get("/dashboard/sales.csv", query_string={"month": month}).status_code == 400


def test_dashboard_sales_of_a_month_opens(client, session, artisan_user):
    assert client.get("/dashboard/sales?month=2025-03").status_code == 200


def test_the_bound_messages_are_translated(client, session, artisan_user):
    french = client.get("/dashboard/sales?month=0000-05&lang=fr").get_data(as_text=True)
    assert "Les mois s’écrivent comme 2025-01, entre 1900-01 et 2999-12." in french
    arabic = client.get("/dashboard/sales?month=0000-05&lang=ar").get_data(as_text=True)
    assert "يُكتب الشهر هكذا 2025-01، بين 1900-01 و2999-12." in arabic


@pytest.mark.parametrize("field", ["weight_grams", "stock", "lead_days"])
@pytest.mark.parametrize("value", ["9" * 400, "²", "١٢"])
def test_a_listing_whole_number_beyond_floats_or_in_other_digits_is_a_form_error(
    client, session, artisan_user, field, value
):
    form = {
        "title_fr": "Tapis",
        "craft_id": artisan_user["craft"].id,
        "price": "100",
        "stock": "1",
        "weight_grams": "900",
        "made_to_order": "y",
        "lead_days": "3",
        field: value,
    }
    response = client.post("/dashboard/listings/new?lang=en", data=form)
    assert response.status_code == 422
    assert "Not a valid integer value." in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Product.id))) == 0


def test_a_refund_quantity_in_superscript_digits_is_a_form_error(client, session, login):
    from tests.showroom.factories import make_counter_sale, make_register_session

    staff = make_user(session, role="staff")
    piece = make_product(session, slug="jar", stock=2)
    sale = make_counter_sale(session, make_register_session(session, user=staff), [piece])
    session.commit()
    login(staff)
    line = sale.lines[0].id
    form = {f"qty_{line}": "²", "reason": "broken"}
    response = client.post(f"/staff/receipts/{sale.number}/return", data=form)
    assert response.status_code == 422
