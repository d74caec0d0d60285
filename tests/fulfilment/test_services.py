"""The desk's moves against a real session: allowed, refused, recorded, audited and mailed."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from storefront.audit import AuditLog
from storefront.catalog.models import Craft, Product
from storefront.errors import Conflict, DomainError
from storefront.fulfilment import desk, papers, services
from storefront.ledger.services import balance_for_artisan
from storefront.mail.models import OutboxMessage
from storefront.orders.models import Delivery, OrderEvent, OrderStatus
from storefront.orders.services import mark_paid_after_release
from storefront.showroom.models import Refund
from tests.factories import make_artisan, make_product, make_shop, make_user
from tests.fulfilment.factories import make_carrier, make_paid_order


@pytest.fixture(autouse=True)
def english(session):
    """Messages are matched in English (the session's app context would read French)."""
    with force_locale("en"):
        yield


@pytest.fixture
def staff(session):
    return make_user(session, role="staff")


def _kinds(session, order) -> list[str]:
    return list(
        session.scalars(
            select(OrderEvent.kind).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
        )
    )


def _mails(session, order) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(OutboxMessage.kind, OutboxMessage.to_address, OutboxMessage.locale)
        .where(OutboxMessage.order_id == order.id)
        .order_by(OutboxMessage.id)
    )
    return [tuple(r) for r in rows]


def _receive_all(session, order, staff):
    for line in order.lines:
        services.receive_piece(session, order, line, user=staff)


def test_shipping_order_goes_paid_preparing_shipped_delivered(session, staff):
    order = make_paid_order(session, locale="en")
    carrier = make_carrier(session)
    first, second = order.lines
    services.receive_piece(session, order, first, user=staff)
    assert order.status == OrderStatus.PREPARING and first.at_desk_at is not None
    with pytest.raises(DomainError, match="still with their makers"):
        services.mark_shipped(session, order, carrier=carrier, tracking_number="X1", user=staff)
    services.receive_piece(session, order, second, user=staff)
    services.mark_shipped(
        session, order, carrier=carrier, tracking_number=" CX123456789MA ", user=staff
    )
    assert order.status == OrderStatus.SHIPPED and order.tracking_number == "CX123456789MA"
    assert order.tracking_url == "https://track.example.ma/?n=CX123456789MA"
    services.mark_delivered(session, order, user=staff)
    assert order.status == OrderStatus.DELIVERED
    assert _kinds(session, order) == [
        "created",
        "paid",
        "preparing",
        "piece_received",
        "piece_received",
        "shipped",
        "delivered",
    ]
    # "delivered" starts the return window: the payouts read its created_at.
    delivered = session.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == "delivered")
    )
    assert isinstance(delivered.created_at, datetime) and delivered.user_id == staff.id
    assert _mails(session, order) == [
        ("preparing", "camille@example.com", "en"),
        ("shipped", "camille@example.com", "en"),
        ("delivered", "camille@example.com", "en"),
    ]
    actions = session.scalars(
        select(AuditLog.action).where(
            AuditLog.object_type == "order", AuditLog.object_id == order.id
        )
    ).all()
    assert {"order.piece_received", "order.preparing", "order.shipped", "order.delivered"} <= set(
        actions
    )


def test_pickup_order_goes_ready_then_collected(session, staff):
    order = make_paid_order(session, delivery=Delivery.PICKUP, locale="ar")
    _receive_all(session, order, staff)
    with pytest.raises(DomainError, match="collected at the desk, not shipped"):
        services.mark_shipped(
            session, order, carrier=make_carrier(session), tracking_number="1", user=staff
        )
    with pytest.raises(Conflict):
        services.mark_collected(session, order, user=staff)  # not ready yet
    services.mark_ready(session, order, user=staff)
    services.mark_collected(session, order, user=staff)
    assert order.status == OrderStatus.COLLECTED
    assert _kinds(session, order)[-2:] == ["ready_for_pickup", "collected"]
    assert [m[0] for m in _mails(session, order)] == ["preparing", "ready_for_pickup", "collected"]
    assert {m[2] for m in _mails(session, order)} == {"ar"}
    with pytest.raises(Conflict):
        services.mark_collected(session, order, user=staff)  # once only


