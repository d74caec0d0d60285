"""Showroom pages over HTTP: access rules, the drawer, the till, receipts, returns, reports."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storefront.orders.models import Order
from storefront.showroom.models import RegisterSession, SessionStatus
from tests.factories import make_product, make_user
from tests.showroom.factories import pay_form

from .factories import make_counter_sale, make_register_session

STAFF_PAGES = [
    "/staff/",
    "/staff/pos",
    "/staff/receipts",
    "/staff/labels",
    "/staff/reconciliation/2025-01-31",
    "/staff/registers/1/open",
]


@pytest.fixture
def staff(session, login):
    user = make_user(session, role="staff", name="Amina")
    session.commit()
    login(user)
    return user


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_refuse_anonymous_and_artisans(client, session, login, path):
    from tests.factories import make_artisan

    assert client.get(path).status_code in (302, 401)
    artisan_user = make_user(session, role="artisan", artisan=make_artisan(session))
    session.commit()
    login(artisan_user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_open_for_staff(client, staff, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    assert b"style=" not in response.data


def test_open_sell_and_close_over_http(client, session, staff):
    make_product(session, sku="GLM-00100", slug="blue-pot", price_minor=12000, stock=1)
    session.commit()
    response = client.post("/staff/registers/1/open", data={"n_10000": "2", "n_1000": "5"})
    assert response.status_code == 302
    rs = session.scalar(select(RegisterSession))
    assert rs.float_minor == 25000

    response = client.post("/staff/pos/scan", data={"code": "http://x/products/blue-pot"})
    assert response.status_code == 302
    page = client.get("/staff/pos").get_data(as_text=True)
    assert "GLM-00100" in page and "120,00" in page

    data = pay_form(client, method="cash", cash_tendered="200")
    response = client.post("/staff/pos/checkout", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    order = session.scalar(select(Order))
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert order.number in receipt and "80,00" in receipt  # change
    assert "<svg" in receipt and "boutique" in receipt

    response = client.post(
        f"/staff/sessions/{rs.id}/close",
        data={"n_10000": "3", "n_1000": "6", "card_batch_total": "0", "note": ""},
    )
    assert response.status_code == 422
    assert "note" in response.get_data(as_text=True).lower()
    response = client.post(
        f"/staff/sessions/{rs.id}/close",
        data={"n_10000": "3", "n_1000": "6", "card_batch_total": "0", "note": "10 short"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert rs.status == SessionStatus.CLOSED
    assert rs.reconciliation.cash_difference_minor == -1000


def test_scanning_unknown_code_keeps_it_and_says_so(client, session, staff):
    response = client.post("/staff/pos/scan", data={"code": "NOPE-1"})
    assert response.status_code == 404
    assert "NOPE-1" in response.get_data(as_text=True)


def test_sale_of_a_piece_gone_online_is_refused_clearly(client, session, staff):
    from storefront.orders.models import Channel
    from storefront.orders.services import create_order

    make_register_session(session, user=staff)
    piece = make_product(session, sku="GLM-00200", title_fr="Collier d'argent", stock=1)
    session.commit()
    client.post("/staff/pos/scan", data={"code": "GLM-00200"})
    create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)], customer_email="a@b.ma")
    session.commit()
    data = pay_form(client, method="cash", cash_tendered="250")
    response = client.post("/staff/pos/checkout", data=data)
    assert response.status_code == 409
    assert "Collier d" in response.get_data(as_text=True)
    assert session.scalar(select(Order).where(Order.channel == "showroom")) is None


def test_return_from_receipt_refunds_cash(client, session, staff):
    rs = make_register_session(session, user=staff)
    a = make_product(session, price_minor=10000)
    b = make_product(session, price_minor=5000)
    order = make_counter_sale(session, rs, [a, b], staff=staff)
    session.commit()
    page = client.get(f"/staff/receipts/{order.number}/return").get_data(as_text=True)
    key = re.search(r'name="refund_key" value="([^"]+)"', page).group(1)
    line_b = next(line for line in order.lines if line.product_id == b.id)
    data = {"refund_key": key, f"qty_{line_b.id}": "1", "reason": "gift swap", "method": "cash"}
    response = client.post(f"/staff/receipts/{order.number}/return", data=data)
    assert response.status_code == 302
    again = client.post(f"/staff/receipts/{order.number}/return", data=data)
    assert again.status_code == 302  # the same form twice refunds once
    session.expire_all()
    assert line_b.refunded_quantity == 1
    receipt = client.get(f"/staff/receipts/{order.number}").get_data(as_text=True)
    assert "50,00" in receipt


def test_receipt_reprints_in_arabic(client, session, staff):
    rs = make_register_session(session, user=staff)
    order = make_counter_sale(session, rs, [make_product(session)], staff=staff)
    session.commit()
    page = client.get(f"/staff/receipts/{order.number}?in=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page and order.number in page


def test_sign_off_is_for_managers(client, session, login, staff):
    rs = make_register_session(session, user=staff)
    from storefront.showroom import services

    services.close_register(
        session, rs, pieces={1000: 50}, card_batch_total_minor=0, card_batch_reference="",
        note="", user=staff,
    )  # fmt: skip
    session.commit()
    assert client.post(f"/staff/sessions/{rs.id}/sign-off").status_code == 403
    manager = make_user(session, role="admin")
    session.commit()
    login(manager)
    assert client.post(f"/staff/sessions/{rs.id}/sign-off").status_code == 302
    session.expire_all()
    assert rs.status == SessionStatus.SIGNED_OFF
    assert client.post(f"/staff/sessions/{rs.id}/sign-off").status_code == 409


def test_labels_sheet_has_qr_codes_to_product_pages(client, session, staff):
    piece = make_product(session, sku="GLM-00300", slug="silver-ring", price_minor=45000)
    session.commit()
    page = client.get(f"/staff/labels?artisan={piece.artisan_id}").get_data(as_text=True)
    assert "GLM-00300" in page and "450,00" in page and 'class="qr"' in page
    assert f"shop {piece.artisan.shop.number}" in page or "boutique" in page


def test_reconciliation_page_and_csv(client, session, staff):
    rs = make_register_session(session, user=staff)
    make_counter_sale(session, rs, [make_product(session, price_minor=30000)], staff=staff)
    session.commit()
    day = rs.business_date.isoformat()
    page = client.get(f"/staff/reconciliation/{day}").get_data(as_text=True)
    assert "300,00" in page and "<svg" in page and "seg-showroom" in page
    csv = client.get(f"/staff/reconciliation/{day}.csv")
    assert csv.mimetype == "text/csv"
    assert "artisan," in csv.get_data(as_text=True) and "300.00" in csv.get_data(as_text=True)
    assert client.get("/staff/reconciliation/not-a-date").status_code == 404


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_pages_render_in_every_language(client, session, staff, lang):
    rs = make_register_session(session, user=staff)
    order = make_counter_sale(session, rs, [make_product(session)], staff=staff)
    session.commit()
    for path in [
        "/staff/",
        "/staff/pos?q=Piece",
        f"/staff/sessions/{rs.id}",
        f"/staff/sessions/{rs.id}/close",
        f"/staff/receipts/{order.number}/return",
        f"/staff/reconciliation/{rs.business_date.isoformat()}",
        "/staff/labels?artisan=",
    ]:
        response = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status_code == 200, path
        assert f'lang="{lang}"' in response.get_data(as_text=True)


def _receipt_rows(html: str) -> list[tuple[str, str]]:
    """The receipt's footer as (label, amount) pairs, tags and spaces squeezed out."""
    foot = html[html.index("<tfoot>") : html.index("</tfoot>")]
    rows = re.findall(r"<tr[^>]*><td>(.*?)</td><td class=\"num\">(.*?)</td></tr>", foot, re.S)
    clean = lambda text: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()  # noqa: E731
    return [(clean(label), clean(amount)) for label, amount in rows]


