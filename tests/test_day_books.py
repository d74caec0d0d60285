"""One business day in Guelmim, both channels, checked against the book in every report.

Wednesday 2026-07-01 (local time, UTC+1). Three makers:

- Fatima (shop A, 10 %): a jar at 120.00 and a plate at 45.50;
- Aicha (12.5 %): a rug at 900.00 and a cushion at 175.25;
- Hassan (8 %): a ring at 333.50, sold twice and refunded in full both times, so he ends at 0.00.

At the till (register 1, float 500.00):
  S1  2 jars + the rug, 57.00 off (5 %), cash 1,083.00. The discount splits 12.00 / 45.00 in
      proportion, so the jar line is 228.00 and the rug 855.00 (commission 106.875, rounded
      half up to 106.88). One jar comes back in cash: 114.00, commission 11.40 returned.
  S2  a ring + a plate on the card terminal, 379.00. The ring comes back to the card: 333.50.
  S3  3 cushions, 525.75: 200.75 by card, 325.00 cash. One comes back to the card: 175.25,
      commission 21.91 returned (a third of 65.72, rounded half up).
Online, paid through the test gateway:
  O1  a ring, pickup, paid 2026-06-30 23:30 UTC (00:30 on the 1st in Guelmim); refunded in
      full in cash (333.50) at the till.
  O2  2 plates and a cushion shipped in Morocco (1,400 g: 70.00), paid at 12:00 UTC; one plate
      comes back in cash at the till: 45.50.
  O3  a jar paid 2026-07-01 23:10 UTC: 00:10 on 2 July, so the next day (but July still).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.ledger.services import balance_for_artisan
from storefront.money import format_money
from storefront.orders.models import Channel, Order, OrderLine, OrderStatus
from storefront.showroom import services
from storefront.showroom.models import Refund
from storefront.timeutil import local_day_bounds
from tests.factories import CHECKOUT_FORM, make_artisan, make_product, make_user

DAY = date(2026, 7, 1)


@dataclass
class Day:
    """The day's people, pieces, orders and register session."""

    staff: object
    manager: object
    makers: dict  # "fatima" | "aicha" | "hassan" -> Artisan
    users: dict  # same keys -> their User
    orders: dict  # "S1".."S3", "O1".."O3" -> Order
    register_session: object


def _line(order: Order, product) -> OrderLine:
    return next(line for line in order.lines if line.product_id == product.id)


def _pay_online(app, product_quantities, key: str, **delivery) -> str:
    """A tourist's own browser: cart, checkout form, the test gateway's Pay. Returns the token."""
    tourist = app.test_client()
    for product, quantity in product_quantities:
        tourist.post("/cart/add", data={"product_id": product.id, "quantity": quantity})
    response = tourist.post("/checkout", data={**CHECKOUT_FORM, "checkout_key": key, **delivery})
    assert response.status_code in (302, 303), response.data
    assert response.location.startswith("/checkout/test-pay/")
    assert tourist.post(response.location, data={"decision": "pay"}).status_code == 303
    return response.location.rsplit("/", 1)[1]


def _refund(session, order, items, *, method, staff, rs, key, reference=""):
    return services.refund_at_counter(
        session, order, items=items, reason="brought back", restock=True, method=method,
        user=staff, register_session=rs, refund_key=key, reference=reference,
    )  # fmt: skip


