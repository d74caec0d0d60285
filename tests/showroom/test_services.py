"""Drawer, counter sale, return, closing and sign-off rules against a real session."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.audit import AuditLog
from storefront.catalog.models import Product
from storefront.errors import Conflict, DomainError, Forbidden
from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.ledger.services import balance_for_artisan
from storefront.orders import services as orders
from storefront.orders.models import Channel, OrderStatus, PaymentMethod
from storefront.orders.services import create_order
from storefront.showroom import services
from storefront.showroom.models import (
    CashCount,
    MovementKind,
    SessionStatus,
    ShowroomPayment,
    TenderMethod,
)
from tests.factories import make_artisan, make_product, make_user

from .factories import make_counter_sale, make_register_session


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_open_counts_the_float_by_denomination(session):
    staff = make_user(session)
    pieces = {20000: 1, 10000: 2, 5000: 1, 2000: 1, 1000: 3, 500: 1, 200: 2, 100: 1, 50: 1}
    rs = services.open_register(session, register=1, pieces=pieces, user=staff)
    assert rs.float_minor == 20000 + 20000 + 5000 + 2000 + 3000 + 500 + 400 + 100 + 50
    count = session.scalar(select(CashCount).where(CashCount.register_session_id == rs.id))
    assert count.kind == "opening" and count.pieces["20000"] == 1 and count.pieces["50"] == 1
    assert "register.opened" in actions(session)


def test_unknown_denomination_and_negative_counts_are_refused(session):
    staff = make_user(session)
    with pytest.raises(DomainError):
        services.open_register(session, register=1, pieces={300: 1}, user=staff)
    with pytest.raises(DomainError):
        services.open_register(session, register=1, pieces={1000: -1}, user=staff)


def test_one_open_session_per_register(session):
    make_register_session(session, register=1)
    with pytest.raises(Conflict):
        make_register_session(session, register=1)
    other = make_register_session(session, register=2)
    assert other.is_open


def test_the_database_refuses_a_second_open_session(session):
    from sqlalchemy.exc import IntegrityError

    from storefront.showroom.models import RegisterSession

    first = make_register_session(session, register=1)
    session.add(
        RegisterSession(
            register=1,
            business_date=first.business_date,
            float_minor=0,
            opened_by_id=first.opened_by_id,
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_expected_cash_follows_the_formula(session):
    staff = make_user(session)
    rs = make_register_session(session, float_minor=50000, user=staff)
    a, b, c = (make_product(session, price_minor=p, stock=2) for p in (12000, 8050, 30000))
    make_counter_sale(session, rs, [a], cash=20000, staff=staff)  # change 80.00
    make_counter_sale(session, rs, [b, c], card=30000, staff=staff)  # 80.50 cash, 300 card
    services.record_cash_movement(
        session, rs, kind=MovementKind.PAID_IN, amount_minor=5000, reason="change", user=staff
    )
    services.record_cash_movement(
        session, rs, kind=MovementKind.PAID_OUT, amount_minor=2000, reason="tea", user=staff
    )
    summary = services.drawer_summary(session, rs)
    assert summary.cash_sales == 12000 + 8050
    assert summary.card_sales == 30000
    assert summary.expected_cash == 50000 + 12000 + 8050 + 5000 - 2000
    assert summary.expected_card == 30000
    payment = session.scalar(select(ShowroomPayment).where(ShowroomPayment.change_minor > 0))
    assert (payment.tendered_minor, payment.change_minor) == (20000, 8000)


def test_paid_out_cannot_exceed_the_drawer(session):
    staff = make_user(session)
    rs = make_register_session(session, float_minor=1000, user=staff)
    with pytest.raises(DomainError):
        services.record_cash_movement(
            session, rs, kind=MovementKind.PAID_OUT, amount_minor=1050, reason="x", user=staff
        )
    with pytest.raises(DomainError):
        services.record_cash_movement(
            session, rs, kind=MovementKind.PAID_IN, amount_minor=100, reason=" ", user=staff
        )


def test_counter_sale_is_a_paid_showroom_order_with_ledger_entries(session):
    staff = make_user(session)
    rs = make_register_session(session, user=staff)
    artisan = make_artisan(session, commission_bps=1500)
    piece = make_product(session, artisan=artisan, price_minor=40000, stock=1)
    order = make_counter_sale(session, rs, [piece], staff=staff)
    assert order.channel == Channel.SHOWROOM and order.status == OrderStatus.PAID
    assert order.register_session_id == rs.id and order.staff_user_id == staff.id
    assert order.payment_method == PaymentMethod.CASH
    session.refresh(piece)
    assert piece.stock == 0
    assert balance_for_artisan(session, artisan.id) == 40000 - 6000
    assert {"order.created", "showroom.sale"} <= set(actions(session))


def test_a_piece_sold_online_first_cannot_be_sold_again(session):
    staff = make_user(session)
    rs = make_register_session(session, user=staff)
    piece = make_product(session, stock=1, title_fr="Tajine bleu")
    create_order(session, channel=Channel.ONLINE, lines=[(piece.id, 1)], customer_email="a@b.ma")
    with pytest.raises(Conflict, match="Tajine bleu|Pièce|stock"):
        make_counter_sale(session, rs, [piece], staff=staff)


def test_tender_must_cover_the_total(session):
    staff = make_user(session)
    rs = make_register_session(session, user=staff)
    piece = make_product(session, price_minor=10000)
    with pytest.raises(DomainError):
        make_counter_sale(session, rs, [piece], cash=9999, staff=staff)
    with pytest.raises(DomainError):
        services.record_showroom_sale(
            session,
            rs,
            lines=[(piece.id, 1)],
            tender=services.Tender(card_amount=10000),
            staff=staff,
        )


def test_large_discount_needs_a_manager(session):
    staff = make_user(session)
    manager = make_user(session, role="admin")
    rs = make_register_session(session, user=staff)
    piece = make_product(session, price_minor=10000, stock=3)
    make_counter_sale(session, rs, [piece], staff=staff, discount_minor=1000)  # 10 %: alone
    with pytest.raises(Forbidden):
        make_counter_sale(session, rs, [piece], staff=staff, discount_minor=1001)
    order = services.record_showroom_sale(
        session,
        rs,
        lines=[(piece.id, 1)],
        tender=services.Tender(cash_tendered=7000),
        staff=staff,
        discount_minor=3000,
        discount_reason="chipped",
        approver=manager,
    )
    assert order.total_minor == 7000 and order.discount_reason == "chipped"
    with pytest.raises(DomainError):
        services.record_showroom_sale(
            session,
            rs,
            lines=[(piece.id, 1)],
            tender=services.Tender(cash_tendered=9500),
            staff=staff,
            discount_minor=500,
        )


def test_manager_approval_checks_the_password(session):
    make_user(session, role="admin", email="boss@centre.ma", password="s3cret-pass")
    till = make_user(session, role="staff", email="till@centre.ma", password="s3cret-pass")
    assert services.approve_discount(
        session, email="Boss@Centre.ma", password="s3cret-pass", staff=till
    )
    with pytest.raises(Forbidden):
        services.approve_discount(session, email="boss@centre.ma", password="wrong", staff=till)
    with pytest.raises(Forbidden):
        services.approve_discount(
            session, email="till@centre.ma", password="s3cret-pass", staff=till
        )
    failed = session.scalars(
        select(AuditLog).where(AuditLog.action == "showroom.approval_failed")
    ).all()
    assert [(a.user_id, '"boss@centre.ma"' in a.detail) for a in failed] == [
        (till.id, True),
        (till.id, False),
    ]


def test_day_report_is_net_of_refunds(session):
    staff = make_user(session)
    rs = make_register_session(session, user=staff)
    kept = make_product(session, price_minor=30000, artisan=make_artisan(session))
    gone = make_product(
        session, price_minor=56000, artisan=make_artisan(session, commission_bps=1000)
    )
    order = make_counter_sale(session, rs, [kept, gone], staff=staff)
    before = {r.artisan_id: r for r in services.day_report(session, rs.business_date).artisans}
    assert (before[gone.artisan_id].share, before[gone.artisan_id].commission) == (50400, 5600)
    line = next(line for line in order.lines if line.product_id == gone.id)
    services.refund_at_counter(
        session, order, items=[(line.id, 1)], reason="changed mind", restock=True,
        method="cash", user=staff, register_session=rs, refund_key="net-of-refunds-1",
    )  # fmt: skip
    report = services.day_report(session, rs.business_date)
    rows = {r.artisan_id: r for r in report.artisans}
    refunded = rows[gone.artisan_id]
    assert (refunded.showroom_pieces, refunded.showroom_gross) == (0, 0)
    assert (refunded.commission, refunded.share) == (0, 0)
    assert balance_for_artisan(session, gone.artisan_id) == 0
    assert (rows[kept.artisan_id].showroom_gross, rows[kept.artisan_id].share) == (30000, 27000)
    assert report.totals["showroom_gross"] == 30000
    assert report.totals["commission"] == 3000 and report.totals["share"] == 27000
    assert sum(s for _c, _slug, s, _o in report.crafts) == 30000
    csv = services.report_csv(report)
    assert f"artisan,{refunded.shop_number},{refunded.name},0,0.00,0.00,0.00,0,0.00" in csv


def test_cash_refund_reverses_the_ledger_and_leaves_the_drawer(session):
    staff = make_user(session)
    rs = make_register_session(session, float_minor=10000, user=staff)
    a = make_product(session, price_minor=20000)
    b = make_product(session, price_minor=15000)
    order = make_counter_sale(session, rs, [a, b], staff=staff)
    line_b = next(line for line in order.lines if line.product_id == b.id)
    refund = services.refund_at_counter(
        session,
        order,
        items=[(line_b.id, 1)],
        reason="wrong size",
        restock=True,
        method=TenderMethod.CASH,
        user=staff,
        register_session=rs,
        refund_key="k1",
    )
    assert refund.amount_minor == 15000
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    session.refresh(b)
    assert b.stock == 1
    assert services.drawer_summary(session, rs).expected_cash == 10000 + 35000 - 15000
    assert balance_for_artisan(session, b.artisan_id) == 0
    kinds = session.scalars(
        select(LedgerEntry.kind).where(LedgerEntry.refund_id == refund.id)
    ).all()
    assert sorted(kinds) == [EntryKind.COMMISSION, EntryKind.REFUND]
    with pytest.raises(Conflict):
        services.refund_at_counter(
            session,
            order,
            items=[(line_b.id, 1)],
            reason="again",
            restock=False,
            method=TenderMethod.CASH,
            user=staff,
            register_session=rs,
            refund_key="k2",
        )


def test_refund_needs_cash_in_the_drawer_and_a_card_reference(session):
    staff = make_user(session)
    rs = make_register_session(session, float_minor=0, user=staff)
    piece = make_product(session, price_minor=20000)
    order = make_counter_sale(session, rs, [piece], card=20000, staff=staff)
    line = order.lines[0]
    with pytest.raises(DomainError):
        services.refund_at_counter(
            session, order, items=[(line.id, 1)], reason="r", restock=False,
            method=TenderMethod.CARD_TERMINAL, user=staff, register_session=rs, refund_key="a",
        )  # fmt: skip
    refund = services.refund_at_counter(
        session, order, items=[(line.id, 1)], reason="r", restock=False,
        method=TenderMethod.CARD_TERMINAL, user=staff, register_session=rs, refund_key="b",
        reference="RF-9",
    )  # fmt: skip
    assert refund.amount_minor == 20000
    summary = services.drawer_summary(session, rs)
    assert (summary.expected_card, summary.expected_cash) == (0, 0)


def test_close_stores_differences_and_requires_a_note(session):
    staff = make_user(session)
    rs = make_register_session(session, float_minor=20000, user=staff)
    make_counter_sale(session, rs, [make_product(session, price_minor=5000)], staff=staff)
    session.commit()
    with pytest.raises(DomainError, match="note"):
        services.close_register(
            session, rs, pieces={1000: 24}, card_batch_total_minor=0,
            card_batch_reference="", note="", user=staff,
        )  # fmt: skip
    session.rollback()
    assert rs.status == SessionStatus.OPEN
    rec = services.close_register(
        session, rs, pieces={1000: 24}, card_batch_total_minor=0,
        card_batch_reference="B-1", note="10 MAD short", user=staff,
    )  # fmt: skip
    assert (rec.expected_cash_minor, rec.counted_cash_minor) == (25000, 24000)
    assert rec.cash_difference_minor == -1000
    assert rs.status == SessionStatus.CLOSED
    with pytest.raises(Conflict):
        make_counter_sale(session, rs, [make_product(session)], staff=staff)


def test_sign_off_locks_and_corrections_are_new_entries(session):
    staff = make_user(session)
    manager = make_user(session, role="admin")
    rs = make_register_session(session, float_minor=1000, user=staff)
    services.close_register(
        session, rs, pieces={1000: 1}, card_batch_total_minor=0, card_batch_reference="",
        note="", user=staff,
    )  # fmt: skip
    with pytest.raises(Forbidden):
        services.record_adjustment(session, rs, amount_minor=100, reason="x", manager=staff)
    with pytest.raises(Conflict):
        services.record_adjustment(session, rs, amount_minor=100, reason="x", manager=manager)
    with pytest.raises(Forbidden):
        services.sign_off(session, rs, manager=staff)
    rec = services.sign_off(session, rs, manager=manager)
    assert rs.status == SessionStatus.SIGNED_OFF and rec.signed_off_by_id == manager.id
    with pytest.raises(Conflict):
        services.sign_off(session, rs, manager=manager)
    with pytest.raises(Conflict):
        services.record_cash_movement(
            session, rs, kind=MovementKind.PAID_IN, amount_minor=100, reason="x", user=manager
        )
    services.record_adjustment(session, rs, amount_minor=-500, reason="coin found", manager=manager)
    assert services.drawer_summary(session, rs).expected_cash == 1000
    assert rec.cash_difference_minor == 0
    assert actions(session)[-2:] == ["register.signed_off", "register.adjusted"]


def test_scan_accepts_sku_and_label_url(session):
    piece = make_product(session, sku="GLM-00042", slug="blue-tajine")
    assert services.find_by_scan(session, "glm-00042") == piece
    assert services.find_by_scan(session, "http://127.0.0.1:5000/products/blue-tajine") == piece
    assert services.find_by_scan(session, "https://shop.example/products/blue-tajine/") == piece
    assert services.find_by_scan(session, "nothing") is None
    assert services.search_products(session, "00042") == [piece]


def test_a_scanned_sku_is_looked_up_in_its_index(session, count_queries):
    """The till's scan ran upper() over every piece: 12 ms a scan over 5,000 pieces."""
    piece = make_product(session, sku="GLM-00042", slug="blue-tajine")
    with count_queries() as statements:
        assert services.find_by_scan(session, "glm-00042") == piece
    (sql,) = statements
    assert "upper(" not in sql.lower()
    if session.get_bind().dialect.name == "sqlite":
        plan = session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, ("glm-00042", "GLM-00042")
        )
        assert any("USING INDEX" in row[-1] and "products" in row[-1] for row in plan)


