"""Rendered-page cache for anonymous visitors of the public catalog.

A page is stored per (URL, language, cart size, catalog version). The version is the newest
row of catalog_changes, which database triggers add on every change to products, images,
artisans, shops or crafts, so a cached page is not served after the data under it changed.

A cache hit sends no SQL: each process keeps the version it last read and reads it again when
it is older than PAGE_CACHE_MAX_STALE_MS (250 ms by default), or at once after any commit made
in this process. So a change made through this process shows on its very next page, and one
made by another process (another app server, the worker, a command) within that bound.

Each copy served carries a weak ETag of its key and the visitor's session token, and
`Cache-Control: private, no-cache`: a browser revisiting an unchanged page gets a 304.
Per-visitor bits are kept out: signed-in users and pending flash messages bypass the cache. The
CSRF token is the one per-visitor value a cached page holds: whatever rendered it (a template's
csrf_token(), a form's hidden field), the token is swapped for a marker before the page is
stored, and each visitor gets their own token, and with it their own session, when it is served.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    make_response,
    request,
    session,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from .catalog.models import CatalogChange
from .extensions import db, limiter
from .i18n import current_lang

CSRF_MARKER = "\x00csrf-token\x00"
KEPT_HEADERS = ("Content-Type",)


class LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The value for key, or None."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        """Store a value, dropping the least recently used one when full."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


VERSION_SQL = f"SELECT max(id) FROM {CatalogChange.__tablename__}"


def catalog_version() -> int:
    """The id of the newest catalog change (0 for an untouched catalog), read now.

    Plain SQL, skipping the ORM; cached pages use `KnownVersion`, which calls it rarely.
    """
    return db.session.connection().exec_driver_sql(VERSION_SQL).scalar() or 0


class KnownVersion:
    """This process's copy of the catalog version, at most `max_stale` seconds old.

    `current()` returns the copy, reading the database again when the copy was read more than
    `max_stale` seconds ago (by `clock`, monotonic seconds) or was `expire()`d. Thread-safe:
    concurrent readers may both read the database, and either's value is correct.
    """

    def __init__(self, max_stale: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_stale = max_stale
        self.clock = clock
        self._value = 0
        self._read_at = -math.inf

    def current(self) -> int:
        """The catalog version, read from the database when the copy is too old."""
        now = self.clock()
        if now - self._read_at > self.max_stale:
            value = catalog_version()
            self._value, self._read_at = value, now
        return self._value

    def expire(self) -> None:
        """Make the next `current()` read the database."""
        self._read_at = -math.inf


@event.listens_for(Session, "after_commit")
def _expire_after_commit(_session: Session) -> None:
    # Any commit in this process may have changed the catalog: its next page reads the version.
    if has_app_context() and (known := current_app.extensions.get("catalog_version")):
        known.expire()


def _cacheable() -> bool:
    return (
        current_app.config.get("PAGE_CACHE", True)
        and request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def _cart_size() -> int:
    counter = current_app.jinja_env.globals.get("cart_count")
    return int(counter()) if callable(counter) else 0


def _etag(key: tuple) -> str:
    """The entity tag of one visitor's copy of a cached page.

    The page is the same for everyone with the same key, but for the CSRF token in its forms:
    the tag covers the key and the session's raw token, so a new session never gets a 304 for
    a copy carrying a token it cannot use.
    """
    raw = session.get(current_app.config["WTF_CSRF_FIELD_NAME"], "")
    return hashlib.blake2b(repr((key, raw)).encode(), digest_size=12).hexdigest()


def _conditional(response: Response, tag: str) -> Response:
    # Per visitor (the token), and checked again at every visit: a revisit answers 304.
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def cached_page(view: Callable) -> Callable:
    """Serve a public page from the cache when nothing it shows has changed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        store: LRU = current_app.extensions["page_cache"]
        version = current_app.extensions["catalog_version"].current()
        key = (request.full_path, current_lang(), _cart_size(), version)
        entry = store.get(key)
        if entry is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.mimetype != "text/html":
                return response
            body = response.get_data(as_text=True)
            # The token this render made is this visitor's own: they get the page as it is.
            token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
            stored = body.replace(token, CSRF_MARKER) if token else body
            store.put(key, (stored, response.headers.get("Content-Type")))
            return _conditional(response, _etag(key))
        if request.if_none_match:
            tag = _etag(key)
            if request.if_none_match.contains_weak(tag):
                # A revisit: the copy this visitor holds is current, and so is its token.
                return _conditional(current_app.response_class(status=304), tag)
        body, content_type = entry
        if CSRF_MARKER in body:
            body = body.replace(CSRF_MARKER, generate_csrf())
        # After generate_csrf: a visitor new to the shop has a session token only now.
        return _conditional(current_app.response_class(body, content_type=content_type), _etag(key))

    wrapped.page_cached = True
    return wrapped


@limiter.request_filter
def _reading_a_cached_page() -> bool:
    # No rate limit applies to reading the public catalog (its views declare none, and there
    # are no default limits), so the limiter need not resolve limits for these requests.
    view = current_app.view_functions.get(request.endpoint or "")
    return request.method in ("GET", "HEAD") and getattr(view, "page_cached", False)


def init_page_cache(app: Flask) -> None:
    """Create the per-process store and its copy of the catalog version."""
    app.extensions["page_cache"] = LRU(app.config.get("PAGE_CACHE_ENTRIES", 512))
    app.extensions["catalog_version"] = KnownVersion(app.config["PAGE_CACHE_MAX_STALE_MS"] / 1000)
