"""Available, pending and paid, from the book: the return windows of both channels."""

from __future__ import annotations

from datetime import timedelta

from storefront.ledger import services as ledger
from storefront.ledger.balances import Balance, ReturnWindows, balance_of, balances
from storefront.orders.models import Channel
from storefront.timeutil import utcnow
from tests.factories import make_artisan, make_product
from tests.ledger.helpers import WINDOWS, hand_over, later, paid_order


def test_an_online_sale_stays_pending_until_handed_over_and_14_days_pass(session):
    maker = make_artisan(session)
    order = paid_order(session, make_product(session, artisan=maker, price_minor=10000))
    assert balance_of(session, maker.id, WINDOWS) == Balance(credited=9000, pending=9000)
    # Never delivered: still pending a year on.
    assert balance_of(session, maker.id, WINDOWS, as_of=later(365)).pending == 9000
    hand_over(session, order, kind="collected")
    assert balance_of(session, maker.id, WINDOWS, as_of=later(13.9)).available == 0
    after = balance_of(session, maker.id, WINDOWS, as_of=later(14.01))
    assert (after.available, after.pending, after.paid) == (9000, 0, 0)


def test_an_event_other_than_collected_or_delivered_starts_no_window(session):
    maker = make_artisan(session)
    order = paid_order(session, make_product(session, artisan=maker, price_minor=10000))
    hand_over(session, order, kind="shipped")
    assert balance_of(session, maker.id, WINDOWS, as_of=later(30)).available == 0


def test_a_showroom_sale_is_available_7_days_after_payment(session):
    maker = make_artisan(session)
    product = make_product(session, artisan=maker, price_minor=20000, stock=2)
    paid_order(session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(days=8))
    paid_order(session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(days=6))
    now = balance_of(session, maker.id, WINDOWS)
    assert (now.available, now.pending, now.paid) == (18000, 18000, 0)
    assert now.owed == ledger.balance_for_artisan(session, maker.id) == 36000


def test_windows_are_settings(session):
    maker = make_artisan(session)
    product = make_product(session, artisan=maker, price_minor=10000)
    paid_order(session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(days=2))
    assert balance_of(session, maker.id, ReturnWindows(showroom_days=1)).available == 9000
    assert balance_of(session, maker.id, ReturnWindows(showroom_days=3)).available == 0


def test_a_refund_inside_the_window_leaves_nothing_pending(session):
    maker = make_artisan(session)
    product = make_product(session, artisan=maker, price_minor=10000, stock=2)
    order = paid_order(session, product, 2, channel=Channel.SHOWROOM)
    ledger.post_refund(session, order.lines[0], 1)
    assert balance_of(session, maker.id, WINDOWS) == Balance(credited=9000, pending=9000)
    ledger.post_refund(session, order.lines[0], 1)
    assert balance_of(session, maker.id, WINDOWS) == Balance()


def test_balances_of_every_artisan_in_three_queries(session, count_queries):
    makers = [make_artisan(session) for _ in range(3)]
    for n, maker in enumerate(makers):
        product = make_product(session, artisan=maker, price_minor=1000 * (n + 1))
        paid_order(session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(9))
    session.commit()
    with count_queries() as statements:
        found = balances(session, WINDOWS)
    assert len(statements) == 2  # the totals and the pending orders (none: no third query)
    assert {m.id: found[m.id].available for m in makers} == {
        makers[0].id: 900,
        makers[1].id: 1800,
        makers[2].id: 2700,
    }
