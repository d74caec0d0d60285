"""Placing an online order and driving its payment attempts, holds and their end.

An attempt stores its idempotency key and its exact request before anything is sent, so a
retry after a timeout or a double click sends the identical request and gets the same session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.cart.services import review_cart
from storefront.errors import Conflict, DomainError
from storefront.money import format_money
from storefront.orders import services as orders
from storefront.orders.models import Channel, Delivery, Order, OrderStatus
from storefront.timeutil import utcnow

from .gateways import Gateway, GatewayError
from .models import AttemptStatus, PaymentAttempt
from .shipping import quote_shipping
from .stripe_gateway import checkout_session_params

MIN_HOLD_MINUTES = 30  # Stripe's floor for a Checkout Session's expires_at
MAX_HOLD_MINUTES = 23 * 60
# Stripe checks the 30-minute floor against its own clock when the request arrives; the margin
# absorbs clock skew and the request's travel time.
HOLD_MARGIN = timedelta(seconds=90)
MIN_ONLINE_TOTAL_MINOR = 1000  # Stripe's smallest MAD charge, 10.00 MAD
# Stripe's largest charge has eight digits: 999,999.99 MAD. The test gateway keeps the same
# bounds, so what works in a demo works with Stripe. Dearer sales go through the showroom.
MAX_ONLINE_TOTAL_MINOR = 99_999_999


class StaleCart(Conflict):
    """The cart changed since the buyer saw it; the notices say how, the cart is corrected."""

    def __init__(self, notices: list[str]) -> None:
        super().__init__(" ".join(notices))
        self.notices = notices


@dataclass
class CheckoutDetails:
    """What the buyer typed on the checkout form."""

    email: str
    name: str
    phone: str
    delivery: Delivery
    address: dict = field(default_factory=dict)


@dataclass
class PaymentLinks:
    """Where the payment page sends the buyer back, and what it shows."""

    success_url: str
    cancel_url: str
    test_url: str
    lang: str
    images: dict[int, str] = field(default_factory=dict)
    shipping_label: str = "Shipping"


def hold_minutes(configured: int) -> int:
    """The hold length to use: the setting, never under Stripe's 30 minutes nor over 23 hours."""
    return min(max(int(configured), MIN_HOLD_MINUTES), MAX_HOLD_MINUTES)


def place_order(
    session: Session,
    cart: dict,
    details: CheckoutDetails,
    *,
    checkout_key: str,
    lang: str,
    hold: int,
    default_commission_bps: int,
) -> Order:
    """Turn the cart into a pending_payment order that holds its stock, once per checkout form.

    A form sent twice (double click) finds the order of its first submit. A cart that changed
    since it was shown raises StaleCart and is corrected in place; nothing is ordered. Raises
    DomainError for an empty cart, a total under 10.00 MAD or over MAX_ONLINE_TOTAL_MINOR, or a
    parcel too heavy to ship, and Conflict (from create_order) when stock went in the meantime.
    """
    existing = session.scalar(select(Order).where(Order.checkout_key == checkout_key))
    if existing is not None:
        return existing
    review = review_cart(session, cart, lang)
    if review.notices:
        raise StaleCart(review.notices)
    if not review.lines:
        raise DomainError(_("Your cart is empty."))
    shipping = 0
    if details.delivery == Delivery.SHIP:
        shipping = quote_shipping(session, details.address.get("country", ""), review.weight_grams)
    if review.subtotal_minor + shipping < MIN_ONLINE_TOTAL_MINOR:
        raise DomainError(_("Online orders start at 10.00 MAD."))
    if review.subtotal_minor + shipping > MAX_ONLINE_TOTAL_MINOR:
        raise DomainError(
            _(
                "Online orders go up to %(max)s. For more, please buy at the showroom.",
                max=format_money(MAX_ONLINE_TOTAL_MINOR, lang),
            )
        )
    return orders.create_order(
        session,
        channel=Channel.ONLINE,
        lines=review.order_lines(),
        customer_email=details.email,
        customer_name=details.name,
        customer_phone=details.phone or None,
        locale=lang,
        delivery=details.delivery,
        address=details.address if details.delivery == Delivery.SHIP else None,
        shipping_minor=shipping,
        hold_minutes=hold,
        checkout_key=checkout_key,
        default_commission_bps=default_commission_bps,
    )