@pytest.fixture
def day(app, session) -> Day:
    staff = make_user(session, role="staff", name="Amina")
    manager = make_user(session, role="admin", name="Khadija")
    fatima = make_artisan(session, name="Fatima", commission_bps=1000)
    aicha = make_artisan(session, name="Aicha", commission_bps=1250)
    hassan = make_artisan(session, name="Hassan", commission_bps=800)
    jar = make_product(session, artisan=fatima, price_minor=12000, stock=10, weight_grams=800)
    plate = make_product(session, artisan=fatima, price_minor=4550, stock=10, weight_grams=500)
    rug = make_product(session, artisan=aicha, price_minor=90000, stock=3, weight_grams=3000)
    cushion = make_product(session, artisan=aicha, price_minor=17525, stock=10, weight_grams=400)
    ring = make_product(session, artisan=hassan, price_minor=33350, stock=5, weight_grams=50)
    users = {
        name: make_user(session, role="artisan", artisan_id=maker.id)
        for name, maker in (("fatima", fatima), ("aicha", aicha), ("hassan", hassan))
    }
    session.commit()

    tokens = {
        "O1": _pay_online(app, [(ring, 1)], "day-books-online-1"),
        "O2": _pay_online(
            app,
            [(plate, 2), (cushion, 1)],
            "day-books-online-2",
            delivery="ship",
            line1="12 avenue Mohammed V",
            city="Agadir",
            country="MA",
        ),  # fmt: skip
        "O3": _pay_online(app, [(jar, 1)], "day-books-online-3"),
    }
    orders = {
        name: session.scalar(select(Order).where(Order.token == token))
        for name, token in tokens.items()
    }

    rs = services.open_register(
        session, register=1, pieces={10000: 5}, user=staff, business_date=DAY
    )
    tender = services.Tender
    orders["S1"] = services.record_showroom_sale(
        session, rs, lines=[(jar.id, 2), (rug.id, 1)], tender=tender(cash_tendered=108300),
        staff=staff, discount_minor=5700, discount_reason="cooperative visit",
    )  # fmt: skip
    orders["S2"] = services.record_showroom_sale(
        session, rs, lines=[(ring.id, 1), (plate.id, 1)],
        tender=tender(card_amount=37900, card_reference="CMI-001"), staff=staff,
    )  # fmt: skip
    orders["S3"] = services.record_showroom_sale(
        session, rs, lines=[(cushion.id, 3)],
        tender=tender(cash_tendered=32500, card_amount=20075, card_reference="CMI-002"),
        staff=staff,
    )  # fmt: skip
    o, s = orders, rs
    _refund(session, o["S1"], [(_line(o["S1"], jar).id, 1)], method="cash", staff=staff, rs=s,
            key="day-books-r1")  # fmt: skip
    _refund(session, o["S2"], [(_line(o["S2"], ring).id, 1)], method="card_terminal",
            staff=staff, rs=s, key="day-books-r2", reference="CMI-R1")  # fmt: skip
    _refund(session, o["S3"], [(_line(o["S3"], cushion).id, 1)], method="card_terminal",
            staff=staff, rs=s, key="day-books-r3", reference="CMI-R2")  # fmt: skip
    _refund(session, o["O1"], [(_line(o["O1"], ring).id, 1)], method="cash", staff=staff, rs=s,
            key="day-books-r4")  # fmt: skip
    _refund(session, o["O2"], [(_line(o["O2"], plate).id, 1)], method="cash", staff=staff,
            rs=s, key="day-books-r5")  # fmt: skip

    # Counted exactly what the drawer expects: 1,415.00 cash, a card batch of 71.00.
    services.close_register(
        session, rs, pieces={20000: 7, 1000: 1, 500: 1},
        card_batch_total_minor=7100, card_batch_reference="BATCH-0701", note="", user=staff,
    )  # fmt: skip
    services.sign_off(session, rs, manager=manager)

    # When it all happened (stored UTC): the register from 08:30 to 19:00 local.
    rs.opened_at = datetime(2026, 7, 1, 7, 30)
    rs.reconciliation.closed_at = datetime(2026, 7, 1, 18, 0)
    paid = {
        "O1": datetime(2026, 6, 30, 23, 30),
        "S1": datetime(2026, 7, 1, 9, 0),
        "S2": datetime(2026, 7, 1, 10, 0),
        "S3": datetime(2026, 7, 1, 11, 0),
        "O2": datetime(2026, 7, 1, 12, 0),
        "O3": datetime(2026, 7, 1, 23, 10),
    }
    for name, moment in paid.items():
        orders[name].paid_at = orders[name].created_at = moment
    for refund in session.scalars(select(Refund)):
        refund.created_at = datetime(2026, 7, 1, 16, 0)
    session.commit()
    return Day(
        staff=staff,
        manager=manager,
        makers={"fatima": fatima, "aicha": aicha, "hassan": hassan},
        users=users,
        orders=orders,
        register_session=rs,
    )


