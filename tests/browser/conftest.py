"""Journeys in a real headless Chromium against the app served on 127.0.0.1.

Every journey runs with the protections on as deployed: CSRF, the page cache and rate limits,
counted in Redis (database 2) under a key prefix of the test's own, so tests never share a
counter. A test that must switch one off says why in a comment.

Fixtures: `live_server` (the test's app and fresh database, served by werkzeug in a thread)
and `limits` (the test's rate-limit prefix and its Redis keys); `browser`, `new_page` and
`shot` come from tests/chromium.py, shared with tests/deployed.
Seed data before browsing with `with live_server.seed() as session: ...` or the `demo` fixture.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import redis
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from storefront.extensions import db

# Rate-limit counters of the browser journeys; tests/deployed uses database 3.
LIMITS_REDIS_URL = "redis://127.0.0.1:6379/2"
START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def pytest_collection_modifyitems(items) -> None:
    """Every test in this folder is a browser journey."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@dataclass
class Limits:
    """The rate-limit counters of one test: its key prefix in the Redis limits database."""

    prefix: str
    redis: redis.Redis = field(repr=False)

    def keys(self) -> list[str]:
        """The Redis keys counted under this test's prefix."""
        return sorted(
            key.decode() for key in self.redis.scan_iter(match=f"*LIMITER/{self.prefix}/*")
        )


@pytest.fixture(scope="session")
def limits_redis() -> Iterator[redis.Redis]:
    """The Redis database that holds the browser journeys' rate-limit counters."""
    client = redis.Redis.from_url(LIMITS_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        client.close()
        pytest.fail(f"browser journeys count rate limits in Redis; start it: {START_REDIS}")
    yield client
    client.close()


@pytest.fixture
def limits(limits_redis) -> Iterator[Limits]:
    """A rate-limit key prefix of this test's own; its counters are deleted afterwards."""
    counters = Limits(prefix=f"browser-{uuid.uuid4().hex}", redis=limits_redis)
    yield counters
    stale = counters.keys()
    if stale:
        limits_redis.delete(*stale)


@pytest.fixture
def app_config(app_config, limits) -> dict:
    """The shop as deployed: CSRF and the page cache on (their defaults), rate limits on Redis."""
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": LIMITS_REDIS_URL,
        "RATELIMIT_KEY_PREFIX": limits.prefix,
    }


@dataclass
class LiveServer:
    """The app served by a werkzeug server in a background thread."""

    app: Flask
    url: str
    server: BaseWSGIServer = field(repr=False)

    @contextmanager
    def seed(self) -> Iterator[Session]:
        """A database session in its own app context; commits when the block ends cleanly."""
        with self.app.app_context():
            try:
                yield db.session
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()


def protections_off(config) -> list[str]:
    """The production protections an app runs without."""
    checks = {
        "CSRF": config.get("WTF_CSRF_ENABLED", True),
        "page cache": config.get("PAGE_CACHE", True),
        "rate limits": config.get("RATELIMIT_ENABLED", True),
        "rate limits on Redis": str(config.get("RATELIMIT_STORAGE_URI")).startswith("redis://"),
    }
    return [name for name, on in checks.items() if not on]


@pytest.fixture
def live_server(app, request) -> Iterator[LiveServer]:
    """Serve the test's app (and its fresh database) on a free port until the test ends.

    The app must run with every production protection on; a test that switches one off says
    which and why with `@pytest.mark.protections_off("CSRF", reason="...")`.
    """
    marker = request.node.get_closest_marker("protections_off")
    allowed = set(marker.args) if marker and marker.kwargs.get("reason") else set()
    missing = [name for name in protections_off(app.config) if name not in allowed]
    assert not missing, f"a browser journey runs the shop as deployed; off here: {missing}"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    access_log = logging.getLogger("werkzeug")
    level = access_log.level
    # One line per image and stylesheet would bury a failing test's own output.
    access_log.setLevel(logging.WARNING)
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in mail, receipts and QR codes point at the shop the browser is using.
    app.config["PUBLIC_URL"] = url
    thread.start()
    try:
        yield LiveServer(app=app, url=url, server=server)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        access_log.setLevel(level)
        assert not thread.is_alive(), "the live server did not stop"
