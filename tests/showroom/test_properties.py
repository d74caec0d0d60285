"""Property tests: any mix of sales, refunds and cash movements keeps the drawer and the book right.

Each example starts from a fresh state: everything it writes is flushed in one transaction
and rolled back at its end. A small model in the test tracks what the drawer should hold,
independently of the services, and only asks for operations that are valid in that model.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.ledger.services import balance_for_artisan, commission_for
from storefront.orders.models import Order, OrderLine
from storefront.showroom import services
from storefront.showroom.models import MovementKind, ShowroomPayment, TenderMethod
from tests.factories import make_artisan, make_product, make_user

PRICES = [1050, 2500, 9999, 12000, 45075]

sale = st.tuples(
    st.just("sale"),
    st.lists(st.integers(0, len(PRICES) - 1), min_size=1, max_size=3, unique=True),
    st.integers(1, 2),  # quantity of each piece
    st.sampled_from(["cash", "card", "mixed"]),
    st.integers(0, 1000),  # discount in basis points of the subtotal (at most 10 %)
)
refund = st.tuples(
    st.just("refund"),
    st.integers(0, 20),  # which sale
    st.integers(0, 2),  # which line
    st.integers(1, 2),  # how many units
    st.sampled_from(["cash", "card_terminal"]),
)
movement = st.tuples(st.sampled_from(["in", "out"]), st.integers(1, 50000))
operations = st.lists(st.one_of(sale, refund, movement), min_size=1, max_size=12)


@settings(
    max_examples=40,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, float_tens=st.integers(0, 100))
def test_drawer_and_ledger_agree_for_any_sequence(session, ops, float_tens):
    try:
        _run(session, ops, float_tens)
    finally:
        session.rollback()


def _run(session, ops, float_tens):
    staff = make_user(session)
    artisans = [make_artisan(session, commission_bps=bps) for bps in (None, 1250, 0)]
    products = [
        make_product(session, artisan=artisans[i % 3], price_minor=price, stock=3)
        for i, price in enumerate(PRICES)
    ]
    stock = {p.id: 3 for p in products}
    rs = services.open_register(session, register=1, pieces={1000: float_tens}, user=staff)
    model = {"cash": float_tens * 1000, "card": 0}  # plus one key per refund
    orders = []
    on_card: dict[int, int] = {}  # what each order may still give back to the card

    for op in ops:
        if op[0] == "sale":
            _, picks, quantity, method, discount_bps = op
            chosen = [products[i] for i in picks if stock[products[i].id] >= quantity]
            if not chosen:
                continue
            subtotal = sum(p.price_minor * quantity for p in chosen)
            discount = subtotal * discount_bps // 10000
            total = subtotal - discount
            card = {"cash": 0, "card": total, "mixed": total // 3}[method]
            cash_due = total - card
            tender = services.Tender(
                cash_tendered=cash_due + (500 if cash_due else 0),
                card_amount=card,
                card_reference="T" if card else "",
            )
            order = services.record_showroom_sale(
                session,
                rs,
                lines=[(p.id, quantity) for p in chosen],
                tender=tender,
                staff=staff,
                discount_minor=discount,
                discount_reason="r" if discount else "",
            )
            for p in chosen:
                stock[p.id] -= quantity
            model["cash"] += cash_due
            model["card"] += card
            orders.append(order)
            on_card[order.id] = card
        elif op[0] == "refund":
            _, which, line_index, quantity, method = op
            if not orders:
                continue
            order = orders[which % len(orders)]
            line = order.lines[line_index % len(order.lines)]
            left = line.quantity - line.refunded_quantity
            quantity = min(quantity, left)
            if quantity == 0 or method not in services.refund_methods(session, order):
                continue
            # The most this refund can be: the line's whole net (the rounding keeps it below).
            if method == TenderMethod.CASH and model["cash"] < line.net_minor:
                continue
            if method == TenderMethod.CARD_TERMINAL and on_card[order.id] < line.net_minor:
                continue
            done = services.refund_at_counter(
                session,
                order,
                items=[(line.id, quantity)],
                reason="r",
                restock=True,
                method=method,
                user=staff,
                register_session=rs,
                refund_key=f"key-{len(model)}",
                reference="RF",
            )
            stock[line.product_id] += quantity
            model[f"refund-{done.id}"] = done.amount_minor
            model["cash" if method == TenderMethod.CASH else "card"] -= done.amount_minor
            if method == TenderMethod.CARD_TERMINAL:
                on_card[order.id] -= done.amount_minor
        else:
            kind, amount = op
            if kind == "out" and amount > model["cash"]:
                continue
            services.record_cash_movement(
                session,
                rs,
                kind=MovementKind.PAID_IN if kind == "in" else MovementKind.PAID_OUT,
                amount_minor=amount,
                reason="r",
                user=staff,
            )
            model["cash"] += amount if kind == "in" else -amount

    summary = services.drawer_summary(session, rs)
    # The formula, and the model kept beside the services.
    assert summary.expected_cash == (
        summary.float_minor
        + summary.cash_sales
        - summary.cash_refunds
        + summary.paid_in
        - summary.paid_out
    )
    assert summary.expected_cash == model["cash"]
    assert summary.expected_card == model["card"]
    _assert_ledger_agrees(session, rs, orders, artisans)
    for product in products:
        session.refresh(product)
        assert product.stock == stock[product.id] >= 0

    reconciliation = services.close_register(
        session,
        rs,
        pieces={50: model["cash"] // 50} if model["cash"] % 50 == 0 else {},
        card_batch_total_minor=model["card"],
        card_batch_reference="B",
        note="" if model["cash"] % 50 == 0 else "odd centimes",
        user=staff,
    )
    assert reconciliation.expected_cash_minor == model["cash"]
    assert reconciliation.card_difference_minor == 0
    if model["cash"] % 50 == 0:
        assert reconciliation.cash_difference_minor == 0


def _assert_ledger_agrees(session, rs, orders, artisans):
    """Sales, commissions and refunds in the book match the orders, line by line and in total."""
    paid = session.scalar(
        select(func.coalesce(func.sum(ShowroomPayment.amount_minor), 0)).where(
            ShowroomPayment.register_session_id == rs.id
        )
    )
    assert paid == sum(o.total_minor for o in orders)
    for order in orders:
        assert order.total_minor == sum(line.net_minor for line in order.lines)
        for line in order.lines:
            entries = session.scalars(
                select(LedgerEntry).where(LedgerEntry.order_line_id == line.id)
            ).all()
            by_kind = {k: sum(e.amount_minor for e in entries if e.kind == k) for k in EntryKind}
            assert by_kind[EntryKind.SALE] == line.net_minor
            refunded = -by_kind[EntryKind.REFUND]
            assert 0 <= refunded <= line.net_minor
            if line.refunded_quantity == line.quantity:
                assert refunded == line.net_minor
                assert sum(e.amount_minor for e in entries) == 0
            elif line.refunded_quantity == 0:
                assert refunded == 0
                assert by_kind[EntryKind.COMMISSION] == -commission_for(line)
    for artisan in artisans:
        lines = session.scalars(
            select(OrderLine)
            .join(Order)
            .where(OrderLine.artisan_id == artisan.id, Order.register_session_id == rs.id)
        ).all()
        owed = sum(
            e.amount_minor
            for e in session.scalars(
                select(LedgerEntry).where(LedgerEntry.order_line_id.in_([x.id for x in lines]))
            )
        )
        assert balance_for_artisan(session, artisan.id) == owed
