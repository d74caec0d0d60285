"""Property: for any sales, refunds, payouts and returned transfers in both channels,
available + pending + paid = everything credited, at any moment, and paid is what was paid.

Each example writes in one transaction, rolled back at its end. A small model in the test
tracks what was paid out and returned, independently of the services; payouts are asked only
for what the book says is available, and the book must then accept them.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storefront.ledger import services as ledger
from storefront.ledger.balances import balance_of
from storefront.ledger.models import LedgerEntry, PayoutMethod
from storefront.ledger.payouts import PayoutRequest, record_payout, return_transfer
from storefront.ledger.rib import rib_key
from storefront.orders.models import Channel
from storefront.timeutil import utcnow
from tests.factories import make_artisan, make_product
from tests.ledger.helpers import WINDOWS, hand_over, paid_order

RIB = "0117800000123456789012" + rib_key("0117800000123456789012")
PRICES = [1050, 9999, 45075]

sale = st.tuples(
    st.just("sale"),
    st.sampled_from([Channel.ONLINE, Channel.SHOWROOM]),
    st.integers(0, len(PRICES) - 1),
    st.integers(1, 3),  # quantity
    st.integers(0, 20),  # paid this many days ago
)
hand = st.tuples(st.just("hand"), st.integers(0, 20), st.integers(0, 30), st.booleans())
refund = st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 3))
payout = st.tuples(
    st.just("payout"), st.integers(1, 100), st.sampled_from(list(PayoutMethod))
)  # percent of what is available
returned = st.tuples(st.just("return"), st.integers(0, 10))
operations = st.lists(st.one_of(sale, hand, refund, payout, returned), min_size=1, max_size=14)


@settings(
    max_examples=40,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, judged=st.lists(st.integers(0, 40), min_size=1, max_size=3))
def test_available_pending_and_paid_add_up_to_everything_credited(session, ops, judged):
    try:
        _run(session, ops, judged)
    finally:
        session.rollback()


def _run(session, ops, judged):
    maker = make_artisan(session, commission_bps=1250, rib=RIB)
    products = [make_product(session, artisan=maker, price_minor=p, stock=99) for p in PRICES]
    orders, payouts, paid_out = [], [], 0
    now = utcnow()
    for op in ops:
        kind = op[0]
        if kind == "sale":
            _kind, channel, which, quantity, days_ago = op
            orders.append(
                paid_order(
                    session,
                    products[which],
                    quantity,
                    channel=channel,
                    paid_at=now - timedelta(days=days_ago),
                )  # fmt: skip
            )
        elif kind == "hand" and orders:
            _kind, which, days_ago, collected = op
            order = orders[which % len(orders)]
            at = now - timedelta(days=days_ago)
            hand_over(session, order, kind="collected" if collected else "delivered", at=at)
        elif kind == "refund" and orders:
            _kind, which, units = op
            line = orders[which % len(orders)].lines[0]
            units = min(units, line.quantity - line.refunded_quantity)
            if units:
                ledger.post_refund(session, line, units)
        elif kind == "payout":
            _kind, percent, method = op
            available = balance_of(session, maker.id, WINDOWS).available
            amount = available * percent // 100
            if amount > 0:
                request = PayoutRequest(maker.id, amount, method)
                payouts.append(record_payout(session, request, WINDOWS, user_id=None))
                paid_out += amount
        elif kind == "return":
            transfers = [p for p in payouts if p.method == PayoutMethod.TRANSFER]
            if transfers:
                chosen = transfers[op[1] % len(transfers)]
                payouts.remove(chosen)
                return_transfer(session, chosen, user_id=None, reason="returned")
                paid_out -= chosen.amount_minor
    entries = session.scalars(select(LedgerEntry).where(LedgerEntry.artisan_id == maker.id)).all()
    credited = sum(e.amount_minor for e in entries if e.payout_id is None)
    total = session.scalar(
        select(func.sum(LedgerEntry.amount_minor)).where(LedgerEntry.artisan_id == maker.id)
    )
    for days in judged:
        split = balance_of(session, maker.id, WINDOWS, as_of=now + timedelta(days=days, hours=1))
        assert split.available + split.pending + split.paid == credited
        assert split.paid == paid_out
        assert split.owed == (total or 0)
    # Money still inside a window is never negative: a refund follows its own line.
    assert balance_of(session, maker.id, WINDOWS).pending >= 0
