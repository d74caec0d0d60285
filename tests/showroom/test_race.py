"""The last piece sold at the counter and on the web at the same moment: exactly one wins.

Two threads, each with its own app context, session and database connection, start together
at a barrier: the till records a showroom sale, the web takes the stock for an online order.
Several rounds, one fresh last piece each. Runs on the suite's database: a file SQLite copy, or
PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from storefront.catalog.models import Product
from storefront.errors import Conflict
from storefront.extensions import db
from storefront.ledger.models import LedgerEntry
from storefront.orders.models import Channel, Order, OrderLine
from storefront.orders.services import create_order
from storefront.showroom import services
from storefront.showroom.models import RegisterSession, ShowroomPayment
from tests.factories import make_product, make_user

ROUNDS = 6


def _attempt(app, who: str, product_id: int, session_id: int, staff_id: int, start) -> str:
    with app.app_context():
        session = db.session
        try:
            start.wait()
            if who == "showroom":
                from storefront.accounts.models import User

                services.record_showroom_sale(
                    session,
                    session.get(RegisterSession, session_id),
                    lines=[(product_id, 1)],
                    tender=services.Tender(cash_tendered=30000),
                    staff=session.get(User, staff_id),
                )
            else:
                create_order(
                    session,
                    channel=Channel.ONLINE,
                    lines=[(product_id, 1)],
                    customer_email="web@example.com",
                    hold_minutes=30,
                )
            session.commit()
            return "won"
        except Conflict as exc:
            session.rollback()
            return "lost: " + exc.message
        except Exception as exc:  # any other error fails the test below
            session.rollback()
            return f"error {type(exc).__name__}: {exc}"
        finally:
            session.remove()


def test_showroom_and_web_race_for_the_last_piece(app):
    with app.app_context():
        staff = make_user(db.session)
        rs = services.open_register(db.session, register=1, pieces={1000: 10}, user=staff)
        ids = [
            make_product(db.session, stock=1, price_minor=25000, title_fr=f"Dernière {n}").id
            for n in range(ROUNDS)
        ]
        db.session.commit()
        session_id, staff_id = rs.id, staff.id

    winners = []
    for product_id in ids:
        start = threading.Barrier(2)
        results: dict[str, str] = {}

        def run(who: str, product_id: int = product_id, start=start, results=results) -> None:
            results[who] = _attempt(app, who, product_id, session_id, staff_id, start)

        threads = [threading.Thread(target=run, args=(who,)) for who in ("showroom", "web")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not [r for r in results.values() if r.startswith("error")], results
        assert sorted(r.split(":")[0] for r in results.values()) == ["lost", "won"], results
        loser = next(r for r in results.values() if r.startswith("lost"))
        assert "Dernière" in loser and "stock" in loser  # the clear message names the piece
        winners.append(next(who for who, r in results.items() if r == "won"))

    with app.app_context():
        session = db.session
        assert all(session.get(Product, pid).stock == 0 for pid in ids)
        sold = session.execute(
            select(Order.channel, func.count())
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(OrderLine.product_id.in_(ids))
            .group_by(Order.channel)
        ).all()
        assert sum(n for _channel, n in sold) == ROUNDS
        assert dict(sold).get(Channel.SHOWROOM, 0) == winners.count("showroom")
        payments = session.scalar(select(func.count()).select_from(ShowroomPayment))
        assert payments == winners.count("showroom")
        # Only paid sales are in the book: the showroom winners' sale and commission entries.
        entries = session.scalar(select(func.count()).select_from(LedgerEntry))
        assert entries == 2 * winners.count("showroom")
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print(f"\n{dialect}: showroom won {winners.count('showroom')}, web won {winners.count('web')}")
