"""The centre's calendar: days, months and shown times are Africa/Casablanca's, not UTC's.

Fixed instants only. Morocco is UTC+1 most of 2026 and UTC+0 from 2026-02-15 02:00 UTC to
2026-03-22 02:00 UTC (Ramadan), as the IANA database says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from flask import render_template_string

from storefront import create_app
from storefront.config import ConfigError
from storefront.ledger.services import sales_for_artisan
from storefront.orders import services as orders
from storefront.orders.models import Channel, Order
from storefront.orders.services.placing import new_order_number
from storefront.showroom import services as showroom
from storefront.timeutil import (
    local_date,
    local_day_bounds,
    local_month_bounds,
    local_zone,
    to_local,
    to_utc,
)
from tests.factories import make_artisan, make_product, make_user

JUNE_30_2330_UTC = datetime(2026, 6, 30, 23, 30)  # 00:30 on 1 July in Guelmim
RAMADAN_2330_UTC = datetime(2026, 2, 25, 23, 30)  # 23:30 on 25 February: the offset is 0
FEB_28_2330_UTC = datetime(2026, 2, 28, 23, 30)  # still February in Guelmim (UTC+0)


def test_a_day_is_cut_at_local_midnight():
    assert local_day_bounds(date(2026, 7, 1)) == (
        datetime(2026, 6, 30, 23, 0),
        datetime(2026, 7, 1, 23, 0),
    )
    assert local_day_bounds(date(2026, 2, 25)) == (
        datetime(2026, 2, 25, 0, 0),
        datetime(2026, 2, 26, 0, 0),
    )
    # The day the clocks go back for Ramadan has 25 hours.
    assert local_day_bounds(date(2026, 2, 15)) == (
        datetime(2026, 2, 14, 23, 0),
        datetime(2026, 2, 16, 0, 0),
    )


def test_a_moment_belongs_to_its_local_day():
    assert local_date(JUNE_30_2330_UTC) == date(2026, 7, 1)
    assert local_date(RAMADAN_2330_UTC) == date(2026, 2, 25)
    assert local_date(FEB_28_2330_UTC) == date(2026, 2, 28)
    assert local_date(datetime(2026, 3, 31, 23, 30)) == date(2026, 4, 1)
    local = to_local(JUNE_30_2330_UTC)
    assert (local.isoformat(), local.tzinfo) == ("2026-07-01T00:30:00+01:00", local_zone())
    assert to_local(RAMADAN_2330_UTC).isoformat() == "2026-02-25T23:30:00+00:00"
    assert to_utc(local) == JUNE_30_2330_UTC and to_utc(JUNE_30_2330_UTC) == JUNE_30_2330_UTC


def test_months_are_local_months_across_ramadan():
    assert local_month_bounds(date(2026, 7, 15)) == (
        datetime(2026, 6, 30, 23, 0),
        datetime(2026, 7, 31, 23, 0),
    )
    # February 2026 begins at UTC+1 and ends at UTC+0.
    assert local_month_bounds(date(2026, 2, 1)) == (
        datetime(2026, 1, 31, 23, 0),
        datetime(2026, 3, 1, 0, 0),
    )
    # The database the lock file pins (pytz 2026.6, tz 2026f): Morocco at UTC+0 from 2026-09-20.
    assert local_month_bounds(date(2026, 12, 31)) == (
        datetime(2026, 12, 1, 0, 0),
        datetime(2027, 1, 1, 0, 0),
    )


def test_days_counted_and_times_shown_come_from_one_database(app):
    """Every hour of 2024 to 2027: the books' local time is the one pages show (Flask-Babel)."""
    from datetime import timedelta

    from flask_babel import to_user_timezone

    with app.test_request_context("/"):
        moment, end, disagree = datetime(2024, 1, 1), datetime(2028, 1, 1), []
        while moment < end:
            shown = to_user_timezone(moment.replace(tzinfo=UTC)).replace(tzinfo=None)
            if to_local(moment).replace(tzinfo=None) != shown:
                disagree.append(moment)
            moment += timedelta(hours=1)
    assert disagree == []


def test_order_numbers_carry_the_local_day():
    assert new_order_number(Channel.ONLINE, JUNE_30_2330_UTC).startswith("W260701-")
    assert new_order_number(Channel.SHOWROOM, RAMADAN_2330_UTC).startswith("S260225-")


