"""A small fake of the Stripe API on 127.0.0.1: only the endpoints the shop calls.

It keeps Stripe's documented rules: expires_at between 30 minutes and 24 hours ahead, an
idempotent replay returns the same response and a replay with other parameters is an error,
only an open Checkout Session can be expired, refunds never exceed what was paid. Failures
(HTTP 500, or a response held back past the client's timeout) can be queued. Objects are
shaped from Stripe's own fixtures (see shapes.json). Webhooks are signed with Stripe's scheme.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SHAPES = json.loads((Path(__file__).with_name("shapes.json")).read_text())
MIN_EXPIRY = 30 * 60
MAX_EXPIRY = 24 * 3600
MIN_AMOUNT_MAD = 1000


def _id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """Rebuild nested params from Stripe's form encoding (a[b][0][c]=v)."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                idx = int(part)
                while len(node) <= idx:
                    node.append(None)
                if last:
                    node[idx] = value
                else:
                    if node[idx] is None:
                        node[idx] = [] if nxt_is_index else {}
                    node = node[idx]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if nxt_is_index else {})
    return root


class StripeFailure(Exception):
    """An API error answered as Stripe would."""

    def __init__(self, status: int, kind: str, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.code = status, kind, message, code

    def body(self) -> dict:
        """Stripe's error envelope."""
        error = {"type": self.kind, "message": self.message}
        if self.code:
            error["code"] = self.code
        return {"error": error}


class FakeStripe:
    """The fake's state and rules; `start()` serves it, `stop()` ends it."""

    def __init__(
        self,
        api_key: str = "sk_test_fake",
        webhook_secret: str = "whsec_fake",
        *,
        hosted_base: str | None = None,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        # Where a session's hosted page `url` points: this server's /pay/<id> by default, or
        # Stripe's own address (https://checkout.stripe.com/c/pay/) for a browser that routes
        # it here, so the shop's production Content Security Policy is the one tested.
        self.hosted_base = hosted_base
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.requests: list[dict] = []
        self._replays: dict[str, tuple[str, list, int, dict]] = {}
        self._failures: list[str] = []
        self._lock = threading.RLock()
        self._release = threading.Event()
        self.clock = time.time
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> FakeStripe:
        """Serve on a free port of 127.0.0.1 in a background thread."""
        fake = self

        class Handler(_Handler):
            stripe = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and let any held-back response go."""
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- test controls --------------------------------------------------------------------
    def fail_next(self, kind: str = "500", times: int = 1) -> None:
        """Queue failures for the next API requests: "500" or "timeout" (answer held back)."""
        with self._lock:
            self._failures.extend([kind] * times)

    def creates(self) -> list[dict]:
        """The session-creating requests received, in order."""
        return [r for r in self.requests if r["path"] == "/v1/checkout/sessions"]

    def pay(self, session_id: str, *, paid: bool = True) -> dict:
        """The buyer completes the hosted page: the session becomes complete (paid or not)."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise StripeFailure(400, "invalid_request_error", "session is not open")
            session["status"] = "complete"
            session["payment_status"] = "paid" if paid else "unpaid"
            charge = copy.deepcopy(SHAPES["charge"])
            charge.update(
                id=_id("ch"),
                amount=session["amount_total"],
                amount_captured=session["amount_total"] if paid else 0,
                currency=session["currency"],
                payment_intent=session["payment_intent"],
                created=int(self.clock()),
                paid=paid,
            )
            self.charges[session["payment_intent"]] = charge
            return copy.deepcopy(session)

    def expire_now(self, session_id: str) -> dict:
        """Stripe expiring a session on its own at expires_at."""
        with self._lock:
            session = self.sessions[session_id]
            session["status"] = "expired"
            return copy.deepcopy(session)

    def event(self, type_: str, obj: dict, *, event_id: str | None = None) -> dict:
        """An Event of `type_` carrying `obj`, shaped like Stripe's."""
        event = copy.deepcopy(SHAPES["event"])
        event.update(id=event_id or _id("evt"), type=type_, created=int(self.clock()))
        event["data"] = {"object": copy.deepcopy(obj)}
        return event

    def sign(self, payload: bytes, *, timestamp: int | None = None, secret: str | None = None):
        """The Stripe-Signature header for a payload: t=<ts>,v1=HMAC-SHA256(secret, "t.payload")."""
        ts = int(self.clock()) if timestamp is None else timestamp
        mac = hmac.new(
            (secret or self.webhook_secret).encode(), f"{ts}.".encode() + payload, hashlib.sha256
        ).hexdigest()
        return f"t={ts},v1={mac}"

    # --- API ------------------------------------------------------------------------------
    def handle(self, method: str, path: str, pairs: list, key: str | None, auth: str) -> tuple:
        """Answer one API request: (status, body, delay_response)."""
        with self._lock:
            self.requests.append(
                {"method": method, "path": path, "params": decode_form(pairs), "key": key}
            )
            failure = self._failures.pop(0) if self._failures else None
            if failure == "500":
                return 500, {"error": {"type": "api_error", "message": "injected"}}, False
            if auth != f"Bearer {self.api_key}":
                return (
                    401,
                    {"error": {"type": "invalid_request_error", "message": "bad key"}},
                    False,
                )
            if key and method == "POST" and key in self._replays:
                endpoint, old_pairs, status, body = self._replays[key]
                if endpoint != f"{method} {path}" or sorted(old_pairs) != sorted(pairs):
                    err = StripeFailure(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same parameters"
                        " they were first used with.",
                    )
                    return err.status, err.body(), False
                return status, copy.deepcopy(body), failure == "timeout"
            try:
                status, body = 200, self._route(method, path, decode_form(pairs))
            except StripeFailure as exc:
                status, body = exc.status, exc.body()
            if key and method == "POST":
                self._replays[key] = (f"{method} {path}", list(pairs), status, copy.deepcopy(body))
            return status, body, failure == "timeout"

    def _route(self, method: str, path: str, params: dict) -> dict:
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(params)
        match = re.fullmatch(r"/v1/checkout/sessions/([\w]+)(/expire)?", path)
        if match:
            session = self.sessions.get(match.group(1))
            if session is None:
                raise StripeFailure(
                    404, "invalid_request_error", "No such session", "resource_missing"
                )
            if match.group(2) and method == "POST":
                if session["status"] != "open":
                    raise StripeFailure(
                        400,
                        "invalid_request_error",
                        'Only Checkout Sessions with a status in ["open"] can be expired.',
                    )
                session["status"] = "expired"
            return copy.deepcopy(session)
        if method == "POST" and path == "/v1/refunds":
            return self._refund(params)
        if method == "GET" and path == "/v1/refunds":
            intent = params.get("payment_intent")
            found = [
                copy.deepcopy(r) for r in self.refunds.values() if r["payment_intent"] == intent
            ]
            found.sort(key=lambda r: -r["created"])  # newest first, as Stripe lists them
            return {"object": "list", "url": "/v1/refunds", "has_more": False, "data": found}
        raise StripeFailure(404, "invalid_request_error", f"Unrecognized request URL ({path})")

    def _create_session(self, params: dict) -> dict:
        now = int(self.clock())
        for name in ("success_url", "line_items"):
            if not params.get(name):
                raise StripeFailure(
                    400, "invalid_request_error", f"Missing required param: {name}."
                )
        if params.get("mode") != "payment":
            raise StripeFailure(400, "invalid_request_error", "mode must be payment")
        expires_at = int(params.get("expires_at") or now + MAX_EXPIRY)
        if not now + MIN_EXPIRY <= expires_at <= now + MAX_EXPIRY:
            raise StripeFailure(
                400,
                "invalid_request_error",
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
                "parameter_invalid_integer",
            )
        currencies = {item["price_data"]["currency"] for item in params["line_items"]}
        subtotal = sum(
            int(item["price_data"]["unit_amount"]) * int(item["quantity"])
            for item in params["line_items"]
        )
        shipping = 0
        for option in params.get("shipping_options") or []:
            shipping = int(option["shipping_rate_data"]["fixed_amount"]["amount"])
            currencies.add(option["shipping_rate_data"]["fixed_amount"]["currency"])
        if len(currencies) != 1:
            raise StripeFailure(400, "invalid_request_error", "All prices must be in one currency.")
        currency = currencies.pop()
        if currency == "mad" and subtotal + shipping < MIN_AMOUNT_MAD:
            raise StripeFailure(
                400, "invalid_request_error", "Amount too small", "amount_too_small"
            )
        session = copy.deepcopy(SHAPES["checkout.session"])
        session_id = "cs_test_" + secrets.token_hex(24)
        session.update(
            id=session_id,
            url=(self.hosted_base or f"{self.url}/pay/") + session_id,
            created=now,
            expires_at=expires_at,
            amount_subtotal=subtotal,
            amount_total=subtotal + shipping,
            currency=currency,
            client_reference_id=params.get("client_reference_id"),
            customer_email=params.get("customer_email"),
            metadata=params.get("metadata") or {},
            locale=params.get("locale"),
            success_url=params["success_url"],
            cancel_url=params.get("cancel_url"),
            payment_intent=_id("pi"),
            payment_status="unpaid",
            status="open",
        )
        session["total_details"]["amount_shipping"] = shipping
        self.sessions[session_id] = session
        return copy.deepcopy(session)

    def _refund(self, params: dict) -> dict:
        charge = self.charges.get(params.get("payment_intent") or "")
        if charge is None or not charge["paid"]:
            raise StripeFailure(
                400, "invalid_request_error", "No such payment_intent", "resource_missing"
            )
        amount = int(params.get("amount") or charge["amount"] - charge["amount_refunded"])
        if amount <= 0 or charge["amount_refunded"] + amount > charge["amount"]:
            raise StripeFailure(
                400,
                "invalid_request_error",
                "Refund exceeds the charge.",
                "charge_already_refunded",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund = copy.deepcopy(SHAPES["refund"])
        refund.update(
            id=_id("re"),
            amount=amount,
            charge=charge["id"],
            currency=charge["currency"],
            payment_intent=charge["payment_intent"],
            metadata=params.get("metadata") or {},
            created=int(self.clock()),
            status="succeeded",
        )
        self.refunds[refund["id"]] = refund
        return copy.deepcopy(refund)

    def hold_response(self) -> None:
        """Wait (bounded) before answering: the client times out while the work is done."""
        self._release.wait(5)


class _Handler(BaseHTTPRequestHandler):
    stripe: FakeStripe
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _answer(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        pairs = parse_qsl(body or parts.query, keep_blank_values=True)
        if method == "GET" and parts.path.startswith("/pay/"):
            return self._send(200, None, html=True)
        status, payload, delay = self.stripe.handle(
            method,
            parts.path,
            pairs,
            self.headers.get("Idempotency-Key"),
            self.headers.get("Authorization", ""),
        )
        if delay:
            self.stripe.hold_response()
        self._send(status, payload)

    def _send(self, status: int, payload: dict | None, html: bool = False) -> None:
        if html:
            data = (
                b"<!doctype html><title>Fake Stripe Checkout</title><h1>Fake Stripe Checkout</h1>"
            )
            ctype = "text/html; charset=utf-8"
        else:
            data = json.dumps(payload).encode()
            ctype = "application/json"
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_" + secrets.token_hex(6))
            if status >= 500:
                self.send_header("Stripe-Should-Retry", "true")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: N802
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")
