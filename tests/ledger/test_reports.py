"""The managers' reports: groupings, the previous period, the book's rounding, CSV, bad ranges."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from storefront.ledger import services as ledger
from storefront.ledger.models import LedgerEntry
from storefront.ledger.reports import Period, buckets, figures_by, sales_over_time, totals
from storefront.money import format_money
from storefront.orders.models import Channel
from storefront.timeutil import local_midnight
from tests.factories import make_artisan, make_craft, make_product, make_user
from tests.ledger.helpers import paid_order

JUNE = Period(date(2026, 6, 1), date(2026, 6, 30))


@pytest.fixture
def sold(session):
    pottery = make_craft(session, slug="pottery", name_en="Pottery")
    leather = make_craft(session, slug="leather", name_en="Leather")
    potter = make_artisan(session, craft=pottery, name="Potter", commission_bps=1250)
    tanner = make_artisan(session, craft=leather, name="Tanner")
    vase = make_product(session, artisan=potter, craft=pottery, price_minor=3333, stock=9)
    bag = make_product(session, artisan=tanner, craft=leather, price_minor=50000, stock=9)
    # June 1st 00:30 in Guelmim (UTC+1) is May 31st 23:30 UTC: it is June's.
    early = local_midnight(date(2026, 6, 1)).replace(minute=30)
    three = paid_order(session, vase, 3, channel=Channel.SHOWROOM, paid_at=early)
    ledger.post_refund(session, three.lines[0], 1)
    paid_order(session, bag, 1, paid_at=datetime(2026, 6, 20, 12))
    paid_order(session, bag, 1, paid_at=datetime(2026, 5, 10, 12))  # the previous period
    paid_order(session, vase, 1, paid_at=datetime(2026, 7, 1, 12))  # after
    session.commit()
    return dict(vase=vase, bag=bag, three=three)


def test_figures_follow_the_book_and_the_centres_days(session, sold):
    by_craft = figures_by(session, JUNE, "craft")
    # 3 × 33.33 with one refunded: share(9999, 1, 3) = 3333 back; commission 12.5 % of 99.99 =
    # 12.50, less share(1250, 1, 3) = 417 back.
    assert by_craft["pottery"].units == 2
    assert (by_craft["pottery"].sales, by_craft["pottery"].commission) == (6666, 833)
    assert (by_craft["leather"].sales, by_craft["leather"].commission) == (50000, 5000)
    total = totals(session, JUNE)
    book = session.scalar(
        select(func.sum(LedgerEntry.amount_minor)).where(
            LedgerEntry.order_line_id.in_([sold["three"].lines[0].id])
        )
    )
    assert by_craft["pottery"].owed == book
    assert total.sales == 56666 and total.owed == 56666 - 5833
    assert totals(session, JUNE.previous()).sales == 50000
    assert JUNE.previous() == Period(date(2026, 5, 2), date(2026, 5, 31))
    assert set(figures_by(session, JUNE, "channel")) == {"online", "showroom"}


def test_over_time_buckets(session, sold):
    assert len(buckets(JUNE)) == 30
    assert len(buckets(Period(date(2026, 1, 1), date(2026, 12, 31)))) == 12
    assert len(buckets(Period(date(2026, 1, 1), date(2026, 3, 31)))) == 13  # weeks
    series = sales_over_time(session, JUNE)
    assert series[0][1] == 6666 and series[19][1] == 50000 and sum(s for _b, s in series) == 56666


def test_the_page_and_its_csv(client, login, session, sold):
    login(make_user(session, role="admin"))
    session.commit()
    page = client.get("/admin/reports?from=2026-06-01&to=2026-06-30&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-total="sales">{format_money(56666, "en")}<' in html
    assert "Pottery" in html and "Leather" in html and "<svg" in html
    # The change on the previous period, not the change handed back at the till.
    french = client.get("/admin/reports?from=2026-06-01&to=2026-06-30&lang=fr")
    assert "Écart avec la période précédente" in french.get_data(as_text=True)
    assert "Monnaie rendue" not in french.get_data(as_text=True)
    exported = client.get("/admin/reports/craft.csv?from=2026-06-01&to=2026-06-30&lang=en")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["name", "units", "sales_mad"]
    assert ["Leather", "1", "500.00", "50.00", "450.00", "1", "500.00", "50.00", "450.00"] in rows
    assert client.get("/admin/reports/nothing.csv").status_code == 404


@pytest.mark.parametrize(
    "query", ["from=2026-13-01", "from=2026-06-30&to=2026-06-01", "from=1990-01-01&to=2026-01-01"]
)
def test_bad_ranges_answer_400(client, login, session, query):
    login(make_user(session, role="admin"))
    session.commit()
    assert client.get(f"/admin/reports?{query}").status_code == 400