def test_labels_by_artisan_and_date(session):
    from datetime import datetime

    artisan = make_artisan(session)
    old = make_product(session, artisan=artisan, created_at=datetime(2025, 1, 1, 12))
    new = make_product(session, artisan=artisan, created_at=datetime(2025, 3, 1, 12))
    make_product(session)
    assert services.products_for_labels(session, artisan_id=artisan.id) == [old, new]
    from datetime import date

    assert services.products_for_labels(session, added_from=date(2025, 2, 1)) != []
    assert old not in services.products_for_labels(session, added_from=date(2025, 2, 1))
    assert services.products_for_labels(
        session, added_from=date(2025, 3, 1), added_to=date(2025, 3, 1)
    ) == [new]
    svg = services.qr_svg("https://x.example/products/a", title="QR")
    assert svg.startswith("<svg") and "viewBox" in svg and "style=" not in svg


def test_stock_count_is_audited_per_sale(session):
    staff = make_user(session)
    rs = make_register_session(session, user=staff)
    piece = make_product(session, stock=3)
    make_counter_sale(session, rs, [piece], staff=staff)
    assert session.scalar(select(Product.stock).where(Product.id == piece.id)) == 2
    sale = session.scalar(select(AuditLog).where(AuditLog.action == "showroom.sale"))
    assert sale.user_id == staff.id and sale.data["cash_minor"] == 25000
    assert session.scalar(select(func.count()).select_from(AuditLog)) >= 3


