"""One reconciled showroom day for demonstrations, made through the real services."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.accounts.models import User
from storefront.catalog.models import Product, ProductStatus
from storefront.errors import DomainError

from ..models import DENOMINATIONS, MovementKind, RegisterSession, TenderMethod
from .closing import close_register, sign_off
from .drawer import drawer_summary, open_register, record_cash_movement
from .returns import refund_at_counter
from .sales import Tender, record_showroom_sale

SHORT_BY = 1000  # the demo drawer closes 10 MAD short


def pieces_for(amount: int) -> dict[int, int]:
    """Break an amount into notes and coins, largest first; raises DomainError if it cannot."""
    pieces: dict[int, int] = {}
    for denomination in DENOMINATIONS:
        pieces[denomination], amount = divmod(amount, denomination)
    if amount:
        raise DomainError("the amount is not a whole number of 0.50 MAD coins")
    return pieces


def _round_up(amount: int, step: int = 10000) -> int:
    return -(-amount // step) * step


def record_demo_day(
    session: Session,
    *,
    staff: User,
    manager: User,
    day: date,
    register: int = 1,
    artisan_id: int | None = None,
) -> RegisterSession:
    """Open, sell (cash, card, both, a discount), pay in and out, refund, close short, sign off.

    Uses the first six live pieces in stock (by id), of one artisan when `artisan_id` is
    given, so the same catalog gives the same day. Raises DomainError when fewer than six
    pieces are in stock.
    """
    stmt = (
        select(Product)
        .where(Product.status == ProductStatus.ACTIVE, Product.stock > 0)
        .where(Product.made_to_order.is_(False))
        .order_by(Product.id)
        .limit(6)
    )
    if artisan_id is not None:
        stmt = stmt.where(Product.artisan_id == artisan_id)
    products = session.scalars(stmt).all()
    if len(products) < 6:
        raise DomainError("the demo day needs six pieces in stock; load the demo data first")
    rs = open_register(
        session,
        register=register,
        pieces={20000: 1, 10000: 2, 5000: 2, 2000: 5, 1000: 10, 500: 4, 200: 5, 100: 5, 50: 2},
        user=staff,
        business_date=day,
    )

    def sell(items, *, card=False, mixed=False, discount_bps=0, reason=""):
        subtotal = sum(p.price_minor for p in items)
        discount = subtotal * discount_bps // 10000
        total = subtotal - discount
        # Cash in whole dirhams, so the drawer can be counted in notes and coins.
        card_amount = total if card else (total - total // 200 * 100 if mixed else 0)
        cash_due = total - card_amount
        tender = Tender(
            cash_tendered=_round_up(cash_due) if cash_due else 0,
            card_amount=card_amount,
            card_reference=f"CMI-{len(rs.payments) + 1:04d}" if card_amount else "",
        )
        return record_showroom_sale(
            session, rs, lines=[(p.id, 1) for p in items], tender=tender, staff=staff,
            discount_minor=discount, discount_reason=reason,
        )  # fmt: skip

    first = sell(products[0:2])
    sell(products[2:3], card=True)
    sell(products[3:5], mixed=True, discount_bps=500, reason="regular customer")
    record_cash_movement(
        session, rs, kind=MovementKind.PAID_IN, amount_minor=20000,
        reason="coins from the bank", user=staff,
    )  # fmt: skip
    record_cash_movement(
        session, rs, kind=MovementKind.PAID_OUT, amount_minor=5000,
        reason="cleaning supplies", user=staff,
    )  # fmt: skip
    sell(products[5:6])
    refund_at_counter(
        session, first, items=[(first.lines[-1].id, 1)], reason="changed their mind",
        restock=True, method=TenderMethod.CASH, user=staff, register_session=rs,
        refund_key=f"demo-{rs.id}-1",
    )  # fmt: skip
    summary = drawer_summary(session, rs)
    close_register(
        session, rs, pieces=pieces_for((summary.expected_cash - SHORT_BY) // 50 * 50),
        card_batch_total_minor=summary.expected_card, card_batch_reference="CMI-BATCH-0001",
        note="10 MAD short: change given twice for one sale, staff reminded to count back",
        user=staff,
    )  # fmt: skip
    sign_off(session, rs, manager=manager, note="Checked with the staff member; accepted.")
    return rs
