"""Fixtures: a fresh, migrated database per test (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask_migrate import upgrade

from storefront import create_app
from storefront.extensions import db
from tests.browsing import BrowserClient
from tests.limits import LIMITS_REDIS_URL, Limits, redis_or_fail

# The Chromium fixtures, shared by tests/browser and tests/deployed (one Playwright a process).
pytest_plugins = ["tests.chromium"]
DEPLOYED = "tests/deployed/"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With -n, every tests/deployed test goes to one worker, so one shop is built and served.

    The rest is spread test by test as `--dist load` does. (xdist_group marks cannot do this
    on pytest 9: xdist renames node ids in a way pytest no longer reads.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneDeployedShop(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return DEPLOYED if nodeid.startswith(DEPLOYED) else nodeid

    return OneDeployedShop(config, log)


PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _psycopg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _migrate(url: str, media: Path) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "MEDIA_ROOT": str(media),
            "JOBS_STORAGE_URI": f"sqlite:///{media / 'jobs.db'}",
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    app.extensions["jobs"].close()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Iterator[str]:
    """Migrate one database per test run: a SQLite file to copy, or a PostgreSQL database."""
    media = tmp_path_factory.mktemp("media-migrate")
    if PG_URL:
        admin_url = _psycopg_url(PG_URL)
        name = f"storefront_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = admin_url.rsplit("/", 1)[0] + "/" + name
        try:
            _migrate(url, media)
            yield url
        finally:  # a run that cannot even migrate leaves no database behind either
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        _migrate(f"sqlite:///{path}", media)
        yield str(path)


def _empty_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
        ]
        if tables:
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    """A fresh database for one test: an emptied PostgreSQL database or a copied SQLite file."""
    if PG_URL:
        _empty_postgres(database_template)
        return database_template
    path = tmp_path / "test.db"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Settings for the test app; tests may change them before `app` is built."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECRET_KEY": "test-secret-" + "x" * 32,
        # In-process HTTP tests post far more forms a minute than any visitor, so limits are
        # off here; tests/accounts/test_rate_limits.py, the browser journeys and tests/deployed
        # run with them on, on Redis. CSRF and the page cache stay on, as deployed.
        "RATELIMIT_ENABLED": False,
        "PAYMENTS": "test",
        "SERVER_NAME": None,
        "JOBS_STORAGE_URI": f"sqlite:///{tmp_path / 'jobs.db'}",
    }


@pytest.fixture(scope="session")
def limits_redis():
    """The Redis database that holds the tests' rate-limit counters."""
    client = redis_or_fail(LIMITS_REDIS_URL, "rate limits are counted")
    yield client
    client.close()


@pytest.fixture
def limits(limits_redis) -> Iterator[Limits]:
    """A rate-limit key prefix of this test's own; its counters are deleted afterwards."""
    counters = Limits(prefix=f"test-{uuid.uuid4().hex}", redis=limits_redis)
    yield counters
    stale = counters.keys()
    if stale:
        limits_redis.delete(*stale)


@pytest.fixture
def app(app_config) -> Iterator[Flask]:
    """A fresh application bound to the test's database."""
    application = create_app(app_config)

    def fresh_request_globals() -> None:
        # The `session` fixture keeps one app context open, which Flask reuses for every
        # test request; in production each request has its own. Start each with a clean `g`
        # so cached language and signed-in user do not leak from one request to the next.
        for name in list(vars(g._get_current_object())):
            delattr(g, name)

    # First of all before-request functions: the others (the access guard) read the user.
    application.before_request_funcs.setdefault(None, []).insert(0, fresh_request_globals)
    application.test_client_class = BrowserClient

    yield application
    application.extensions["jobs"].close()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client that posts forms with the CSRF token of the pages it was served."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def run_jobs(app):
    """Run the jobs waiting in the app's queue here, as the worker would: `run_jobs()` -> names."""

    def run() -> list[str]:
        huey = app.extensions["jobs"].huey
        names = []
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            names.append(task.name)
        return names

    return run


@pytest.fixture
def session(app):
    """The app's database session inside an app context, for service tests."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory) -> Path:
    """One picture folder for the run: demo pictures are drawn once, then found on disk."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture
def demo(app, session, demo_media):
    """Load a small demo centre (100 shops, 62 artisans, 80 pieces) and commit it."""
    from storefront.catalog.demo import load_demo

    app.config["MEDIA_ROOT"] = str(demo_media)
    counts = load_demo(session, products=80, media_root=demo_media)
    session.commit()
    return counts


@pytest.fixture
def login(client):
    """Sign a user in on the test client: `login(user)`; Flask-Login reads the session."""

    def sign_in(user) -> None:
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True

    return sign_in


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting
