"""Absolute links for mail, receipts, QR codes and payment pages, built from PUBLIC_URL alone."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_base() -> str:
    """PUBLIC_URL without its trailing slash, e.g. "https://shop.example.ma"."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def public_url(endpoint: str, **values) -> str:
    """The absolute address of a route on the public site, inside a request or outside one.

    Never follows the request's Host header, so a forged Host cannot put another site's
    address into a reset link or a receipt. Raises werkzeug's BuildError for an unknown route.
    """
    base = urlsplit(public_base())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def public_path_url(path: str) -> str:
    """The absolute address of a path already built (a media file, for instance)."""
    return public_base() + "/" + path.lstrip("/")


def safe_next(target: str | None) -> str | None:
    """A `next` address to go back to, if it is a path on this site; None otherwise.

    Refuses absolute and scheme-relative URLs, backslashes (browsers read them as slashes) and
    any control character or space: browsers drop tabs and newlines from a URL, so
    "/\\t/evil.example" would become "//evil.example", another site.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if any(ch <= " " or ch == "\x7f" or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target
