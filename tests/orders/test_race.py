"""Fifty buyers at once for a piece with stock 3: exactly three orders hold it, never below 0.

Each buyer is a thread with its own app context, session and database connection. Runs on the
suite's database: a file SQLite copy, or PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from storefront.catalog.models import Product
from storefront.errors import Conflict
from storefront.extensions import db
from storefront.orders.models import Channel, Order
from storefront.orders.services import create_order
from tests.factories import make_product

BUYERS = 50
STOCK = 3


def test_fifty_concurrent_buyers_for_three_pieces(app):
    with app.app_context():
        product_id = make_product(db.session, stock=STOCK, price_minor=50000).id
        db.session.commit()
    start = threading.Barrier(BUYERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buyer(n: int) -> None:
        with app.app_context():
            start.wait()
            try:
                create_order(
                    db.session,
                    channel=Channel.ONLINE,
                    lines=[(product_id, 1)],
                    customer_email=f"buyer{n}@example.com",
                    hold_minutes=30,
                )
                db.session.commit()
                result = "won"
            except Conflict:
                db.session.rollback()
                result = "sold out"
            except Exception as exc:  # reported below: any other error fails the test
                db.session.rollback()
                result = f"error {type(exc).__name__}: {exc}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    with app.app_context():
        stock = db.session.get(Product, product_id).stock
        orders = db.session.scalar(select(func.count()).select_from(Order))
    errors = [o for o in outcomes if o.startswith("error")]
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    won, lost = outcomes.count("won"), outcomes.count("sold out")
    print(f"\n{dialect}: {won} won, {lost} sold out, {len(errors)} errors, stock {stock}")
    assert errors == []
    assert len(outcomes) == BUYERS
    assert outcomes.count("won") == STOCK and orders == STOCK
    assert stock == 0
