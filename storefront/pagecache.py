"""Rendered-page cache for anonymous visitors of the public catalog.

A page is stored per (URL, language, cart size) with the catalog version it was rendered at and
what it shows. Database triggers add a row to catalog_changes for every visible change to
products, images, artisans, shops or crafts, naming the piece, artisan and shop it touched
(migration 0015). A stored page is dropped when a change after it names something it shows:

- a piece's page shows the piece, its maker and their shop (and the maker's other pieces,
  whose changes name the maker): `page_shows(("p", id), ("a", id), ("s", id))`;
- a maker's page, their shop; a shop's page, the shop, its makers and pieces, and the zone map
  (any shop's change);
- every other page (home, the catalog and its searches, the zone) is a list: any change drops it;
- a change naming nothing (a craft, or more changes at once than are followed) drops every page.

So a sale that leaves a piece's visible stock as it was records nothing; one that sells the last
piece drops that piece's page, its maker's and shop's pages and the lists, and no other.

A cache hit sends no SQL: each process keeps the changes it last read and reads the new ones
when its copy is older than PAGE_CACHE_MAX_STALE_MS (250 ms by default), or at once after any
commit made in this process. So a change made through this process shows on its very next page,
and one made by another process (another app server, the worker, a command) within that bound.

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
from sqlalchemy import event, text
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
CHANGES_SQL = (
    f"SELECT id, product_id, artisan_id, shop_id FROM {CatalogChange.__tablename__} "
    "WHERE id > :after ORDER BY id LIMIT :most"
)
# The most changes one read follows one by one; beyond it, every page is treated as changed.
FOLLOWED_PER_READ = 500


def catalog_version() -> int:
    """The id of the newest catalog change (0 for an untouched catalog), read now.

    Plain SQL, skipping the ORM; cached pages use `KnownVersion`, which calls it rarely.
    """
    return db.session.connection().exec_driver_sql(VERSION_SQL).scalar() or 0


def _change_tags(product_id: int | None, artisan_id: int | None, shop_id: int | None) -> list:
    """The page tags one catalog change concerns (none: it concerns every page)."""
    tags = []
    if product_id is not None:
        tags.append(("p", product_id))
    if artisan_id is not None:
        tags.append(("a", artisan_id))
    if shop_id is not None:
        tags.append(("s", shop_id))
        if product_id is None and artisan_id is None:
            tags.append(("zonemap",))  # the shop itself: its name and craft are on every map
    return tags


class KnownVersion:
    """This process's copy of the catalog changes, at most `max_stale` seconds old.

    `current()` returns the newest change id, first reading the changes made since the last
    read when that was more than `max_stale` seconds ago (by `clock`, monotonic seconds) or was
    `expire()`d. `fresh(rendered_at, tags)` says whether a page rendered at a version, showing
    `tags` (None: a list, which shows everything), is still what it would be now. Thread-safe.
    """

    def __init__(self, max_stale: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_stale = max_stale
        self.clock = clock
        self._value: int | None = None
        self._everything_at = 0
        self._tag_at: dict[tuple, int] = {}
        self._read_at = -math.inf
        self._lock = threading.Lock()

    def current(self) -> int:
        """The newest catalog change id, reading new changes when the copy is too old."""
        now = self.clock()
        if now - self._read_at > self.max_stale:
            self._read()
            self._read_at = now
        return self._value or 0

    def _read(self) -> None:
        connection = db.session.connection()
        if self._value is None:
            # Pages this process stores from now on are rendered at this version or later.
            value = catalog_version()
            with self._lock:
                if self._value is None:
                    self._value = self._everything_at = value
            return
        rows = connection.execute(
            text(CHANGES_SQL), {"after": self._value, "most": FOLLOWED_PER_READ}
        ).all()
        if not rows:
            return
        with self._lock:
            if len(rows) == FOLLOWED_PER_READ:  # a bulk change: start afresh from the newest
                newest = catalog_version()
                self._value = self._everything_at = max(self._value, newest)
                self._tag_at.clear()
                return
            for change_id, product_id, artisan_id, shop_id in rows:
                tags = _change_tags(product_id, artisan_id, shop_id)
                if not tags:
                    self._everything_at = max(self._everything_at, change_id)
                for tag in tags:
                    if self._tag_at.get(tag, 0) < change_id:
                        self._tag_at[tag] = change_id
            self._value = max(self._value, rows[-1][0])

    def fresh(self, rendered_at: int, tags: frozenset | None) -> bool:
        """Whether a page rendered at `rendered_at`, showing `tags`, is unchanged since."""
        if rendered_at < self._everything_at:
            return False
        if tags is None:
            return rendered_at >= (self._value or 0)
        tag_at = self._tag_at
        return all(tag_at.get(tag, 0) <= rendered_at for tag in tags)

    def expire(self) -> None:
        """Make the next `current()` read the database."""
        self._read_at = -math.inf


def page_shows(*tags: tuple) -> None:
    """Declare what the page being rendered shows, so that only changes to them drop it.

    Tags: ("p", product id), ("a", artisan id), ("s", shop id), ("zonemap",). A cached page
    that declares nothing is a list: every catalog change drops it.
    """
    g.page_tags = frozenset(tags)


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


def _etag(key: tuple, version: int) -> str:
    """The entity tag of one visitor's copy of a cached page rendered at `version`.

    The page is the same for everyone with the same key, but for the CSRF token in its forms:
    the tag covers the key, the version and the session's raw token, so a new session never
    gets a 304 for a copy carrying a token it cannot use.
    """
    raw = session.get(current_app.config["WTF_CSRF_FIELD_NAME"], "")
    return hashlib.blake2b(repr((key, version, raw)).encode(), digest_size=12).hexdigest()


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
        known: KnownVersion = current_app.extensions["catalog_version"]
        version = known.current()
        key = (request.full_path, current_lang(), _cart_size())
        entry = store.get(key)
        if entry is None or not known.fresh(entry[2], entry[3]):
            g.pop("page_tags", None)
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or response.mimetype != "text/html":
                return response
            body = response.get_data(as_text=True)
            # The token this render made is this visitor's own: they get the page as it is.
            token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
            stored = body.replace(token, CSRF_MARKER) if token else body
            entry = (stored, response.headers.get("Content-Type"), version, g.get("page_tags"))
            store.put(key, entry)
            return _conditional(response, _etag(key, version))
        body, content_type, rendered_at, _tags = entry
        if request.if_none_match:
            tag = _etag(key, rendered_at)
            if request.if_none_match.contains_weak(tag):
                # A revisit: the copy this visitor holds is current, and so is its token.
                return _conditional(current_app.response_class(status=304), tag)
        if CSRF_MARKER in body:
            body = body.replace(CSRF_MARKER, generate_csrf())
        # After generate_csrf: a visitor new to the shop has a session token only now.
        response = current_app.response_class(body, content_type=content_type)
        return _conditional(response, _etag(key, rendered_at))

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
