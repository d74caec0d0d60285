"""`storefront ledger verify` passes on the demo centre and names each planted difference."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from storefront.accounts.models import User
from storefront.extensions import db
from storefront.ledger.balances import balance_of
from storefront.ledger.models import PayoutMethod
from storefront.ledger.payouts import PayoutRequest, record_payout
from storefront.orders.models import OrderLine
from storefront.timeutil import utcnow
from tests.ledger.helpers import WINDOWS


@pytest.fixture
def demo_centre(app, runner, demo_media):
    app.config["MEDIA_ROOT"] = str(demo_media)
    loaded = runner.invoke(args=["demo-data"])
    assert loaded.exit_code == 0, loaded.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email.like("artisan@demo%")))
        yield user.artisan_id


def test_the_demo_artisan_has_money_to_be_paid_and_the_book_agrees(app, runner, demo_centre):
    split = balance_of(db.session, demo_centre, WINDOWS)
    assert split.available > 0
    assert split.available + split.pending + split.paid == split.credited
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "agree with the orders" in result.output

    record_payout(
        db.session,
        PayoutRequest(demo_centre, split.available, PayoutMethod.CASH),
        WINDOWS,
        user_id=None,
    )
    db.session.commit()
    after = balance_of(db.session, demo_centre, WINDOWS)
    assert (after.available, after.paid) == (0, split.available)
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0


def test_planted_differences_are_reported(app, runner, demo_centre):
    line = db.session.scalar(select(OrderLine).order_by(OrderLine.id))
    db.session.execute(
        text("UPDATE order_lines SET refunded_quantity = quantity WHERE id = :id"), {"id": line.id}
    )
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert f"line {line.id}: {line.quantity} refunded" in result.output
    assert "difference(s)" in result.output
    # A stray entry in the book: its line and its artisan's balance are both named.
    db.session.execute(
        text(
            "INSERT INTO ledger_entries (artisan_id, created_at, kind, amount_minor, "
            "order_line_id, memo) VALUES (:a, :t, 'commission', -1, :l, 'planted')"
        ),
        {"a": line.artisan_id, "t": utcnow(), "l": line.id},
    )
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert f"line {line.id}: commission entries sum to" in result.output
    assert f"artisan {line.artisan_id}: the book sums to" in result.output