def test_refused_moves_change_nothing(session, staff):
    order = make_paid_order(session)
    line = order.lines[0]
    services.receive_piece(session, order, line, user=staff)
    with pytest.raises(Conflict, match="already received"):
        services.receive_piece(session, order, line, user=staff)
    with pytest.raises(DomainError, match="to be shipped, not collected"):
        services.mark_ready(session, order, user=staff)
    with pytest.raises(Conflict):
        services.mark_delivered(session, order, user=staff)  # not shipped
    with pytest.raises(DomainError, match="tracking number"):
        services.mark_shipped(
            session, order, carrier=make_carrier(session), tracking_number="  ", user=staff
        )
    off = make_carrier(session, name="Old", active=False)
    services.receive_piece(session, order, order.lines[1], user=staff)
    with pytest.raises(DomainError, match="carrier"):
        services.mark_shipped(session, order, carrier=off, tracking_number="1", user=staff)
    assert order.status == OrderStatus.PREPARING
    other = make_paid_order(session)
    with pytest.raises(DomainError, match="not part of the order"):
        services.receive_piece(session, order, other.lines[0], user=staff)


def test_cancel_refunds_restocks_and_reverses_the_ledger(session, staff):
    order = make_paid_order(session)
    rug, jar = (session.get(Product, ln.product_id) for ln in order.lines)
    makers = [ln.artisan_id for ln in order.lines]
    assert (rug.stock, jar.stock) == (1, 2)
    assert [balance_for_artisan(session, a) for a in makers] == [40500, 10800]
    services.receive_piece(session, order, order.lines[0], user=staff)
    with pytest.raises(DomainError, match="reason"):
        services.cancel_order(session, order, user=staff, reason=" ")
    services.cancel_order(session, order, user=staff, reason="The rug was damaged")
    assert order.status == OrderStatus.CANCELLED
    session.refresh(rug), session.refresh(jar)
    assert (rug.stock, jar.stock) == (2, 3)
    assert [balance_for_artisan(session, a) for a in makers] == [0, 0]
    [refund] = session.scalars(select(Refund).where(Refund.order_id == order.id)).all()
    # Both pieces and the shipping go back; the test gateway moves no money.
    assert refund.amount_minor == 45000 + 12000 + 25000 == order.total_minor
    assert refund.method == "test" and refund.idempotency_key == f"cancel-{order.number}"
    assert _mails(session, order)[-1] == ("cancelled", "camille@example.com", "fr")
    with pytest.raises(Conflict):
        services.cancel_order(session, order, user=staff, reason="again")
    # A repeated payment event must not revive the cancelled, refunded order.
    assert not mark_paid_after_release(session, order, payment_method="test", payment_reference="x")
    assert order.status == OrderStatus.CANCELLED


def test_shipped_orders_cannot_be_cancelled(session, staff):
    order = make_paid_order(session)
    _receive_all(session, order, staff)
    services.mark_shipped(
        session, order, carrier=make_carrier(session), tracking_number="1", user=staff
    )
    with pytest.raises(Conflict):
        services.cancel_order(session, order, user=staff, reason="too late")


def test_ship_by_and_due_dates_count_working_days_and_lead_time(session):
    # Friday 2026-12-04 local: +1 working day is Monday, +3 is Wednesday.
    assert desk.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)
    assert desk.add_working_days(date(2026, 12, 4), 3) == date(2026, 12, 9)
    made = make_product(session, made_to_order=True, lead_days=10, stock=0)
    order = make_paid_order(session, pieces=[made, make_product(session, stock=2)])
    order.paid_at = datetime(2026, 12, 4, 10, 0)
    session.flush()
    ship_by, due = desk.order_due_dates(session, order)
    assert ship_by == date(2026, 12, 14)
    assert [due[ln.id] for ln in order.lines] == [date(2026, 12, 14), date(2026, 12, 7)]
    quick = make_paid_order(session)
    quick.paid_at = datetime(2026, 12, 4, 10, 0)
    assert desk.order_due_dates(session, quick)[0] == date(2026, 12, 9)
    [late] = desk.desk_orders(
        session, desk.DeskFilters(overdue=True, q=quick.number), today=date(2026, 12, 10)
    )
    assert late.order.id == quick.id and late.overdue


def test_pick_list_walks_the_zone_aisle_by_aisle(session, staff):
    # Row 1 is walked by rising column, row 2 back by falling column.
    places = {3: (1, 3), 9: (1, 9), 12: (2, 2), 18: (2, 8), 55: (6, 5)}
    products = {}
    for number, (row, col) in places.items():
        artisan = make_artisan(
            session, shop=make_shop(session, number=number, map_row=row, map_col=col)
        )
        products[number] = make_product(session, artisan=artisan, stock=2)
    make_paid_order(session, pieces=[products[55], products[3], products[12]])
    second = make_paid_order(session, pieces=[products[18], products[9]])
    stops = desk.pick_list(session)
    assert [s.number for s in stops] == [3, 9, 18, 12, 55]
    # A piece received at the desk leaves the list.
    line = next(ln for ln in second.lines if ln.shop_number == 9)
    services.receive_piece(session, second, line, user=staff)
    assert [s.number for s in desk.pick_list(session)] == [3, 18, 12, 55]
    # So do cancelled orders' pieces, and an artisan sees only their own.
    services.cancel_order(session, second, user=staff, reason="buyer asked")
    assert [s.number for s in desk.pick_list(session)] == [3, 12, 55]
    mine = desk.pieces_to_bring(session, products[12].artisan_id)
    assert [i.line.product_id for i in mine] == [products[12].id]
    assert desk.pieces_to_bring(session, products[18].artisan_id) == []


