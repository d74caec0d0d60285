"""The ledger's rounding rules, refunds and the artisan's sales query."""

from __future__ import annotations

from datetime import datetime

import pytest

from storefront.errors import Conflict
from storefront.ledger import services as ledger
from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.orders import services as orders
from storefront.orders.models import Channel, OrderStatus
from tests.factories import make_artisan, make_product


def _paid(session, product, quantity=1, **kw):
    order = orders.create_order(
        session, channel=Channel.ONLINE, lines=[(product.id, quantity)], **kw
    )
    orders.mark_paid(session, order, payment_method="test", payment_reference=None)
    return order


@pytest.mark.parametrize(
    ("price", "bps", "commission"),
    [
        (10000, 1000, 1000),  # exact
        (12345, 1000, 1235),  # 1234.5 rounds half up
        (12344, 1000, 1234),  # 1234.4 rounds down
        (999, 1250, 125),  # 124.875 rounds up
        (5, 1000, 1),  # 0.5 rounds half up
        (4, 1000, 0),  # 0.4 rounds down
        (50000, 0, 0),  # commission waived
    ],
)
def test_commission_is_rounded_half_up_per_line(session, price, bps, commission):
    maker = make_artisan(session, commission_bps=bps)
    order = _paid(session, make_product(session, artisan=maker, price_minor=price))
    entries = session.query(LedgerEntry).filter_by(order_line_id=order.lines[0].id).all()
    assert {e.kind: e.amount_minor for e in entries} == {"sale": price, "commission": -commission}
    assert ledger.balance_for_artisan(session, maker.id) == price - commission


def test_default_commission_comes_from_the_caller(session):
    pot = make_product(session, price_minor=10000)
    order = orders.create_order(
        session, channel=Channel.ONLINE, lines=[(pot.id, 1)], default_commission_bps=800
    )
    orders.mark_paid(session, order, payment_method="test", payment_reference=None)
    assert order.lines[0].commission_bps == 800
    assert ledger.balance_for_artisan(session, pot.artisan_id) == 9200


def test_post_sale_twice_is_refused(session):
    order = _paid(session, make_product(session))
    with pytest.raises(Conflict):
        ledger.post_sale(session, order)


@pytest.mark.parametrize("steps", [(1, 1, 1), (2, 1), (1, 2), (3,)])
def test_partial_refunds_reverse_exactly(session, steps):
    maker = make_artisan(session, commission_bps=1250)
    order = _paid(session, make_product(session, artisan=maker, price_minor=3333, stock=3), 3)
    line = order.lines[0]
    for k in steps:
        ledger.post_refund(session, line, k)
    assert ledger.balance_for_artisan(session, maker.id) == 0
    refunds = session.query(LedgerEntry).filter_by(kind=EntryKind.REFUND).all()
    assert sum(e.amount_minor for e in refunds) == -9999


def test_one_unit_refund_is_proportional(session):
    maker = make_artisan(session)
    order = _paid(session, make_product(session, artisan=maker, price_minor=1001, stock=3), 3)
    entries = ledger.post_refund(session, order.lines[0], 1, refund_id=7)
    assert [(e.kind, e.amount_minor, e.refund_id) for e in entries] == [
        ("refund", -1001, 7),
        ("commission", 100, 7),
    ]


def test_refund_beyond_quantity_is_refused(session):
    order = _paid(session, make_product(session, stock=2), 2)
    ledger.post_refund(session, order.lines[0], 2)
    with pytest.raises(Conflict):
        ledger.post_refund(session, order.lines[0], 1)


def test_every_refund_split_sums_to_the_posted_amounts(session):
    maker = make_artisan(session, commission_bps=1333)
    order = _paid(session, make_product(session, artisan=maker, price_minor=777, stock=7), 7)
    line = order.lines[0]
    commission = ledger.commission_for(line)
    assert commission == 725  # 5439 × 13.33 % = 725.0187, rounded half up
    for k in (1, 3, 2, 1):
        ledger.post_refund(session, line, k)
    assert ledger.balance_for_artisan(session, maker.id) == 0
    returned = session.query(LedgerEntry).filter(
        LedgerEntry.kind == EntryKind.COMMISSION, LedgerEntry.amount_minor > 0
    )
    assert sum(e.amount_minor for e in returned) == commission


def test_sales_for_artisan_lists_both_channels_with_share(session):
    maker = make_artisan(session, commission_bps=1000)
    other = make_artisan(session)
    online = _paid(session, make_product(session, artisan=maker, price_minor=20000))
    counter = orders.create_order(
        session,
        channel=Channel.SHOWROOM,
        lines=[(make_product(session, artisan=maker, price_minor=5000).id, 1)],
        status=OrderStatus.PAID,
        payment_method="cash",
    )
    _paid(session, make_product(session, artisan=other))
    orders.create_order(
        session, channel=Channel.ONLINE, lines=[(make_product(session, artisan=maker).id, 1)]
    )  # unpaid: not a sale
    rows = ledger.sales_for_artisan(session, maker.id)
    assert {r.order_number for r in rows} == {online.number, counter.number}
    row = next(r for r in rows if r.channel == "online")
    assert (row.gross, row.commission, row.share, row.quantity) == (20000, 2000, 18000, 1)
    month = online.paid_at.strftime("%Y-%m")
    assert len(ledger.sales_for_artisan(session, maker.id, month=month)) == 2
    assert ledger.sales_for_artisan(session, maker.id, month=datetime(2001, 1, 1)) == []


def test_an_artisans_sales_are_net_of_refunds_as_in_the_book(session):
    maker = make_artisan(session, commission_bps=1000)
    order = _paid(session, make_product(session, artisan=maker, price_minor=28000, stock=2), 2)
    line = order.lines[0]
    ledger.post_refund(session, line, 1)
    (row,) = ledger.sales_for_artisan(session, maker.id)
    assert (row.refunded_quantity, row.gross, row.commission, row.share) == (1, 28000, 2800, 25200)
    assert row.share == ledger.balance_for_artisan(session, maker.id)
    ledger.post_refund(session, line, 1)
    (row,) = ledger.sales_for_artisan(session, maker.id)
    assert (row.gross, row.commission, row.share) == (0, 0, 0)
    assert ledger.balance_for_artisan(session, maker.id) == 0