def test_card_refund_is_capped_by_what_the_card_paid(session):
    staff = make_user(session)
    rs = make_register_session(session, float_minor=100000, user=staff)
    a = make_product(session, price_minor=20000)
    b = make_product(session, price_minor=20000)
    order = make_counter_sale(session, rs, [a, b], card=10000, staff=staff)
    line_a, line_b = order.lines
    with pytest.raises(DomainError, match="carte"):
        services.refund_at_counter(
            session, order, items=[(line_a.id, 1)], reason="r", restock=False,
            method=TenderMethod.CARD_TERMINAL, user=staff, register_session=rs,
            refund_key="c1", reference="RF",
        )  # fmt: skip


def test_every_money_and_stock_action_is_audited_with_its_staff_member(session):
    from datetime import date

    from storefront.showroom.services.demo import record_demo_day

    staff = make_user(session)
    manager = make_user(session, role="admin")
    for n in range(6):
        make_product(session, price_minor=10000 + 1000 * n, stock=2)
    record_demo_day(session, staff=staff, manager=manager, day=date(2025, 5, 2))
    logged = session.execute(select(AuditLog.action, AuditLog.user_id)).all()
    by_action = {}
    for action, user_id in logged:
        by_action.setdefault(action, set()).add(user_id)
    staff_actions = (
        "register.opened register.paid_in register.paid_out showroom.sale order.created "
        "showroom.refund order.refunded register.closed"
    ).split()
    for action in staff_actions:
        assert by_action.get(action) == {staff.id}, action
    assert by_action["register.signed_off"] == {manager.id}