def test_receipt_of_a_shipped_order_prints_shipping_and_adds_up(client, session, staff):
    from storefront.orders.models import Channel, Delivery
    from storefront.orders.services import create_order, mark_paid

    rug = make_product(session, price_minor=147000)
    pot = make_product(session, price_minor=81000)
    order = create_order(
        session, channel=Channel.ONLINE, lines=[(rug.id, 1), (pot.id, 1)],
        customer_email="a@b.ma", delivery=Delivery.SHIP, shipping_minor=45000,
        address={"line1": "1 rue", "city": "Lyon", "postal_code": "69001", "country": "FR"},
    )  # fmt: skip
    mark_paid(session, order, payment_method="test", payment_reference=None)
    session.commit()
    assert order.total_minor == 273000
    html = client.get(f"/staff/receipts/{order.number}?in=en").get_data(as_text=True)
    rows = _receipt_rows(html)
    assert rows[:3] == [
        ("Subtotal", "2,280.00 MAD"),
        ("Shipping", "450.00 MAD"),
        ("Total", "2,730.00 MAD"),
    ]


def test_receipt_of_a_discounted_sale_prints_the_discount_and_adds_up(client, session, staff):
    rs = make_register_session(session, user=staff)
    a = make_product(session, price_minor=10000)
    b = make_product(session, price_minor=5000)
    order = make_counter_sale(session, rs, [a, b], staff=staff, discount_minor=1000)
    session.commit()
    html = client.get(f"/staff/receipts/{order.number}?in=en").get_data(as_text=True)
    assert _receipt_rows(html)[:3] == [
        ("Subtotal", "150.00 MAD"),
        ("Discount (loyal customer)", "-10.00 MAD"),
        ("Total", "140.00 MAD"),
    ]
    assert "Shipping" not in html
