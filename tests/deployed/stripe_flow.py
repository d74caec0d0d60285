"""What Stripe does after the buyer reaches its hosted page: take the payment, send the webhook."""

from __future__ import annotations

import json

from tests.fake_stripe.server import FakeStripe

from .web import Visitor

# Stripe's hosted Checkout page, the one origin the shop's CSP lets its checkout form go to.
STRIPE_HOSTED = "https://checkout.stripe.com/c/pay/"


def session_id_from(url: str, fake: FakeStripe) -> str:
    """The Checkout Session id of the hosted payment page the shop sent the buyer to."""
    assert url.startswith(STRIPE_HOSTED), f"not Stripe's payment page: {url}"
    session_id = url.removeprefix(STRIPE_HOSTED).split("#")[0]
    assert session_id in fake.sessions, f"the shop opened no session {session_id}"
    assert fake.sessions[session_id]["url"] == url
    return session_id


def serve_hosted_pages(page, fake: FakeStripe) -> None:
    """Let the browser reach Stripe's hosted page: the fake answers for checkout.stripe.com.

    Only the browser's network is routed; the shop, its redirect and its Content Security
    Policy are exactly as in production.
    """

    def answer(route) -> None:
        session_id = route.request.url.removeprefix(STRIPE_HOSTED).split("#")[0]
        route.fulfill(response=route.fetch(url=f"{fake.url}/pay/{session_id}"))

    page.context.route(f"{STRIPE_HOSTED}**", answer)


def success_url(fake: FakeStripe, session_id: str) -> str:
    """Where Stripe sends the buyer back after paying (its placeholder filled in)."""
    template = fake.sessions[session_id]["success_url"]
    return template.replace("{CHECKOUT_SESSION_ID}", session_id)


def notify(fake: FakeStripe, shop_url: str, type_: str, session: dict) -> dict:
    """POST a signed event about `session` to the shop's webhook, as Stripe does; its answer."""
    event = fake.event(type_, session)
    payload = json.dumps(event).encode()
    answer = Visitor(shop_url).open(
        "/stripe/webhook",
        data=payload,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": fake.sign(payload),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        follow=False,
    )
    assert answer.status == 200, (answer.status, answer.text)
    return json.loads(answer.body)


def pay_and_notify(fake: FakeStripe, shop_url: str, session_id: str) -> dict:
    """The buyer pays on the hosted page; Stripe sends checkout.session.completed."""
    return notify(fake, shop_url, "checkout.session.completed", fake.pay(session_id))
