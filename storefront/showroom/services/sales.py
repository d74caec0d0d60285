"""The point of sale: find pieces by scan or search, price a basket, record a counter sale."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from storefront.accounts.models import Role, User
from storefront.accounts.services import user_by_email, verify_password
from storefront.artisans.models import Artisan
from storefront.audit import record_audit
from storefront.catalog import search
from storefront.catalog.models import Product, ProductStatus
from storefront.errors import DomainError, Forbidden
from storefront.money import bps_of
from storefront.orders.models import Channel, Delivery, Order, OrderStatus, PaymentMethod
from storefront.orders.services import create_order

from ..models import RegisterSession, ShowroomPayment, TenderMethod
from .drawer import hold_open

# A discount above this share of the basket (in basis points: 1000 = 10 %) needs a manager.
DISCOUNT_APPROVAL_BPS = 1000
PRODUCT_PATH = re.compile(r"/products/([^/?#]+)/?$")


SCANNED = select(Product).options(joinedload(Product.artisan).joinedload(Artisan.shop))
BY_SLUG = SCANNED.where(Product.slug == bindparam("slug"))
# SKUs are made in capitals (GLM-<shop>-<id>); a code typed in small letters is read in capitals.
# Both are looked up in the SKU's unique index, not by upper() over every row.
BY_SKU = SCANNED.where(Product.sku.in_(bindparam("codes", expanding=True)))


def find_by_scan(session: Session, code: str) -> Product | None:
    """The piece a scanner typed: a label's URL (…/products/<slug>) or a SKU, any case."""
    code = code.strip()
    if not code:
        return None
    match = PRODUCT_PATH.search(urlparse(code).path) if "/" in code else None
    if match:
        return session.scalar(BY_SLUG, {"slug": unquote(match.group(1))[:120]})
    codes = list(dict.fromkeys([code[:32], code.upper()[:32]]))
    return session.scalar(BY_SKU, {"codes": codes})


def search_products(session: Session, query: str, *, limit: int = 20) -> list[Product]:
    """The first `limit` live pieces the catalog's search finds, in its order (catalog.search).

    The web's search, so the till finds what the shop's pages find, typos corrected alike.
    """
    found = search.find(session, query, where=[Product.status == ProductStatus.ACTIVE])
    ids = found.ids[:limit]
    if not ids:
        return []
    stmt = (
        select(Product)
        .where(Product.id.in_(ids))
        .options(joinedload(Product.artisan).joinedload(Artisan.shop))
    )
    loaded = {p.id: p for p in session.scalars(stmt).unique()}
    return [loaded[i] for i in ids if i in loaded]


@dataclass
class QuoteLine:
    """One basket line priced now."""

    product: Product
    quantity: int
    line_total: int
    short: bool


@dataclass
class Quote:
    """The basket priced now, with the discount; money in minor units."""

    lines: list[QuoteLine] = field(default_factory=list)
    subtotal: int = 0
    discount: int = 0

    @property
    def total(self) -> int:
        """What the customer pays."""
        return self.subtotal - self.discount

    @property
    def needs_approval(self) -> bool:
        """Whether the discount is above the share staff may give alone."""
        return self.discount > bps_of(self.subtotal, DISCOUNT_APPROVAL_BPS)


def quote_basket(session: Session, lines: list[tuple[int, int]], discount_minor: int = 0) -> Quote:
    """Price (product_id, quantity) lines at today's prices; `short` marks lines over stock."""
    ids = [pid for pid, _qty in lines]
    products = {
        p.id: p
        for p in session.scalars(
            select(Product)
            .where(Product.id.in_(ids))
            .options(joinedload(Product.artisan).joinedload(Artisan.shop))
        ).unique()
    }
    quote = Quote()
    for pid, quantity in lines:
        product = products.get(pid)
        if product is None:
            continue
        short = product.status != ProductStatus.ACTIVE or (
            not product.made_to_order and product.stock < quantity
        )
        total = product.price_minor * quantity
        quote.lines.append(QuoteLine(product, quantity, total, short))
        quote.subtotal += total
    quote.discount = min(max(discount_minor, 0), quote.subtotal)
    return quote


@dataclass(frozen=True)
class Tender:
    """How the customer pays: cash handed over, and/or an amount on the card terminal."""

    cash_tendered: int = 0
    card_amount: int = 0
    card_reference: str = ""


