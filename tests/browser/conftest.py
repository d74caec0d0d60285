"""Journeys in a real headless Chromium against the app served on 127.0.0.1.

Every journey runs with the protections on as deployed: CSRF, the page cache and rate limits,
counted in Redis (database 2) under a key prefix of the test's own, so tests never share a
counter. A test that must switch one off says why in a comment.

Fixtures: `live_server` (the test's app and fresh database, served by werkzeug in a thread)
and `limits` (root conftest: the test's rate-limit prefix and its Redis keys); `browser`,
`new_page` and `shot` come from tests/chromium.py, shared with tests/deployed.
Seed data before browsing with `with live_server.seed() as session: ...` or the `demo` fixture.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from storefront.extensions import db


def pytest_collection_modifyitems(items) -> None:
    """Every test in this folder is a browser journey."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def app_config(app_config, limits) -> dict:
    """The shop as deployed: CSRF and the page cache on (their defaults), rate limits on Redis."""
    return {**app_config, **limits.config}


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
