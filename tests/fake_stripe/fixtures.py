"""Fixtures that start the fake Stripe server and point the app at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storefront.checkout.stripe_gateway import close_clients

from .server import FakeStripe


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    """A fake Stripe API on a free port of 127.0.0.1 for one test."""
    fake = FakeStripe().start()
    yield fake
    close_clients()
    fake.stop()


@pytest.fixture
def stripe_config(app_config, fake_stripe) -> dict:
    """Test settings with the Stripe gateway talking to the fake server."""
    app_config.update(
        PAYMENTS="stripe",
        STRIPE_SECRET_KEY=fake_stripe.api_key,
        STRIPE_WEBHOOK_SECRET=fake_stripe.webhook_secret,
        STRIPE_API_BASE=fake_stripe.url,
        STRIPE_TIMEOUT_SECONDS=1.0,
        STRIPE_MAX_NETWORK_RETRIES=2,
        CSP_FORM_ACTION_EXTRA=[fake_stripe.url],
    )
    return app_config
