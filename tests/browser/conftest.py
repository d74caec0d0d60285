"""Journeys in a real headless Chromium against the app served on 127.0.0.1.

Every journey runs with the protections on as deployed: CSRF, the page cache and rate limits,
counted in Redis (database 2) under a key prefix of the test's own, so tests never share a
counter. A test that must switch one off says why in a comment.

Fixtures: `live_server` (the test's app and fresh database, served by werkzeug in a thread),
`browser` (one Debian Chromium for the run), `new_page` (a page with a phone, tablet or desktop
viewport and a locale), `shot` (numbered screenshots under test-artifacts/screenshots/) and
`limits` (the test's rate-limit prefix and its Redis keys).
Seed data before browsing with `with live_server.seed() as session: ...` or the `demo` fixture.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from storefront.extensions import db, limiter

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "tablet": {"width": 1024, "height": 768},
    "desktop": {"width": 1280, "height": 800},
}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Rate-limit counters of the browser journeys; tests/deployed uses database 3.
LIMITS_REDIS_URL = "redis://127.0.0.1:6379/2"
START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
# A loaded 2-core machine renders slowly; waits are conditions, so a long ceiling costs nothing.
TIMEOUT_MS = 15_000
REPORTS = pytest.StashKey[dict]()


def pytest_collection_modifyitems(items) -> None:
    """Every test in this folder is a browser journey."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so teardown knows whether the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def artifact_dir(node) -> Path:
    """The screenshot folder of one test: test-artifacts/screenshots/<test name>/."""
    return ARTIFACTS / re.sub(r"[^\w.-]+", "_", node.name)


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
    # The limiter is one module-level object and keeps the first key prefix it was given
    # (init_app reads the config only while its own is empty), so without this every test in
    # a worker would count under the first test's prefix. A deployed process builds one app.
    limiter._key_prefix = ""
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


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the run (Debian's package; never a downloaded build)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests need the playwright package"
    )
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def new_page(browser, request):
    """Open a page: `new_page("phone", locale="ar-MA")` or `new_page((800, 600))`.

    The test fails if a page breaks the Content Security Policy or throws a script error;
    when the test itself fails, every open page is saved as failure-<n>.png.
    """
    from playwright.sync_api import Error as PlaywrightError

    contexts = []
    problems: list[str] = []
    folder = artifact_dir(request.node)
    for old in folder.glob("failure-*.png"):
        old.unlink()

    def watch(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def opener(viewport: str | tuple[int, int] = "desktop", locale: str = "fr-FR"):
        if isinstance(viewport, str):
            size = VIEWPORTS[viewport]
        else:
            size = {"width": viewport[0], "height": viewport[1]}
        context = browser.new_context(viewport=size, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("console", watch)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        return page

    yield opener
    report = request.node.stash.get(REPORTS, {}).get("call")
    if report is not None and report.failed:
        pages = [page for context in contexts for page in context.pages]
        if pages:
            folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages, 1):
            # Best effort: a crashed page must not hide the test's own failure.
            with suppress(PlaywrightError):
                page.screenshot(path=str(folder / f"failure-{number}.png"), full_page=True)
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def shot(request):
    """Save a numbered full-page screenshot of a step: `shot(page, "search-results")`."""
    folder = artifact_dir(request.node)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