def _book(session, *conditions) -> dict[tuple[int, str, str], int]:
    """Ledger sums by (artisan, channel, 'gross' | 'commission') for the lines matched."""
    kind = LedgerEntry.kind
    rows = session.execute(
        select(LedgerEntry.artisan_id, Order.channel, kind, func.sum(LedgerEntry.amount_minor))
        .join(OrderLine, LedgerEntry.order_line_id == OrderLine.id)
        .join(Order, OrderLine.order_id == Order.id)
        .where(*conditions)
        .group_by(LedgerEntry.artisan_id, Order.channel, kind)
    )
    book: dict[tuple[int, str, str], int] = {}
    for artisan_id, channel, entry_kind, amount in rows:
        part = "commission" if entry_kind == EntryKind.COMMISSION else "gross"
        key = (artisan_id, str(channel), part)
        book[key] = book.get(key, 0) + int(amount)
    return book


def _days_book(session, day: Day):
    start, end = local_day_bounds(DAY)
    showroom = _book(session, Order.register_session_id == day.register_session.id)
    online = _book(
        session, Order.channel == Channel.ONLINE, Order.paid_at >= start, Order.paid_at < end
    )
    return showroom | online


EXPECTED_ARTISANS = {
    # name: (showroom pieces, gross, commission, share, online pieces, online gross)
    "Fatima": (2, 15950, 1595, 14355, 1, 4550),
    "Aicha": (3, 120550, 15069, 105481, 1, 17525),
    "Hassan": (0, 0, 0, 0, 0, 0),
}


def test_the_report_equals_the_book(session, day):
    report = services.day_report(session, DAY)
    rows = {r.name: r for r in report.artisans}
    assert {
        name: (r.showroom_pieces, r.showroom_gross, r.commission, r.share, r.online_pieces,
               r.online_gross)
        for name, r in rows.items()
    } == EXPECTED_ARTISANS  # fmt: skip

    book = _days_book(session, day)
    for name, maker in day.makers.items():
        row = rows[maker.name]
        showroom_gross = book.get((maker.id, "showroom", "gross"), 0)
        showroom_commission = -book.get((maker.id, "showroom", "commission"), 0)
        assert (row.showroom_gross, row.commission) == (showroom_gross, showroom_commission)
        assert row.share == showroom_gross - showroom_commission
        assert row.online_gross == book.get((maker.id, "online", "gross"), 0), name

    t = report.totals
    assert (t["showroom_pieces"], t["showroom_gross"], t["commission"], t["share"]) == (
        5, 136500, 16664, 119836,
    )  # fmt: skip
    assert (t["online_pieces"], t["online_gross"]) == (2, 22075)
    assert (report.showroom_orders, report.online_orders) == (3, 2)  # O3 is the 2nd's
    # The drawer: cash 500.00 + 1,408.00 - 493.00; card 579.75 - 508.75.
    assert (t["float_minor"], t["cash_sales"], t["cash_refunds"], t["expected_cash"]) == (
        50000, 140800, 49300, 141500,
    )  # fmt: skip
    assert (t["card_sales"], t["card_refunds"], t["expected_card"]) == (57975, 50875, 7100)
    assert (t["counted_cash"], t["cash_difference"]) == (141500, 0)
    assert (t["card_batch"], t["card_difference"]) == (7100, 0)
    assert report.all_signed_off
    # What the drawer took is what the book holds for the till's sales, less the online
    # refunds paid out of it.
    online_refunds_from_drawer = -session.scalar(
        select(func.sum(LedgerEntry.amount_minor))
        .join(Refund, LedgerEntry.refund_id == Refund.id)
        .join(Order, Refund.order_id == Order.id)
        .where(
            Refund.register_session_id == day.register_session.id,
            Order.channel == Channel.ONLINE,
            LedgerEntry.kind == EntryKind.REFUND,
        )
    )
    assert online_refunds_from_drawer == 33350 + 4550
    takings = t["cash_sales"] - t["cash_refunds"] + t["card_sales"] - t["card_refunds"]
    assert takings == t["showroom_gross"] - online_refunds_from_drawer == 98600
    # Craft figures add up to the same gross.
    assert sum(s for _c, _slug, s, _o in report.crafts) == 136500
    assert sum(o for _c, _slug, _s, o in report.crafts) == 22075


