"""Two managers pay the same artisan at the same moment: the artisan is paid once.

Threads with their own app context, session and connection start together at a barrier, each
paying the whole available amount. Several rounds, one artisan each. Runs on the suite's
database: a SQLite file copy, or PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from storefront.errors import Conflict
from storefront.extensions import db
from storefront.ledger.balances import balance_of
from storefront.ledger.models import LedgerEntry, Payout, PayoutMethod
from storefront.ledger.payouts import PayoutRequest, record_payout
from storefront.orders.models import Channel
from storefront.timeutil import utcnow
from tests.factories import make_artisan, make_product
from tests.ledger.helpers import WINDOWS, paid_order

ROUNDS = 5


def _pay(app, artisan_id: int, amount: int, start) -> str:
    with app.app_context():
        session = db.session
        try:
            start.wait()
            record_payout(
                session, PayoutRequest(artisan_id, amount, PayoutMethod.CASH), WINDOWS, user_id=None
            )
            session.commit()
            return "paid"
        except Conflict:
            session.rollback()
            return "refused"
        except Exception as exc:  # any other error fails the test below
            session.rollback()
            return f"error {type(exc).__name__}: {exc}"
        finally:
            session.remove()


def test_two_managers_paying_at_once_pay_once(app):
    with app.app_context():
        makers = []
        for _ in range(ROUNDS):
            maker = make_artisan(db.session)
            product = make_product(db.session, artisan=maker, price_minor=10000)
            paid_order(
                db.session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(9)
            )
            makers.append(maker.id)
        db.session.commit()

    for artisan_id in makers:
        start = threading.Barrier(2)
        results: list[str] = []

        def run(artisan_id=artisan_id, start=start, results=results) -> None:
            results.append(_pay(app, artisan_id, 9000, start))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(results) == ["paid", "refused"], results

    with app.app_context():
        session = db.session
        for artisan_id in makers:
            balance = balance_of(session, artisan_id, WINDOWS)
            assert (balance.available, balance.paid) == (0, 9000)
        assert session.scalar(select(func.count()).select_from(Payout)) == ROUNDS
        assert (
            session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "payout")
            )
            == ROUNDS
        )