def test_cn22_figures_match_the_order(session):
    order = make_paid_order(session, discount_minor=5700)
    for line in order.lines:
        session.scalar(select(Craft).where(Craft.slug == line.craft_slug)).hs_code = (
            "5701.10" if line.unit_price_minor == 45000 else "6912.00"
        )
    session.flush()
    form = papers.customs_form(session, order, lang="en")
    assert form.form == "CN22"
    assert [
        (i.description, i.hs_code, i.quantity, i.net_weight_grams, i.value_minor, i.origin)
        for i in form.items
    ] == [
        ("Rug", "5701.10", 1, 2500, 45000 - order.lines[0].discount_minor, "MA"),
        ("Jar", "6912.00", 1, 800, 12000 - order.lines[1].discount_minor, "MA"),
    ]
    assert form.total_value_minor == order.subtotal_minor - 5700 == 51300
    assert form.total_weight_grams == 3300 and form.weight_known
    assert form.postage_minor == 25000
    assert form.addressee.to_lines == [
        "Camille Martin",
        "5 place Bellecour",
        "69002 LYON",
        "FRANCE",
    ]
    assert form.sender.country == "MA"
    assert papers.customs_form(session, order, lang="fr").items[0].description == "Tapis"


def test_cn23_above_the_cn22_limit_and_none_inside_morocco(session):
    dear = make_product(session, price_minor=papers.CN22_MAX_VALUE_MINOR + 1, stock=1)
    assert papers.customs_form(session, make_paid_order(session, pieces=[dear])).form == "CN23"
    home = make_paid_order(
        session,
        address={
            "line1": "Rue 1",
            "line2": "",
            "city": "Agadir",
            "postal_code": "80000",
            "country": "MA",
        },
    )
    assert papers.customs_form(session, home) is None
    assert papers.customs_form(session, make_paid_order(session, delivery="pickup")) is None


def test_address_label_is_in_latin_script(session):
    order = make_paid_order(
        session,
        customer_name="سارة العلوي",
        address={
            "line1": "شارع محمد الخامس 12",
            "line2": "",
            "city": "Genève",
            "postal_code": "1201",
            "country": "CH",
        },
    )
    label = papers.address_label(order)
    assert label.to_lines[:2] == ["srh l`lwy", "shr` mhmd lkhms 12"]
    assert label.to_lines[-1] == "SUISSE" and label.to_lines[-2] == "1201 GENÈVE"


def test_a_partial_refund_keeps_the_order_on_the_desk(session, staff):
    from storefront.orders.services import refund_order_lines

    order = make_paid_order(session)
    services.receive_piece(session, order, order.lines[0], user=staff)
    refund_order_lines(session, order, [(order.lines[1], 1)], restock=True)
    assert order.status == OrderStatus.PREPARING
    # The refunded piece is no longer awaited: the other one at the desk is enough to ship.
    assert services.all_at_desk(order)
    services.mark_shipped(
        session, order, carrier=make_carrier(session), tracking_number="1", user=staff
    )
    refund_order_lines(session, order, [(order.lines[0], 1)], restock=False)
    assert order.status == OrderStatus.REFUNDED


def test_the_buyers_timeline_follows_the_events(session, staff):
    from storefront.orders.services.timeline import order_timeline

    pickup = make_paid_order(session, delivery=Delivery.PICKUP)
    assert [(s.kind, s.done) for s in order_timeline(pickup)] == [
        ("paid", True),
        ("preparing", False),
        ("ready_for_pickup", False),
        ("collected", False),
    ]
    for line in pickup.lines:
        services.receive_piece(session, pickup, line, user=staff)
    services.mark_ready(session, pickup, user=staff)
    assert [s.done for s in order_timeline(pickup)] == [True, True, True, False]
    gone = make_paid_order(session)
    services.cancel_order(session, gone, user=staff, reason="buyer asked")
    assert [(s.kind, s.done) for s in order_timeline(gone)] == [
        ("paid", True),
        ("cancelled", True),
    ]
