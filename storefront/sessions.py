"""The session cookie: Flask's signed cookie, with its signer built once per secret key."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's `SecureCookieSessionInterface`, the same cookies and keys.

    Flask builds the signing serializer on every request, opening and saving alike; this keeps
    the one built for the app's current SECRET_KEY and SECRET_KEY_FALLBACKS and builds it again
    only when they change. The serializer holds no per-request state, so threads share it.
    """

    def __init__(self) -> None:
        self._keys: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The app's serializer, None without a secret key (as Flask's)."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._keys:
            self._serializer = super().get_signing_serializer(app)
            self._keys = keys
        return self._serializer
