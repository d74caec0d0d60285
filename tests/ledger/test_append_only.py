"""The book in the database refuses edits: UPDATE and DELETE fail on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from storefront.ledger.models import PayoutMethod
from storefront.ledger.payouts import PayoutRequest, record_payout
from storefront.orders.models import Channel
from storefront.timeutil import utcnow
from tests.factories import make_artisan, make_product
from tests.ledger.helpers import WINDOWS, paid_order


@pytest.fixture
def booked(session):
    maker = make_artisan(session)
    product = make_product(session, artisan=maker, price_minor=10000)
    paid_order(session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(9))
    record_payout(session, PayoutRequest(maker.id, 1000, PayoutMethod.CASH), WINDOWS, user_id=None)
    session.commit()
    return maker


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET amount_minor = amount_minor + 1",
        "UPDATE ledger_entries SET memo = 'edited' WHERE kind = 'sale'",
        "DELETE FROM ledger_entries",
        "UPDATE payouts SET amount_minor = 1",
        "DELETE FROM payouts",
    ],
)
def test_the_database_refuses_edits_of_the_book(session, booked, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    total = session.execute(text("SELECT sum(amount_minor) FROM ledger_entries")).scalar()
    assert total == 10000 - 1000 - 1000  # sale, commission, payout: unchanged


def test_new_entries_are_still_accepted(session, booked):
    session.execute(
        text(
            "INSERT INTO ledger_entries (artisan_id, created_at, kind, amount_minor, memo) "
            "VALUES (:a, :t, 'adjustment', 250, 'correction')"
        ),
        {"a": booked.id, "t": utcnow()},
    )
    session.commit()
    total = session.execute(text("SELECT sum(amount_minor) FROM ledger_entries")).scalar()
    assert total == 8250
