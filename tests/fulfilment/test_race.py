"""Two staff mark the same order shipped at the same moment: one move, one event, one mail.

Each is a thread with its own app context, session and connection, on the suite's database
(SQLite, or PostgreSQL when TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from storefront.accounts.models import User
from storefront.errors import Conflict
from storefront.extensions import db
from storefront.fulfilment import services
from storefront.mail.models import OutboxMessage
from storefront.orders.models import Carrier, Order, OrderEvent, OrderStatus
from tests.factories import make_user
from tests.fulfilment.factories import make_carrier, make_paid_order

STAFF = 4


def test_staff_marking_one_order_shipped_at_once_make_one_event(app):
    with app.app_context():
        order = make_paid_order(db.session)
        staff_ids = [make_user(db.session, role="staff").id for _ in range(STAFF)]
        for line in order.lines:
            services.receive_piece(db.session, order, line, user=db.session.get(User, staff_ids[0]))
        carrier_id, order_id = make_carrier(db.session).id, order.id
        db.session.commit()
    start = threading.Barrier(STAFF)
    outcomes: list[str] = []
    lock = threading.Lock()

    def ship(n: int) -> None:
        with app.app_context():
            try:
                order = db.session.get(Order, order_id)
                carrier = db.session.get(Carrier, carrier_id)
                user = db.session.get(User, staff_ids[n])
                start.wait()
                services.mark_shipped(
                    db.session, order, carrier=carrier, tracking_number=f"CX{n}", user=user
                )
                db.session.commit()
                result = "shipped"
            except Conflict:
                db.session.rollback()
                result = "conflict"
            except Exception as exc:  # reported below: any other error fails the test
                db.session.rollback()
                result = f"error {type(exc).__name__}: {exc}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=ship, args=(n,)) for n in range(STAFF)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    with app.app_context():
        events = db.session.scalar(
            select(func.count()).where(
                OrderEvent.order_id == order_id, OrderEvent.kind == "shipped"
            )
        )
        mails = db.session.scalar(
            select(func.count()).where(
                OutboxMessage.order_id == order_id, OutboxMessage.kind == "shipped"
            )
        )
        order = db.session.get(Order, order_id)
        status, number = order.status, order.tracking_number
    assert sorted(outcomes) == ["conflict"] * (STAFF - 1) + ["shipped"], outcomes
    assert (events, mails, status) == (1, 1, OrderStatus.SHIPPED)
    assert number in {f"CX{n}" for n in range(STAFF)}
