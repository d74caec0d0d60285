"""A test client that sends forms as a browser does: with the CSRF token its pages gave it."""

from __future__ import annotations

import re
from contextlib import contextmanager

from flask.testing import FlaskClient

TOKEN_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)
# Any page with a form carries the session's token; the sign-in page has a form for everyone.
TOKEN_PAGE = "/login"


def token_in(html: str) -> str | None:
    """The CSRF token of the first form in a page, or None."""
    match = TOKEN_FIELD.search(html)
    return (match.group(1) or match.group(2)) if match else None


class BrowserClient(FlaskClient):
    """Remembers the CSRF token of the last page it was served and puts it in each form it posts.

    A post to a page the client never opened first opens the sign-in page for a token, as a
    visitor's browser would have one from whatever page they came from. Pass `csrf=False` to
    post without a token, or a `csrf_token` field of your own.
    """

    csrf_token: str | None = None

    def open(self, *args, csrf: bool = True, **kwargs):
        """Send a request; a form post gets this visitor's CSRF token unless it has one."""
        method = (kwargs.get("method") or "GET").upper()
        data = kwargs.get("data")
        if csrf and method == "POST" and _is_form(kwargs) and "csrf_token" not in (data or {}):
            token = self.csrf_token or self._fetch_token()
            kwargs["data"] = {**(data or {}), "csrf_token": token}
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html":
            token = token_in(response.get_data(as_text=True))
            if token:
                self.csrf_token = token
        return response

    @contextmanager
    def session_transaction(self, *args, **kwargs):
        """Edit the session directly; the token remembered from a page may no longer hold."""
        with super().session_transaction(*args, **kwargs) as flask_session:
            yield flask_session
        self.csrf_token = None

    def _fetch_token(self) -> str:
        page = super().open(TOKEN_PAGE, method="GET")
        token = token_in(page.get_data(as_text=True))
        assert token, "the sign-in page carries no CSRF token"
        return token


def _is_form(kwargs: dict) -> bool:
    data = kwargs.get("data")
    if kwargs.get("json") is not None or isinstance(data, str | bytes):
        return False
    content_type = kwargs.get("content_type") or ""
    return not content_type or content_type.startswith(("multipart/", "application/x-www-form"))
