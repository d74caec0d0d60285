"""create_order, mark_paid, release_stock and refunds against a real session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.catalog.models import ProductStatus
from storefront.errors import Conflict, DomainError
from storefront.ledger.models import EntryKind, LedgerEntry
from storefront.ledger.services import balance_for_artisan
from storefront.orders import services
from storefront.orders.models import Channel, Delivery, OrderStatus, PaymentMethod
from tests.factories import make_artisan, make_product


def test_create_order_snapshots_lines_and_takes_stock(session):
    maker = make_artisan(session, commission_bps=1500)
    pot = make_product(session, artisan=maker, price_minor=12000, stock=5, title_fr="Jarre")
    rug = make_product(session, price_minor=90000, stock=1)
    order = services.create_order(
        session,
        channel=Channel.ONLINE,
        lines=[(rug.id, 1), (pot.id, 2), (pot.id, 1)],
        customer_email="a@example.test",
        delivery=Delivery.SHIP,
        address={"line1": "1 rue X", "city": "Lyon", "postal_code": "69001", "country": "FR"},
        shipping_minor=25000,
        hold_minutes=30,
    )
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.number.startswith("W") and len(order.token) >= 40
    assert [(ln.product_id, ln.quantity) for ln in order.lines] == [(pot.id, 3), (rug.id, 1)]
    line = order.lines[0]
    assert (line.title, line.sku, line.unit_price_minor, line.line_total_minor) == (
        "Jarre",
        pot.sku,
        12000,
        36000,
    )
    assert line.commission_bps == 1500 and order.lines[1].commission_bps == 1000
    assert line.shop_number == maker.shop.number and line.artisan_name == maker.name
    assert order.subtotal_minor == 126000 and order.total_minor == 151000
    assert order.ship_country == "FR" and order.ship_city == "Lyon"
    assert order.hold_expires_at is not None and order.stock_taken
    session.refresh(pot), session.refresh(rug)
    assert (pot.stock, rug.stock) == (2, 0)
    assert session.scalar(select(LedgerEntry.id)) is None


def test_create_order_refuses_short_stock_naming_the_piece(session):
    pot = make_product(session, stock=1, title_fr="Jarre bleue")
    with pytest.raises(Conflict, match="Jarre bleue"):
        services.create_order(session, channel=Channel.ONLINE, lines=[(pot.id, 2)])


def test_create_order_refuses_archived_and_empty(session):
    gone = make_product(session, status=ProductStatus.ARCHIVED, title_fr="Vieux plat")
    with pytest.raises(Conflict, match="Vieux plat"):
        services.create_order(session, channel=Channel.ONLINE, lines=[(gone.id, 1)])
    with pytest.raises(DomainError):
        services.create_order(session, channel=Channel.ONLINE, lines=[])
    with pytest.raises(DomainError):
        services.create_order(session, channel=Channel.ONLINE, lines=[(gone.id, 0)])


def test_made_to_order_takes_no_stock(session):
    tent = make_product(session, stock=0, made_to_order=True, lead_days=20)
    order = services.create_order(session, channel=Channel.ONLINE, lines=[(tent.id, 2)])
    assert not order.stock_taken and tent.stock == 0


def test_showroom_order_paid_at_once_posts_ledger_and_shares_discount(session):
    a = make_product(session, price_minor=10000, stock=2)
    b = make_product(session, price_minor=20000, stock=2)
    order = services.create_order(
        session,
        channel=Channel.SHOWROOM,
        lines=[(a.id, 1), (b.id, 1)],
        discount_minor=1000,
        discount_reason="regular",
        status=OrderStatus.PAID,
        payment_method=PaymentMethod.CASH,
        delivery=Delivery.COUNTER,
    )
    assert order.number.startswith("S") and order.total_minor == 29000
    assert [ln.discount_minor for ln in order.lines] == [333, 667]
    sales = session.scalars(
        select(LedgerEntry.amount_minor).where(LedgerEntry.kind == EntryKind.SALE)
    ).all()
    assert sorted(sales) == [9667, 19333]


def test_mark_paid_is_guarded_and_posts_once(session):
    pot = make_product(session, price_minor=12345, stock=1)
    order = services.create_order(session, channel=Channel.ONLINE, lines=[(pot.id, 1)])
    assert services.mark_paid(session, order, payment_method="test", payment_reference="t1")
    assert not services.mark_paid(session, order, payment_method="test", payment_reference="t2")
    assert order.status == OrderStatus.PAID and order.payment_reference == "t1"
    entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert [(e.kind, e.amount_minor) for e in entries] == [("sale", 12345), ("commission", -1235)]
    assert balance_for_artisan(session, pot.artisan_id) == 11110


def test_release_stock_returns_once(session):
    pot = make_product(session, stock=3)
    order = services.create_order(session, channel=Channel.ONLINE, lines=[(pot.id, 2)])
    assert services.cancel_order(session, order)
    assert not services.cancel_order(session, order)
    assert not services.release_stock(session, order)
    session.refresh(pot)
    assert pot.stock == 3 and order.status == OrderStatus.CANCELLED


def test_paid_after_release_is_flagged_when_stock_is_gone(session):
    pot = make_product(session, stock=1, title_fr="Théière")
    late = services.create_order(session, channel=Channel.ONLINE, lines=[(pot.id, 1)])
    services.cancel_order(session, late)
    services.create_order(session, channel=Channel.ONLINE, lines=[(pot.id, 1)])
    assert services.mark_paid_after_release(
        session, late, payment_method="stripe", payment_reference="pi_1"
    )
    session.refresh(pot)
    assert pot.stock == 0 and late.status == OrderStatus.PAID
    assert "Théière" in late.attention_reason and not late.stock_taken


def test_paid_after_release_takes_stock_again_when_it_is_there(session):
    pot = make_product(session, stock=1)
    late = services.create_order(session, channel=Channel.ONLINE, lines=[(pot.id, 1)])
    services.cancel_order(session, late)
    services.mark_paid_after_release(session, late, payment_method="stripe", payment_reference="p")
    session.refresh(pot)
    assert pot.stock == 0 and late.stock_taken
    assert late.attention_reason == "Paid after its hold was released."


def test_refund_order_lines_restocks_and_sets_status(session):
    pot = make_product(session, price_minor=10000, stock=3)
    order = services.create_order(
        session,
        channel=Channel.SHOWROOM,
        lines=[(pot.id, 3)],
        status=OrderStatus.PAID,
        payment_method="cash",
    )
    line = order.lines[0]
    services.refund_order_lines(session, order, [(line, 1)], restock=True, reason="chipped")
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    services.refund_order_lines(session, order, [(line, 2)], restock=False)
    assert order.status == OrderStatus.REFUNDED
    session.refresh(pot)
    assert pot.stock == 1
    assert balance_for_artisan(session, pot.artisan_id) == 0
    with pytest.raises(Conflict):
        services.refund_order_lines(session, order, [(line, 1)], restock=False)


def test_refund_restocks_the_lines_a_late_payment_took_and_no_others(session):
    pot = make_product(session, stock=1, price_minor=10000)
    rug = make_product(session, stock=1, price_minor=30000)
    made = make_product(session, stock=0, price_minor=5000, made_to_order=True)
    late = services.create_order(
        session, channel=Channel.ONLINE, lines=[(pot.id, 1), (rug.id, 1), (made.id, 1)]
    )
    services.cancel_order(session, late)
    services.create_order(session, channel=Channel.ONLINE, lines=[(rug.id, 1)])  # rug gone
    services.mark_paid_after_release(session, late, payment_method="test", payment_reference="t")
    taken = {line.product_id: line.taken_quantity for line in late.lines}
    assert taken == {pot.id: 1, rug.id: 0, made.id: 0}
    services.refund_order_lines(session, late, [(line, 1) for line in late.lines], restock=True)
    for product in (pot, rug, made):
        session.refresh(product)
    assert (pot.stock, rug.stock, made.stock) == (1, 0, 0)
    assert not late.stock_taken and late.status == OrderStatus.REFUNDED