def test_neighbouring_days_hold_only_their_own_online_sales(session, day):
    before = services.day_report(session, date(2026, 6, 30))
    after = services.day_report(session, date(2026, 7, 2))
    assert (before.totals.get("online_gross", 0), before.online_orders, before.sessions) == (
        0, 0, [],
    )  # fmt: skip
    assert (after.totals["online_gross"], after.online_orders) == (12000, 1)
    assert [r.name for r in after.artisans] == ["Fatima"]


def test_the_page_and_the_csv_show_the_same_figures(client, session, login, day):
    login(day.staff)
    page = client.get(f"/staff/reconciliation/{DAY}?lang=en").get_data(as_text=True)
    report = services.day_report(session, DAY)

    def mad(minor: int) -> str:
        return format_money(minor, "en")

    for r in report.artisans:
        pieces, gross, commission, share, online_pieces, online_gross = EXPECTED_ARTISANS[r.name]
        assert (
            f"<tr><td>{r.shop_number}</td><td>{r.name}</td><td>{pieces}</td><td>{mad(gross)}"
            f"</td><td>{mad(commission)}</td><td>{mad(share)}</td><td>{online_pieces}</td>"
            f"<td>{mad(online_gross)}</td></tr>"
        ) in page
    assert (
        f"<td>5</td><td>{mad(136500)}</td><td>{mad(16664)}</td><td>{mad(119836)}</td>"
        f"<td>2</td><td>{mad(22075)}</td></tr></tfoot>"
    ) in page
    assert (
        f"<td>{mad(140800)}</td><td>{mad(49300)}</td><td>{mad(141500)}</td><td>{mad(141500)}</td>"
    ) in page
    assert f"<td>{mad(57975)}</td><td>{mad(50875)}</td><td>{mad(7100)}</td>" in page
    assert "Reconciled and signed off" in page
    assert "8:30\u202fAM–7:00\u202fPM" in page  # the register's hours, local

    response = client.get(f"/staff/reconciliation/{DAY}.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    artisans = {r["name"]: r for r in records if r["section"] == "artisan"}
    columns = ("pieces", "gross", "commission", "share", "online_pieces", "online_gross")
    as_text = {
        name: tuple(str(v) if i in (0, 4) else f"{v // 100}.{v % 100:02d}" for i, v in
                    enumerate(values))
        for name, values in EXPECTED_ARTISANS.items()
    }  # fmt: skip
    assert {name: tuple(r[c] for c in columns) for name, r in artisans.items()} == as_text
    assert artisans["Hassan"]["share"] == "0.00"
    (session_row,) = [r for r in records if r["section"] == "session"]
    (day_row,) = [r for r in records if r["section"] == "day"]
    assert session_row["opened_at"] == "2026-07-01 08:30"
    assert session_row["closed_at"] == "2026-07-01 19:00"
    for row in (session_row, day_row):
        assert (row["cash_sales"], row["card_sales"]) == ("915.00", "71.00")
        assert (row["expected_cash"], row["counted_cash"], row["cash_difference"]) == (
            "1415.00", "1415.00", "0.00",
        )  # fmt: skip
        assert (row["expected_card"], row["card_batch"], row["signed_off"]) == (
            "71.00", "71.00", "yes",
        )  # fmt: skip
    assert tuple(day_row[c] for c in columns) == ("5", "1365.00", "166.64", "1198.36", "2",
                                                  "220.75")  # fmt: skip


# Each maker's July, from the book: (gross, commission, share = balance).
EXPECTED_MONTH = {
    "fatima": (32500, 3250, 29250),  # jar 114.00 + plate 45.50 + plate 45.50 + jar 120.00 (O3)
    "aicha": (138075, 17260, 120815),  # rug 855.00 + cushions 350.50 (till) + 175.25 (online)
    "hassan": (0, 0, 0),
}


def test_each_makers_sales_pages_and_csv_equal_their_book(client, session, login, day):
    for name, maker in day.makers.items():
        gross, commission, share = EXPECTED_MONTH[name]
        entries = session.execute(
            select(LedgerEntry.kind, func.sum(LedgerEntry.amount_minor))
            .where(LedgerEntry.artisan_id == maker.id)
            .group_by(LedgerEntry.kind)
        ).all()
        sums = {str(kind): int(total) for kind, total in entries}
        assert sums.get("sale", 0) + sums.get("refund", 0) == gross
        assert -sums.get("commission", 0) == commission
        assert balance_for_artisan(session, maker.id) == share

        login(day.users[name])
        page = client.get("/dashboard/sales?month=2026-07&lang=en").get_data(as_text=True)
        mad = lambda minor: format_money(minor, "en")  # noqa: E731
        assert f"<strong>{mad(share)}</strong>" in page  # what the centre owes
        assert (
            f'<td class="num">{mad(gross)}</td><td class="num">{mad(commission)}</td>'
            f'<td class="num">{mad(share)}</td></tr></tfoot>'
        ) in page
        response = client.get("/dashboard/sales.csv?month=2026-07")
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
        cents = {
            column: sum(int(r[column].replace(".", "")) for r in rows)
            for column in ("gross_mad", "commission_mad", "share_mad")
        }
        assert cents == {"gross_mad": gross, "commission_mad": commission, "share_mad": share}
        # June holds nothing: O1, paid 23:30 UTC on 30 June, is 1 July in Guelmim.
        june = client.get("/dashboard/sales.csv?month=2026-06").get_data(as_text=True)
        assert june.splitlines()[1:] == []

    login(day.users["hassan"])
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/dashboard/sales.csv?month=2026-07").data.decode("utf-8-sig"))
        )
    )
    assert [(r["date"], r["quantity"], r["refunded"], r["share_mad"]) for r in rows] == [
        ("2026-07-01 11:00", "1", "1", "0.00"),  # the ring at the till (S2, 10:00 UTC)
        ("2026-07-01 00:30", "1", "1", "0.00"),  # the ring online (O1)
    ]


