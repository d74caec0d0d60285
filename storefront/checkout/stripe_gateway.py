"""Stripe Checkout Sessions, refunds and webhook signatures: the only module that imports stripe.

Every call goes through a `stripe.StripeClient` with network retries; the SDK resends a failed
request with the same idempotency key, so a retry can never create a second session or refund.
STRIPE_API_BASE points the client at another address (the test suite's fake Stripe server).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import stripe

WEBHOOK_TOLERANCE_SECONDS = 300
# Stripe Checkout has no Arabic; "auto" lets it follow the buyer's browser.
STRIPE_LOCALES = {"fr": "fr", "en": "en", "ar": "auto"}


@dataclass(frozen=True)
class StripeSettings:
    """How to reach Stripe: key, optional base address, timeout in seconds and retries."""

    secret_key: str
    api_base: str | None = None
    timeout: float = 20.0
    max_retries: int = 2


class GatewayError(Exception):
    """Stripe could not be reached or refused the request; `retryable` says whether to try again."""

    def __init__(self, message: str, *, retryable: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


class SignatureError(Exception):
    """A webhook's signature is missing, wrong or too old, or no secret is configured."""


@dataclass(frozen=True)
class SessionState:
    """What the app needs to know about a Checkout Session."""

    id: str
    url: str | None
    status: str  # open | complete | expired
    paid: bool
    amount_minor: int | None
    currency: str | None
    reference: str | None  # the PaymentIntent id, kept as the order's payment reference
    order_number: str | None


@dataclass(frozen=True)
class RefundState:
    """The refund Stripe recorded."""

    id: str
    status: str
    amount_minor: int


_clients: dict[StripeSettings, stripe.StripeClient] = {}
_http_clients: list[stripe.RequestsClient] = []
_clients_lock = threading.Lock()


def client_for(settings: StripeSettings) -> stripe.StripeClient:
    """One StripeClient per settings (it keeps an HTTP connection pool), with network retries."""
    with _clients_lock:
        client = _clients.get(settings)
        if client is None:
            http = stripe.RequestsClient(timeout=settings.timeout)
            client = stripe.StripeClient(
                settings.secret_key,
                base_addresses={"api": settings.api_base} if settings.api_base else None,
                max_network_retries=settings.max_retries,
                http_client=http,
            )
            _clients[settings] = client
            _http_clients.append(http)
        return client


def close_clients() -> None:
    """Close every cached client's connections (tests, or a worker shutting down)."""
    with _clients_lock:
        for http in _http_clients:
            http.close()
        _http_clients.clear()
        _clients.clear()


def _error(exc: stripe.StripeError) -> GatewayError:
    retryable = isinstance(exc, stripe.APIConnectionError | stripe.APIError | stripe.RateLimitError)
    code = getattr(exc, "code", None)
    return GatewayError(str(exc.user_message or exc), retryable=retryable, code=code)


def _plain(obj: Any) -> dict:
    return obj.to_dict() if isinstance(obj, stripe.StripeObject) else obj


def _state(obj: Any) -> SessionState:
    obj = _plain(obj)
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    metadata = obj.get("metadata") or {}
    return SessionState(
        id=obj["id"],
        url=obj.get("url"),
        status=obj.get("status") or "open",
        paid=obj.get("payment_status") in ("paid", "no_payment_required"),
        amount_minor=obj.get("amount_total"),
        currency=(obj.get("currency") or "").lower() or None,
        reference=intent,
        order_number=obj.get("client_reference_id") or metadata.get("order_number"),
    )


