"""Factories for the showroom: an open register, a counter sale."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from storefront.accounts.models import User
from storefront.catalog.models import Product
from storefront.orders.models import Order
from storefront.showroom import services
from storefront.showroom.models import RegisterSession
from tests.factories import make_user


def make_register_session(
    session: Session, *, register: int = 1, float_minor: int = 50000, user: User | None = None
) -> RegisterSession:
    """An open register with a float made of 10 MAD coins (and one 0.50 coin when odd)."""
    user = user or make_user(session, role="staff")
    pieces = {1000: float_minor // 1000}
    rest = float_minor % 1000
    pieces.update({100: rest // 100, 50: (rest % 100) // 50})
    return services.open_register(session, register=register, pieces=pieces, user=user)


def make_counter_sale(
    session: Session,
    register_session: RegisterSession,
    products: list[Product],
    *,
    cash: int | None = None,
    card: int = 0,
    staff: User | None = None,
    discount_minor: int = 0,
) -> Order:
    """A paid showroom sale of one of each product; cash covers what the card does not."""
    staff = staff or make_user(session, role="staff")
    total = sum(p.price_minor for p in products) - discount_minor
    tender = services.Tender(
        cash_tendered=total - card if cash is None else cash,
        card_amount=card,
        card_reference="T-1" if card else "",
    )
    return services.record_showroom_sale(
        session,
        register_session,
        lines=[(p.id, 1) for p in products],
        tender=tender,
        staff=staff,
        discount_minor=discount_minor,
        discount_reason="loyal customer" if discount_minor else "",
    )


def pay_form(client, **fields) -> dict:
    """The till's Pay form as the page renders it (with its one-time key), plus `fields`."""
    page = client.get("/staff/pos").get_data(as_text=True)
    key = re.search(r'name="sale_key" value="([^"]+)"', page).group(1)
    return {"sale_key": key, **fields}
