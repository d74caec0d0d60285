"""Signed links for invitations and password resets."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

INVITATION_SALT = "invitation"
RESET_SALT = "password-reset"
RESET_MAX_AGE = 2 * 3600


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(payload: dict, salt: str) -> str:
    """A URL-safe signed token carrying payload."""
    return _serializer(salt).dumps(payload)


def unsign(token: str, salt: str, *, max_age: int | None = None) -> dict | None:
    """The payload of a valid token, or None when forged, altered or too old."""
    try:
        data = _serializer(salt).loads(token[:512], max_age=max_age)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None
