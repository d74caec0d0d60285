"""The shop as the README deploys it: the built wheel, gunicorn, production settings.

One shop per test session (`deployed`): the package is built and installed apart from the
checkout, translations compiled, a fresh database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set) migrated and loaded with demo data, then served by two gunicorn
workers behind one trusted proxy hop, with rate limits in Redis and Stripe answered by the
fake Stripe server. Tests reach it only over HTTP: a real Chromium (`new_page`) or plain
HTTP visitors (`visitor`), and read its database only to check what it wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from tests.chromium import REPORTS
from tests.fake_stripe.server import FakeStripe
from tests.limits import redis_or_fail

from .shop import (
    DEMO_PRODUCTS,
    LIMITS_REDIS_URL,
    Deployed,
    build_and_install,
    free_port,
    fresh_database,
    gunicorn,
    production_env,
)
from .stripe_flow import STRIPE_HOSTED
from .web import Visitor


def pytest_collection_modifyitems(items) -> None:
    """Every test in this folder is marked `deployed` (with -n they share one worker)."""
    for item in items:
        if "tests/deployed" in str(item.fspath):
            item.add_marker(pytest.mark.deployed)


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeStripe]:
    """The fake Stripe API the deployed shop talks to, on 127.0.0.1."""
    server = FakeStripe(
        api_key="sk_test_fake", webhook_secret="whsec_fake", hosted_base=STRIPE_HOSTED
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def limits_store() -> Iterator[redis.Redis]:
    """The Redis database of the deployed shop's rate limits and job queue."""
    client = redis_or_fail(LIMITS_REDIS_URL, "the deployed shop keeps rate limits and jobs")
    yield client
    client.close()


@pytest.fixture(scope="session")
def deployed(tmp_path_factory, fake, limits_store) -> Iterator[Deployed]:
    """Build, install, migrate, load demo data and serve the shop for the whole session."""
    work = tmp_path_factory.mktemp("deployed")
    (work / "run").mkdir()
    site = build_and_install(work)
    port = free_port()
    with fresh_database(work) as database_url:
        env = production_env(
            site=site, database_url=database_url, port=port, stripe_url=fake.url, work=work
        )
        engine = sa.create_engine(database_url)
        shop = Deployed(env["PUBLIC_URL"], env, site=site, work=work, port=port, engine=engine)
        try:
            imported = Path(shop.python("import storefront; print(storefront.__file__)"))
            assert imported.is_relative_to(site), f"the checkout, not the wheel, runs: {imported}"
            shop.storefront("i18n", "compile")
            shop.storefront("db", "upgrade")
            shop.storefront("demo-data", "--products", str(DEMO_PRODUCTS))
            with gunicorn(shop):
                yield shop
        finally:
            shop.engine.dispose()
            # This session's counters, and the jobs its requests queued: no worker runs here,
            # and database 3 is the deployed tests' own.
            stale = [
                *limits_store.scan_iter(match=f"*{env['RATELIMIT_KEY_PREFIX']}*"),
                *limits_store.scan_iter(match="huey.*"),
            ]
            if stale:
                limits_store.delete(*stale)


@pytest.fixture(autouse=True)
def gunicorn_log_on_failure(request) -> Iterator[None]:
    """When a deployed test fails, print what gunicorn logged while it ran."""
    if "deployed" not in request.fixturenames:
        yield
        return
    shop: Deployed = request.getfixturevalue("deployed")
    offset = shop.log.stat().st_size
    yield
    report = request.node.stash.get(REPORTS, {}).get("call")
    if report is not None and report.failed:
        print(f"--- gunicorn log during {request.node.name} ---\n{shop.log_since(offset)}")


@pytest.fixture
def visitor(deployed):
    """A new plain HTTP visitor: `visitor()` or `visitor(address="203.0.113.9")` (via the proxy)."""

    def make(address: str | None = None) -> Visitor:
        return Visitor(deployed.url, address=address)

    return make