@dataclass(frozen=True)
class Quote:
    """What the buyer will pay, as far as the form tells: minor units; None where not known yet.

    `problem` says (lazily translated) why there is no total yet, or why it cannot be shipped.
    """

    subtotal_minor: int
    shipping_minor: int | None
    total_minor: int | None
    problem: str | None = None


def quote_checkout(
    session: Session, subtotal_minor: int, weight_grams: int, delivery: str | None, country: str
) -> Quote:
    """The shipping line and total for the delivery and country chosen on the form.

    The same prices place_order charges (shipping.quote_shipping): pickup is free; shipping
    needs a country (ISO alpha-2, one of the form's); a parcel too heavy gives a problem.
    """
    if delivery == Delivery.PICKUP:
        return Quote(subtotal_minor, 0, subtotal_minor)
    if delivery != Delivery.SHIP:
        return Quote(subtotal_minor, None, None, _l("Choose pickup or shipping to see the total."))
    if not country:
        return Quote(
            subtotal_minor, None, None, _l("Choose the country to see the shipping price.")
        )
    try:
        shipping = quote_shipping(session, country, weight_grams)
    except DomainError as exc:
        return Quote(subtotal_minor, None, None, exc.message)
    return Quote(subtotal_minor, shipping, subtotal_minor + shipping)


def current_attempt(session: Session, order: Order) -> PaymentAttempt | None:
    """The order's latest payment attempt."""
    return session.scalar(
        select(PaymentAttempt)
        .where(PaymentAttempt.order_id == order.id)
        .order_by(PaymentAttempt.number.desc())
        .limit(1)
    )


def _params(gateway: Gateway, order: Order, links: PaymentLinks, expires: datetime) -> dict:
    expires_unix = int(expires.replace(tzinfo=UTC).timestamp())
    if gateway.name == "test":
        return {
            "url": links.test_url,
            "order_number": order.number,
            "amount": order.total_minor,
            "currency": order.currency,
            "expires_at": expires_unix,
        }
    return checkout_session_params(
        order,
        success_url=links.success_url,
        cancel_url=links.cancel_url,
        expires_at=expires_unix,
        lang=links.lang,
        images=links.images,
        shipping_label=links.shipping_label,
    )


def prepare_payment(
    session: Session, order: Order, gateway: Gateway, links: PaymentLinks, *, hold: int
) -> PaymentAttempt:
    """The attempt to pay with, safe to call again: an open one, one still to send, or a new one.

    A new attempt gets the next idempotency key, its request stored, and extends the hold to the
    session's expiry (hold == expires_at). Raises Conflict when the order is not waiting for
    payment or its hold has already ended.
    """
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(_("This order is no longer waiting for payment."))
    if order.hold_expires_at is not None and order.hold_expires_at <= utcnow():
        raise Conflict(_("The reservation for this order has ended. Please order again."))
    attempt = current_attempt(session, order)
    if attempt is not None and attempt.status in (AttemptStatus.OPEN, AttemptStatus.CREATING):
        return attempt
    number = 1 + (
        session.scalar(
            select(func.count())
            .select_from(PaymentAttempt)
            .where(PaymentAttempt.order_id == order.id)
        )
        or 0
    )
    expires = (utcnow() + timedelta(minutes=hold) + HOLD_MARGIN).replace(microsecond=0)
    attempt = PaymentAttempt(
        order_id=order.id,
        number=number,
        gateway=gateway.name,
        idempotency_key=f"{order.number}-{order.id}-attempt-{number}",
        params=json.dumps(_params(gateway, order, links, expires), sort_keys=True),
        expires_at=expires,
    )
    order.hold_expires_at = expires
    session.add(attempt)
    session.flush()
    return attempt


def send_attempt(session: Session, attempt: PaymentAttempt, gateway: Gateway) -> PaymentAttempt:
    """Send the attempt's stored request (identical on every retry) and record the session.

    Raises GatewayError. A refusal that retrying cannot cure marks the attempt failed, so the
    next prepare_payment starts a fresh one; a network error leaves it to be sent again.
    """
    try:
        state = gateway.create(json.loads(attempt.params), attempt.idempotency_key)
    except GatewayError as exc:
        attempt.last_error = str(exc)[:500]
        if not exc.retryable:
            attempt.status = AttemptStatus.FAILED
        session.flush()
        raise
    attempt.session_id = state.id
    attempt.url = state.url
    attempt.status = AttemptStatus.OPEN if state.status == "open" else state.status
    session.flush()
    return attempt