def test_timezone_setting_is_checked_and_drives_babel(app_config):
    app = create_app(app_config)
    assert app.config["TIMEZONE"] == "Africa/Casablanca"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Africa/Casablanca"
    app.extensions["jobs"].close()
    with pytest.raises(ConfigError, match="TIMEZONE='Mars/Olympus'"):
        create_app({**app_config, "TIMEZONE": "Mars/Olympus"})


def test_shown_times_are_local_and_shop_hours_are_not_moved(app):
    template = "{{ a|datetime('short') }} | {{ a|date('short') }} | {{ a|time }} | {{ h|time }}"
    with app.test_request_context("/?lang=en"):
        july = render_template_string(template, a=JUNE_30_2330_UTC, h=time(9))
        ramadan = render_template_string(template, a=RAMADAN_2330_UTC, h=time(9))
    assert july == "7/1/26, 12:30\u202fAM | 7/1/26 | 12:30\u202fAM | 9:00\u202fAM"
    assert ramadan == "2/25/26, 11:30\u202fPM | 2/25/26 | 11:30\u202fPM | 9:00\u202fAM"


def _paid_online(session, piece, paid_at: datetime) -> Order:
    order = orders.create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)])
    orders.mark_paid(session, order, payment_method="test", payment_reference=None)
    order.paid_at = paid_at
    session.flush()
    return order


def test_artisan_months_sales_and_csv_are_local(client, session, login):
    artisan = make_artisan(session, commission_bps=1000)
    piece = make_product(session, artisan=artisan, stock=3, price_minor=10000)
    july = _paid_online(session, piece, JUNE_30_2330_UTC)
    february = _paid_online(session, piece, FEB_28_2330_UTC)
    user = make_user(session, role="artisan", artisan_id=artisan.id)
    session.commit()

    def numbers(month):
        return [r.order_number for r in sales_for_artisan(session, artisan.id, month=month)]

    assert numbers("2026-07") == [july.number] and numbers("2026-06") == []
    assert numbers("2026-02") == [february.number] and numbers("2026-03") == []

    login(user)
    rows = client.get("/dashboard/sales.csv?month=2026-07").get_data(as_text=True).splitlines()
    assert rows[1].startswith(f"2026-07-01 00:30,{july.number},online,")
    rows = client.get("/dashboard/sales.csv?month=2026-02").get_data(as_text=True).splitlines()
    assert rows[1].startswith(f"2026-02-28 23:30,{february.number},online,")
    page = client.get("/dashboard/sales?month=2026-07&lang=en").get_data(as_text=True)
    assert f"/dashboard/sales/{july.lines[0].id}" in page and "<td>7/1/26</td>" in page
    assert f"/dashboard/sales/{february.lines[0].id}" not in page


def test_reconciliation_counts_online_sales_on_their_local_day(session):
    piece = make_product(session, stock=2, price_minor=10000)
    _paid_online(session, piece, JUNE_30_2330_UTC)
    _paid_online(session, piece, RAMADAN_2330_UTC)
    totals = {
        day: showroom.day_report(session, day).totals.get("online_gross", 0)
        for day in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 2, 25), date(2026, 2, 26))
    }
    assert totals == {
        date(2026, 6, 30): 0,
        date(2026, 7, 1): 10000,
        date(2026, 2, 25): 10000,
        date(2026, 2, 26): 0,
    }


def test_labels_added_on_a_local_day(session):
    late = make_product(session, created_at=JUNE_30_2330_UTC)
    early = make_product(session, created_at=datetime(2026, 6, 30, 22, 59))
    july_first = showroom.products_for_labels(
        session, added_from=date(2026, 7, 1), added_to=date(2026, 7, 1)
    )
    june_30 = showroom.products_for_labels(
        session, added_from=date(2026, 6, 30), added_to=date(2026, 6, 30)
    )
    assert [p.id for p in july_first] == [late.id]
    assert [p.id for p in june_30] == [early.id]


def test_receipt_shows_the_local_time(client, session, login):
    staff = make_user(session, role="staff")
    rs = showroom.open_register(session, register=1, pieces={1000: 50}, user=staff)
    piece = make_product(session, price_minor=10000)
    order = showroom.record_showroom_sale(
        session,
        rs,
        lines=[(piece.id, 1)],
        tender=showroom.Tender(cash_tendered=10000, card_amount=0, card_reference=""),
        staff=staff,
    )
    order.paid_at = JUNE_30_2330_UTC
    session.commit()
    login(staff)
    page = client.get(f"/staff/receipts/{order.number}?in=en").get_data(as_text=True)
    assert "7/1/26, 12:30\u202fAM" in page
