"""The showroom blueprint and what its views share: the chosen register and the basket."""

from __future__ import annotations

from flask import Blueprint, current_app, session

from storefront.errors import NotFound
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.orders.services import order_by_number
from storefront.urls import public_url

from .. import services
from ..models import RegisterSession

bp = Blueprint("showroom", __name__, url_prefix="/staff")

BASKET_KEY = "showroom_basket"
REGISTER_KEY = "showroom_register"
MAX_BASKET_LINES = 40
MAX_QUANTITY = 99


def registers() -> list[int]:
    """The showroom's register numbers (SHOWROOM_REGISTERS, 2 by default)."""
    return list(range(1, int(current_app.config.get("SHOWROOM_REGISTERS", 2)) + 1))


def chosen_register() -> int:
    """The register this browser works at (remembered in the signed session cookie)."""
    value = session.get(REGISTER_KEY)
    return value if value in registers() else registers()[0]


def choose_register(number: int) -> None:
    """Remember the register this browser works at."""
    if number in registers():
        session[REGISTER_KEY] = number


def current_register_session() -> RegisterSession | None:
    """The open session of the chosen register, if any."""
    return services.open_session_for(db.session, chosen_register())


def register_session_or_404(session_id: int) -> RegisterSession:
    """A register session by id, or 404."""
    found = db.session.get(RegisterSession, session_id)
    if found is None:
        raise NotFound(_not_found())
    return found


def order_or_404(number: str) -> Order:
    """An order by its public number, or 404."""
    order = order_by_number(db.session, number)
    if order is None:
        raise NotFound(_not_found())
    return order


def basket_lines() -> list[tuple[int, int]]:
    """The sale being rung up: (product_id, quantity) lines, in the order they were scanned."""
    raw = session.get(BASKET_KEY) or []
    return [(int(pid), int(qty)) for pid, qty in raw][:MAX_BASKET_LINES]


def save_basket(lines: list[tuple[int, int]]) -> None:
    """Store the basket, dropping empty lines and capping quantities."""
    session[BASKET_KEY] = [
        [pid, min(qty, MAX_QUANTITY)] for pid, qty in lines[:MAX_BASKET_LINES] if qty > 0
    ]


def add_to_basket(product_id: int, quantity: int = 1) -> None:
    """Add a piece, or one more of a piece already in the basket."""
    lines = basket_lines()
    for index, (pid, qty) in enumerate(lines):
        if pid == product_id:
            lines[index] = (pid, qty + quantity)
            break
    else:
        lines.append((product_id, quantity))
    save_basket(lines)


def order_url(order: Order) -> str:
    """The customer's order status page (absolute, from PUBLIC_URL), for the receipt's QR code."""
    return public_url("orders.view", token=order.token)


def stripe_refunder() -> services.returns.StripeRefunder | None:
    """Refund through Stripe with the app's settings, or None when Stripe is not configured."""
    if not current_app.config.get("STRIPE_SECRET_KEY"):
        return None
    from storefront.checkout import stripe_gateway
    from storefront.checkout.gateways import stripe_settings

    settings = stripe_settings(current_app.config)

    def refund(payment_intent: str, amount: int, key: str, metadata: dict[str, str]) -> str:
        try:
            state = stripe_gateway.refund_payment(
                settings,
                payment_intent=payment_intent,
                amount_minor=amount,
                idempotency_key=key,
                metadata=metadata,
            )
        except stripe_gateway.GatewayError as exc:
            from storefront.errors import DomainError

            raise DomainError(_stripe_failed(exc.retryable), status_code=502) from exc
        return state.id

    return refund


def _not_found() -> str:
    from flask_babel import gettext as _

    return _("We could not find this page. It may have moved or been removed.")


def _stripe_failed(retryable: bool) -> str:
    from flask_babel import gettext as _

    if retryable:  # no answer, or a server error: Stripe may have refunded all the same
        return _("Stripe did not answer. Send the form again: it will not refund twice.")
    return _("Stripe did not accept the refund. Nothing was refunded; please try again.")