def approve_discount(session: Session, *, email: str, password: str, staff: User) -> User:
    """The manager whose email and password approve a large discount; raises Forbidden otherwise.

    The password is checked with accounts' verify_password (argon2id); a wrong email, password,
    role or an inactive account all give the same answer. Approving is not a sign-in. Every
    refusal adds a `showroom.approval_failed` audit entry to the caller's transaction, naming
    the staff member and the email tried; the caller commits it even though the sale stops
    (the view's rate limit per approver account is what stops guessing).
    """
    user = user_by_email(session, email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active or user.role != Role.ADMIN:
        record_audit(
            session,
            "showroom.approval_failed",
            "user",
            user.id if user else None,
            user_id=staff.id,
            email=email.strip().lower()[:254],
        )
        session.flush()
        raise Forbidden(_("A manager's email and password are needed to approve this discount."))
    return user


def sale_by_key(session: Session, key: str) -> Order | None:
    """The counter sale already recorded for a Pay form's one-time key, or None."""
    return session.scalar(
        select(Order).where(Order.checkout_key == key[:64], Order.channel == Channel.SHOWROOM)
    )


def _split(total: int, tender: Tender) -> tuple[int, int, int]:
    """(cash kept, change, card) for a total; raises DomainError when the tender does not fit."""
    if tender.cash_tendered < 0 or tender.card_amount < 0:
        raise DomainError(_("Amounts cannot be negative."))
    if tender.card_amount > total:
        raise DomainError(_("The card amount is more than the total."))
    if tender.card_amount and not tender.card_reference.strip():
        raise DomainError(_("Enter the card terminal's reference."))
    cash_due = total - tender.card_amount
    if tender.cash_tendered < cash_due:
        raise DomainError(_("The cash handed over does not cover the total."))
    if cash_due == 0 and tender.cash_tendered:
        raise DomainError(_("No cash is due; leave the cash amount empty."))
    return cash_due, tender.cash_tendered - cash_due, tender.card_amount


def _record_payments(
    session: Session,
    order: Order,
    register_session: RegisterSession,
    tender: Tender,
    cash: int,
    change: int,
    card: int,
) -> None:
    if cash:
        session.add(
            ShowroomPayment(
                order_id=order.id,
                register_session_id=register_session.id,
                method=TenderMethod.CASH,
                amount_minor=cash,
                tendered_minor=tender.cash_tendered,
                change_minor=change,
            )
        )
    if card:
        session.add(
            ShowroomPayment(
                order_id=order.id,
                register_session_id=register_session.id,
                method=TenderMethod.CARD_TERMINAL,
                amount_minor=card,
                reference=tender.card_reference.strip()[:120],
            )
        )


def record_showroom_sale(
    session: Session,
    register_session: RegisterSession,
    *,
    lines: list[tuple[int, int]],
    tender: Tender,
    staff: User,
    discount_minor: int = 0,
    discount_reason: str = "",
    approver: User | None = None,
    locale: str = "fr",
    default_commission_bps: int = 1000,
    sale_key: str | None = None,
) -> Order:
    """Sell at the counter: a paid showroom Order through create_order, its payments, its audit.

    Stock is taken by create_order's guarded UPDATE in product-id order, so a piece sold online a
    moment earlier raises Conflict (409) naming it; create_order also posts the ledger. The
    session is held open first (Conflict if it was closed). A discount needs a reason, and above
    DISCOUNT_APPROVAL_BPS of the basket an approving manager (an admin selling approves
    themselves), else Forbidden. Raises DomainError when the tender does not cover the total.
    `sale_key` (the Pay form's one-time key) is stored on the order under a unique constraint
    before any stock is taken, so a second transaction with the same key fails with
    IntegrityError on that insert (PostgreSQL waits for the first to commit; SQLite's single
    writer does the same) and the caller shows sale_by_key's receipt instead.
    """
    hold_open(session, register_session)
    quote = quote_basket(session, lines)
    if discount_minor < 0 or discount_minor > quote.subtotal:
        raise DomainError(_("The discount cannot be more than the order's value."))
    quote.discount = discount_minor
    if discount_minor and not discount_reason.strip():
        raise DomainError(_("Give a reason for the discount."))
    if quote.needs_approval and staff.role != Role.ADMIN:
        if approver is None or approver.role != Role.ADMIN:
            raise Forbidden(_("A discount above %(pct)s %% needs a manager's approval.", pct=10))
    cash, change, card = _split(quote.total, tender)
    method = (
        PaymentMethod.MIXED
        if cash and card
        else PaymentMethod.CARD_TERMINAL
        if card
        else PaymentMethod.CASH
    )
    order = create_order(
        session,
        channel=Channel.SHOWROOM,
        lines=lines,
        locale=locale,
        delivery=Delivery.COUNTER,
        discount_minor=discount_minor,
        discount_reason=discount_reason.strip()[:200] or None,
        staff_user_id=staff.id,
        register_session_id=register_session.id,
        status=OrderStatus.PAID,
        payment_method=method,
        payment_reference=tender.card_reference.strip()[:120] or None,
        default_commission_bps=default_commission_bps,
        checkout_key=sale_key,
    )
    _record_payments(session, order, register_session, tender, cash, change, card)
    session.flush()
    record_audit(
        session,
        "showroom.sale",
        "order",
        order.id,
        user_id=staff.id,
        number=order.number,
        register_session=register_session.id,
        total_minor=order.total_minor,
        cash_minor=cash,
        change_minor=change,
        card_minor=card,
        discount_minor=discount_minor,
        discount_reason=discount_reason.strip(),
        approved_by=approver.id if approver else None,
    )
    return order