def test_receipts_add_up_to_the_book(client, session, login, day):
    login(day.staff)
    mad = lambda minor: format_money(minor, "en")  # noqa: E731
    expected = {
        # order: (total, refunded, ledger net of refunds for its lines)
        "S1": (108300, 11400, 96900),
        "S2": (37900, 33350, 4550),
        "S3": (52575, 17525, 35050),
        "O1": (33350, 33350, 0),
        "O2": (33625, 4550, 9100 + 17525 - 4550),  # shipping 70.00 is the centre's, not a sale
        "O3": (12000, 0, 12000),
    }
    for name, (total, refunded, net) in expected.items():
        order = day.orders[name]
        session.refresh(order)
        lines = [line.id for line in order.lines]
        book_net = session.scalar(
            select(func.sum(LedgerEntry.amount_minor)).where(
                LedgerEntry.order_line_id.in_(lines),
                LedgerEntry.kind.in_([EntryKind.SALE, EntryKind.REFUND]),
            )
        )
        given_back = session.scalar(
            select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(
                Refund.order_id == order.id
            )
        )
        assert (order.total_minor, given_back, book_net) == (total, refunded, net), name
        assert order.total_minor - order.shipping_minor - given_back == book_net, name
        page = client.get(f"/staff/receipts/{order.number}?in=en").get_data(as_text=True)
        assert f'<tr class="receipt-total"><td>Total</td><td class="num">{mad(total)}</td>' in page
        if refunded:
            assert f'<td class="num">{mad(-refunded)}</td>' in page, name
    s1 = client.get(f"/staff/receipts/{day.orders['S1'].number}?in=en").get_data(as_text=True)
    assert f'<td>Subtotal</td><td class="num">{mad(114000)}</td>' in s1
    assert f'<td class="num">{mad(-5700)}</td>' in s1  # the discount
    o2 = client.get(f"/staff/receipts/{day.orders['O2'].number}?in=en").get_data(as_text=True)
    assert f'<td>Shipping</td><td class="num">{mad(7000)}</td>' in o2
    statuses = {name: day.orders[name].status for name in ("S1", "S2", "O1", "O2", "O3")}
    assert statuses["O1"] == OrderStatus.REFUNDED and statuses["O3"] == OrderStatus.PAID
