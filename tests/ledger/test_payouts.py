"""Payouts: never more than available, a returned transfer reversed by an entry; RIB keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.audit import AuditLog
from storefront.errors import Conflict, DomainError
from storefront.ledger.balances import balance_of
from storefront.ledger.models import EntryKind, LedgerEntry, PayoutMethod
from storefront.ledger.payouts import (
    PayoutRequest,
    is_returned,
    record_payout,
    record_payout_run,
    return_transfer,
)
from storefront.ledger.rib import format_rib, is_valid_rib, normalise_rib, rib_key
from storefront.orders.models import Channel
from storefront.timeutil import utcnow
from tests.factories import make_artisan, make_product
from tests.ledger.helpers import WINDOWS, paid_order

GOOD_RIB = "0117800000123456789012" + rib_key("0117800000123456789012")


def _with_available(session, amount=10000, **artisan):
    maker = make_artisan(session, **artisan)
    product = make_product(session, artisan=maker, price_minor=amount, stock=1)
    paid_order(session, product, channel=Channel.SHOWROOM, paid_at=utcnow() - timedelta(days=8))
    return maker


def test_rib_key_is_checked():
    assert len(GOOD_RIB) == 24 and is_valid_rib(GOOD_RIB)
    assert int(GOOD_RIB) % 97 == 0
    swapped = GOOD_RIB[:10] + GOOD_RIB[11] + GOOD_RIB[10] + GOOD_RIB[12:]  # "12" -> "21"
    assert not is_valid_rib(swapped)
    assert not is_valid_rib(GOOD_RIB[:-1] + str((int(GOOD_RIB[-1]) + 1) % 10))
    assert not is_valid_rib(GOOD_RIB[:23])
    assert not is_valid_rib("٠" * 24)  # Arabic-Indic digits are not a RIB
    assert normalise_rib(format_rib(GOOD_RIB)) == GOOD_RIB
    assert format_rib(GOOD_RIB).count(" ") == 3


def test_a_cash_payout_moves_available_to_paid(session):
    maker = _with_available(session, 10000)  # 9000 available after commission
    payout = record_payout(
        session, PayoutRequest(maker.id, 5000, PayoutMethod.CASH), WINDOWS, user_id=None
    )
    after = balance_of(session, maker.id, WINDOWS)
    assert (after.available, after.pending, after.paid) == (4000, 0, 5000)
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.payout_id == payout.id))
    assert (entry.kind, entry.amount_minor) == (EntryKind.PAYOUT, -5000)
    assert payout.reference == f"PAY-{payout.id:06d}"
    audit = session.scalar(select(AuditLog).where(AuditLog.action == "payout.recorded"))
    assert audit.data["amount_minor"] == 5000 and audit.data["available_before"] == 9000


def test_a_payout_above_available_is_refused(session):
    maker = _with_available(session, 10000)
    with pytest.raises(Conflict):
        record_payout(
            session, PayoutRequest(maker.id, 9001, PayoutMethod.CASH), WINDOWS, user_id=None
        )


def test_pending_money_cannot_be_paid(session):
    maker = make_artisan(session)
    paid_order(session, make_product(session, artisan=maker, price_minor=10000))
    with pytest.raises(Conflict):
        record_payout(
            session, PayoutRequest(maker.id, 100, PayoutMethod.CASH), WINDOWS, user_id=None
        )


@pytest.mark.parametrize("amount", [0, -100])
def test_a_payout_must_be_positive(session, amount):
    maker = _with_available(session)
    with pytest.raises(DomainError):
        record_payout(
            session, PayoutRequest(maker.id, amount, PayoutMethod.CASH), WINDOWS, user_id=None
        )


def test_a_transfer_needs_a_valid_rib(session):
    maker = _with_available(session, rib=None)
    with pytest.raises(DomainError, match="RIB"):
        record_payout(
            session, PayoutRequest(maker.id, 100, PayoutMethod.TRANSFER), WINDOWS, user_id=None
        )


def test_a_returned_transfer_is_reversed_once_by_an_entry(session):
    maker = _with_available(session, 10000, rib=GOOD_RIB)
    batch = record_payout_run(
        session, [PayoutRequest(maker.id, 9000, PayoutMethod.TRANSFER)], WINDOWS, user_id=None
    )
    payout = session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "payout")).payout_id
    from storefront.ledger.models import Payout

    payout = session.get(Payout, payout)
    assert payout.batch_id == batch.id and payout.rib == GOOD_RIB
    assert balance_of(session, maker.id, WINDOWS).available == 0
    return_transfer(session, payout, user_id=None, reason="account closed")
    after = balance_of(session, maker.id, WINDOWS)
    assert (after.available, after.paid) == (9000, 0)
    assert is_returned(session, payout)
    with pytest.raises(Conflict):
        return_transfer(session, payout, user_id=None, reason="again")


def test_a_cash_payout_cannot_come_back(session):
    maker = _with_available(session)
    payout = record_payout(
        session, PayoutRequest(maker.id, 100, PayoutMethod.CASH), WINDOWS, user_id=None
    )
    with pytest.raises(DomainError):
        return_transfer(session, payout, user_id=None, reason="?")