def test_refund_restocks_only_what_a_late_payment_took(session):
    staff = make_user(session)
    rs = make_register_session(session, user=staff)
    pot = make_product(session, price_minor=20000, stock=1)
    late = create_order(
        session, channel=Channel.ONLINE, lines=[(pot.id, 1)], customer_email="a@b.ma"
    )
    orders.cancel_order(session, late)  # the hold is released...
    make_counter_sale(session, rs, [pot], staff=staff)  # ...the piece sells at the counter...
    orders.mark_paid_after_release(session, late, payment_method="test", payment_reference="t")
    session.refresh(pot)
    assert pot.stock == 0 and late.attention_reason  # ...and the late payment took none
    services.refund_at_counter(
        session, late, items=[(late.lines[0].id, 1)], reason="no piece left", restock=True,
        method="cash", user=staff, register_session=rs, refund_key="phantom-stock-1",
    )  # fmt: skip
    session.refresh(pot)
    assert pot.stock == 0
    assert late.lines[0].taken_quantity == 0 and late.status == OrderStatus.REFUNDED


def test_counter_refund_restocks_what_the_sale_took_once(session):
    staff = make_user(session)
    rs = make_register_session(session, user=staff)
    pot = make_product(session, price_minor=20000, stock=3)
    order = services.record_showroom_sale(
        session, rs, lines=[(pot.id, 2)], tender=services.Tender(cash_tendered=40000), staff=staff
    )
    session.refresh(pot)
    assert pot.stock == 1 and order.lines[0].taken_quantity == 2
    for n in (1, 2):
        services.refund_at_counter(
            session, order, items=[(order.lines[0].id, 1)], reason="gift", restock=True,
            method="cash", user=staff, register_session=rs, refund_key=f"restock-once-{n}",
        )  # fmt: skip
    session.refresh(pot)
    assert pot.stock == 3 and order.lines[0].taken_quantity == 0
