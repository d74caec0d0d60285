"""The payment gateways behind one small interface: Stripe Checkout, and the test gateway."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from . import stripe_gateway
from .stripe_gateway import GatewayError, SessionState, StripeSettings

__all__ = ["Gateway", "GatewayError", "SessionState", "StripeGateway", "TestGateway", "for_config"]


class Gateway(Protocol):
    """What checkout needs from a payment provider; requests are plain dicts kept for retries."""

    name: str

    def create(self, params: dict, idempotency_key: str) -> SessionState:
        """Open a hosted payment session; same key and params give the same session."""

    def retrieve(self, session_id: str) -> SessionState:
        """Read a session's state."""

    def expire(self, session_id: str) -> SessionState:
        """Close an open session so it can no longer be paid; returns its final state."""


class StripeGateway:
    """Stripe Checkout Sessions through stripe_gateway."""

    name = "stripe"

    def __init__(self, settings: StripeSettings) -> None:
        self.settings = settings

    def create(self, params: dict, idempotency_key: str) -> SessionState:
        """Create (or, on a replay, get back) the Checkout Session."""
        return stripe_gateway.create_session(self.settings, params, idempotency_key)

    def retrieve(self, session_id: str) -> SessionState:
        """Read the Checkout Session."""
        return stripe_gateway.retrieve_session(self.settings, session_id)

    def expire(self, session_id: str) -> SessionState:
        """Expire the Checkout Session if it is still open."""
        return stripe_gateway.expire_session(self.settings, session_id)


class TestGateway:
    """Local payments for development and demos: the shop's own page, no money moves.

    Its sessions hold no state of their own: the order is the truth, and the test page drives
    the same fulfilment as Stripe does.
    """

    name = "test"

    def create(self, params: dict, idempotency_key: str) -> SessionState:
        """A session whose page is the shop's test payment page."""
        return SessionState(
            id=f"test_{idempotency_key}",
            url=params["url"],
            status="open",
            paid=False,
            amount_minor=params["amount"],
            currency=params["currency"],
            reference=None,
            order_number=params["order_number"],
        )

    def retrieve(self, session_id: str) -> SessionState:
        """Test sessions are open until the test page pays, declines or the hold ends."""
        return SessionState(session_id, None, "open", False, None, None, None, None)

    def expire(self, session_id: str) -> SessionState:
        """Nothing to tell anyone: the session is simply over."""
        return SessionState(session_id, None, "expired", False, None, None, None, None)


def for_config(config: Mapping) -> Gateway:
    """The gateway the settings ask for (PAYMENTS=stripe|test)."""
    if config.get("PAYMENTS") == "stripe":
        return StripeGateway(stripe_settings(config))
    return TestGateway()


def stripe_settings(config: Mapping) -> StripeSettings:
    """Stripe settings for refunds and other direct calls (e.g. from the showroom)."""
    return StripeSettings(
        secret_key=config["STRIPE_SECRET_KEY"] or "",
        api_base=config.get("STRIPE_API_BASE"),
        timeout=float(config.get("STRIPE_TIMEOUT_SECONDS", 20)),
        max_retries=int(config.get("STRIPE_MAX_NETWORK_RETRIES", 2)),
    )