def checkout_session_params(
    order: Any,
    *,
    success_url: str,
    cancel_url: str,
    expires_at: int,
    lang: str,
    images: dict[int, str] | None = None,
    shipping_label: str = "Shipping",
) -> dict:
    """The Checkout Session request for an order: lines in MAD minor units, shipping, metadata.

    expires_at (Unix seconds) is the end of the stock hold; the order number is the
    client_reference_id and is in the metadata of the session and of its PaymentIntent.
    """
    line_items = []
    for line in order.lines:
        product_data: dict[str, Any] = {
            "name": f"{line.title_in(lang)} — {line.maker_in(lang)}",
            "metadata": {"sku": line.sku},
        }
        if images and images.get(line.id):
            product_data["images"] = [images[line.id]]
        line_items.append(
            {
                "quantity": line.quantity,
                "price_data": {
                    "currency": order.currency,
                    "unit_amount": line.unit_price_minor,
                    "product_data": product_data,
                },
            }
        )
    metadata = {"order_number": order.number}
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": line_items,
        "client_reference_id": order.number,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "expires_at": expires_at,
        "locale": STRIPE_LOCALES.get(lang, "auto"),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if order.customer_email:
        params["customer_email"] = order.customer_email
    if order.shipping_minor:
        params["shipping_options"] = [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": shipping_label,
                    "fixed_amount": {"amount": order.shipping_minor, "currency": order.currency},
                }
            }
        ]
    return params


def create_session(settings: StripeSettings, params: dict, idempotency_key: str) -> SessionState:
    """Create a Checkout Session; the same key and params always give back the same session."""
    try:
        obj = client_for(settings).v1.checkout.sessions.create(
            params=json.loads(json.dumps(params)), options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise _error(exc) from exc
    return _state(obj)


def retrieve_session(settings: StripeSettings, session_id: str) -> SessionState:
    """Read a Checkout Session's current state."""
    try:
        return _state(client_for(settings).v1.checkout.sessions.retrieve(session_id))
    except stripe.StripeError as exc:
        raise _error(exc) from exc


def expire_session(settings: StripeSettings, session_id: str) -> SessionState:
    """Expire an open session so it can no longer be paid; returns its state either way.

    Stripe refuses to expire a session that is not open; the session is then read back, so the
    caller learns whether it was paid (complete) or already expired.
    """
    try:
        obj = client_for(settings).v1.checkout.sessions.expire(
            session_id, options={"idempotency_key": f"expire-{session_id}"}
        )
    except stripe.InvalidRequestError:
        return retrieve_session(settings, session_id)
    except stripe.StripeError as exc:
        raise _error(exc) from exc
    return _state(obj)


def refund_payment(
    settings: StripeSettings,
    *,
    payment_intent: str,
    amount_minor: int,
    idempotency_key: str,
    metadata: dict[str, str] | None = None,
) -> RefundState:
    """Refund part or all of a payment; the idempotency key makes a repeated call refund once.

    Raises GatewayError when Stripe is unreachable or refuses (e.g. more than was paid).
    """
    params: dict[str, Any] = {"payment_intent": payment_intent, "amount": amount_minor}
    if metadata:
        params["metadata"] = metadata
    try:
        obj = client_for(settings).v1.refunds.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise _error(exc) from exc
    obj = _plain(obj)
    return RefundState(id=obj["id"], status=obj["status"], amount_minor=obj["amount"])


def list_refunds(settings: StripeSettings, payment_intent: str) -> list[dict]:
    """Every refund of a payment, as Stripe's Refund objects (id, amount, status, metadata).

    Raises GatewayError when Stripe is unreachable or refuses.
    """
    try:
        page = client_for(settings).v1.refunds.list(
            params={"payment_intent": payment_intent, "limit": 100}
        )
        return [_plain(refund) for refund in page.auto_paging_iter()]
    except stripe.StripeError as exc:
        raise _error(exc) from exc


def verify_event(payload: bytes, signature: str | None, secret: str | None) -> dict:
    """Check a webhook's Stripe-Signature on the raw body (300 s tolerance) and parse it.

    Fails closed: raises SignatureError when no secret is configured, the header is missing or
    wrong, or the timestamp is outside the tolerance.
    """
    if not secret:
        raise SignatureError("no webhook secret configured")
    if not signature:
        raise SignatureError("no signature")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature, secret, WEBHOOK_TOLERANCE_SECONDS)
        event = json.loads(text)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise SignatureError(str(exc)) from exc
    if not isinstance(event, dict) or "id" not in event or "type" not in event:
        raise SignatureError("not an event")
    return event


def session_state_from_event(obj: dict) -> SessionState:
    """The session carried in a checkout.session.* event."""
    return _state(obj)
