"""The showroom's forms over HTTP: amounts typed as people type them, errors next to fields."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storefront.catalog.models import Product
from storefront.orders.models import Order
from storefront.showroom.models import CashMovement, ShowroomPayment
from tests.factories import make_product, make_user
from tests.showroom.factories import pay_form

from .factories import make_counter_sale, make_register_session


@pytest.fixture
def staff(session, login):
    user = make_user(session, role="staff")
    session.commit()
    login(user)
    return user


def _basket(client, session, staff, *, price_minor: int = 120000) -> None:
    make_register_session(session, user=staff)
    make_product(session, sku="GLM-00300", price_minor=price_minor, stock=2)
    session.commit()
    assert client.post("/staff/pos/scan", data={"code": "GLM-00300"}).status_code == 302


@pytest.mark.parametrize(
    ("typed", "tendered"),
    [
        ("\u0661\u0662\u0665\u0660\u066b\u0665\u0660", 125050),  # ١٢٥٠٫٥٠
        ("\u0661\u066c\u0662\u0665\u0660", 125000),  # ١٬٢٥٠
        ("1\u202f250,50", 125050),
        ("1.250,5", 125050),
        ("1,250.50", 125050),
        ("1.250", 125000),
    ],
)
def test_the_till_reads_cash_as_it_is_typed(client, session, staff, typed, tendered):
    _basket(client, session, staff)
    response = client.post("/staff/pos/checkout", data=pay_form(client, cash_tendered=typed))
    assert response.status_code == 302, response.get_data(as_text=True)
    payment = session.scalar(select(ShowroomPayment))
    assert (payment.tendered_minor, payment.amount_minor) == (tendered, 120000)
    assert payment.change_minor == tendered - 120000


def test_a_bad_amount_is_shown_next_to_its_field_with_what_was_typed(client, session, staff):
    _basket(client, session, staff)
    data = pay_form(client, cash_tendered="12,3456", discount_reason="fidèle")
    response = client.post("/staff/pos/checkout?lang=en", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(
        r'id="cash_tendered-error">Enter an amount such as 120 or 120,50.</p>', page
    ), page
    assert 'value="12,3456"' in page and 'value="fidèle"' in page
    assert f'name="sale_key" value="{data["sale_key"]}"' in page  # the key is kept
    assert session.scalar(select(Order)) is None


@pytest.mark.parametrize(
    ("fields", "name", "message"),
    [
        ({"cash_tendered": ""}, "cash_tendered", "Enter an amount."),
        ({"cash_tendered": "-5"}, "cash_tendered", "Enter an amount such as 120 or 120,50."),
        ({"cash_tendered": "1000000000"}, "cash_tendered", "Enter an amount of at most"),
        ({"method": "card_terminal"}, "card_reference", "This field is required."),
        ({"method": "mixed", "card_reference": "T-9"}, "card_amount", "Enter an amount."),
        ({"method": "bitcoin"}, "method", "Choose how the customer pays."),
        (
            {"cash_tendered": "2000", "receipt_lang": "de"},
            "receipt_lang",
            "Choose a language for the receipt.",
        ),
        ({"cash_tendered": "2000", "discount_reason": "x" * 201}, "discount_reason", "At most 200"),
    ],
)
def test_pay_form_errors(client, session, staff, fields, name, message):
    _basket(client, session, staff)
    response = client.post("/staff/pos/checkout?lang=en", data=pay_form(client, **fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(rf'id="{name}-error">{re.escape(message)}', page), page
    assert session.scalar(select(Order)) is None


def test_pay_form_errors_are_translated(client, session, staff):
    _basket(client, session, staff)
    response = client.post("/staff/pos/checkout?lang=ar", data=pay_form(client, cash_tendered="x"))
    assert response.status_code == 422
    assert "أدخل مبلغًا مثل 120 أو 120,50." in response.get_data(as_text=True)


def test_a_basket_quantity_that_is_not_a_number_leaves_the_line(client, session, staff):
    _basket(client, session, staff)
    pid = session.scalar(select(Product.id))
    client.post("/staff/pos/basket", data={f"qty_{pid}": "\u00b2"})
    assert re.search(rf'name="qty_{pid}" type="number" min="0" max="99" value="1"', _till(client))
    client.post("/staff/pos/basket", data={f"qty_{pid}": "2"})
    assert re.search(rf'name="qty_{pid}" type="number" min="0" max="99" value="2"', _till(client))
    client.post("/staff/pos/basket", data={f"qty_{pid}": "2", "remove": str(pid)})
    assert f'name="qty_{pid}"' not in _till(client)


def _till(client) -> str:
    return client.get("/staff/pos").get_data(as_text=True)


def test_drawer_counts_are_whole_numbers_and_keep_what_was_typed(client, session, staff):
    response = client.post(
        "/staff/registers/1/open?lang=en", data={"n_10000": "\u00b2", "n_1000": "5"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="n_10000-error">Enter a whole number, zero or more.' in page
    assert 'name="n_1000" inputmode="numeric" pattern="[0-9]*" value="5"' in page
    too_many = client.post("/staff/registers/1/open?lang=en", data={"n_100": "100001"})
    assert too_many.status_code == 422
    opened = client.post("/staff/registers/1/open", data={"n_10000": "2", "n_50": ""})
    assert opened.status_code == 302
    assert session.scalar(select(ShowroomPayment)) is None


def _movement_key(client, session_id: int) -> str:
    page = client.get(f"/staff/sessions/{session_id}").get_data(as_text=True)
    return re.search(r'name="form_key" value="([^"]+)"', page).group(1)


def test_cash_movements_read_grouped_amounts_and_refuse_signs(client, session, staff):
    rs = make_register_session(session, user=staff)
    session.commit()
    data = {"kind": "paid_out", "amount": "-5", "reason": "taxi"}
    data["form_key"] = _movement_key(client, rs.id)
    refused = client.post(f"/staff/sessions/{rs.id}/movements?lang=en", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Enter an amount such as 120 or 120,50." in page and 'value="-5"' in page
    assert f'value="{data["form_key"]}"' in page
    no_kind = client.post(
        f"/staff/sessions/{rs.id}/movements?lang=en",
        data={"form_key": data["form_key"], "amount": "5", "reason": "taxi"},
    )
    assert no_kind.status_code == 422
    assert "Choose paid in or paid out." in no_kind.get_data(as_text=True)
    data |= {"kind": "paid_in", "amount": "1 250,50", "reason": "change from the bank"}
    assert client.post(f"/staff/sessions/{rs.id}/movements", data=data).status_code == 302
    movement = session.scalar(select(CashMovement))
    assert (movement.kind, movement.amount_minor) == ("paid_in", 125050)


def test_refund_form_errors_are_next_to_their_fields(client, session, staff):
    rs = make_register_session(session, user=staff)
    piece = make_product(session, price_minor=10000)
    order = make_counter_sale(session, rs, [piece], staff=staff)
    session.commit()
    line, stock = order.lines[0], piece.stock
    url = f"/staff/receipts/{order.number}/return?lang=en"
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="refund_key" value="([^"]+)"', page).group(1)
    base = {"refund_key": key, "reason": "chipped", "method": "cash"}
    more = client.post(url, data=base | {f"qty_{line.id}": "2"})
    assert more.status_code == 422
    assert f'id="qty_{line.id}-error">More than can be returned.' in more.get_data(as_text=True)
    bad = client.post(url, data=base | {f"qty_{line.id}": "1", "method": "bitcoin"})
    assert bad.status_code == 422
    assert 'id="method-error">Choose how to refund.' in bad.get_data(as_text=True)
    no_reason = client.post(url, data=base | {f"qty_{line.id}": "1", "reason": " "})
    assert no_reason.status_code == 422
    assert 'id="reason-error">This field is required.' in no_reason.get_data(as_text=True)
    session.expire_all()
    assert line.refunded_quantity == 0
    done = client.post(url, data=base | {f"qty_{line.id}": "1"})
    assert done.status_code == 302
    session.expire_all()
    assert line.refunded_quantity == 1 and piece.stock == stock  # "restock" was not ticked


def test_receipt_lookup_reads_the_number_in_capitals(client, session, staff):
    rs = make_register_session(session, user=staff)
    order = make_counter_sale(session, rs, [make_product(session)], staff=staff)
    session.commit()
    response = client.get(f"/staff/receipts?number=+{order.number.lower()}+")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/receipts/{order.number}")
