"""Configuration: each setting the shop cannot run with is refused at start with its message."""

from __future__ import annotations

import pytest
from flask import request

from storefront import create_app
from storefront.config import DEV_SECRET_KEY, ConfigError
from storefront.extensions import db, limiter

PRODUCTION = {
    "STOREFRONT_ENV": "production",
    "SECRET_KEY": "k" * 48,
    "PAYMENTS": "stripe",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/4",
    "JOBS_STORAGE_URI": "redis://127.0.0.1:6379/4",
    "PUBLIC_URL": "https://shop.example.ma",
    "TRUSTED_PROXY_HOPS": "1",
}


@pytest.fixture
def environment(monkeypatch, database_url, tmp_path):
    """Set the environment the app reads: `environment(**changes)` over a good production one."""

    def apply(base=PRODUCTION, **changes):
        for name in (*PRODUCTION, "RATELIMIT_KEY_PREFIX"):
            monkeypatch.delenv(name, raising=False)
        for name, value in {**base, **changes}.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))

    return apply


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"STOREFRONT_ENV": "Production"}, "STOREFRONT_ENV='Production' is not one of"),
        ({"STOREFRONT_ENV": "prod"}, "STOREFRONT_ENV='prod' is not one of"),
        ({"SECRET_KEY": None}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "x"}, "SECRET_KEY must be a random value of at least 32 bytes"),
        ({"SECRET_KEY": "k" * 31}, "at least 32 bytes"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY must be a random value"),
        ({"PAYMENTS": "bogus"}, "PAYMENTS='bogus' is not one of stripe, test"),
        ({"PAYMENTS": "test"}, "the test payment gateway cannot run in production"),
        ({"STRIPE_SECRET_KEY": None}, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI must be redis"),
        ({"RATELIMIT_STORAGE_URI": None}, "RATELIMIT_STORAGE_URI must be redis"),
        ({"JOBS_STORAGE_URI": None}, "JOBS_STORAGE_URI must be redis"),
        ({"JOBS_STORAGE_URI": "sqlite:///jobs.db"}, "JOBS_STORAGE_URI must be redis"),
        ({"PUBLIC_URL": None}, "PUBLIC_URL is required"),
        ({"TRUSTED_PROXY_HOPS": "one"}, "TRUSTED_PROXY_HOPS='one' must be a whole number"),
        ({"TRUSTED_PROXY_HOPS": "²"}, "must be a whole number"),
        ({"PAGE_CACHE_MAX_STALE_MS": "0.5"}, "PAGE_CACHE_MAX_STALE_MS='0.5' must be a whole"),
        ({"PAGE_CACHE_MAX_STALE_MS": "5001"}, "must be a whole number from 0 to 5000"),
        ({"RETURN_WINDOW_ONLINE_DAYS": "two weeks"}, "RETURN_WINDOW_ONLINE_DAYS='two weeks'"),
        ({"RETURN_WINDOW_SHOWROOM_DAYS": "-1"}, "must be a whole number from 0 to 365"),
        ({"RETURN_WINDOW_SHOWROOM_DAYS": "366"}, "must be a whole number from 0 to 365"),
        ({"PAYOUT_MINIMUM_MINOR": "100.00"}, "PAYOUT_MINIMUM_MINOR='100.00' must be a whole"),
        ({"RETURN_WINDOW_ONLINE_DAYS": "-1"}, "RETURN_WINDOW_ONLINE_DAYS='-1' must be a whole"),
        ({"RETURN_WINDOW_ONLINE_DAYS": "٣"}, "must be a whole number from 0 to 365"),
    ],
)
def test_production_refuses_each_bad_setting(environment, changes, message):
    environment(**changes)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        create_app()


def _close(app) -> None:
    # A request opened a database connection; an engine left open warns (an error under
    # filterwarnings) when it is collected, in whichever later test the collection happens.
    with app.app_context():
        db.engine.dispose()


def test_a_good_production_setup_starts_with_redis_limits_and_hsts(environment):
    environment()
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.app_context():
        assert type(limiter.storage).__name__ == "RedisStorage"
        assert limiter.storage.check()  # the Redis server answers
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    _close(app)


def test_development_fills_in_a_key_and_the_local_address(environment):
    environment(base={})
    app = create_app()
    assert app.config["STOREFRONT_ENV"] == "development"
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers
    _close(app)


def _client_seen_by(app) -> str:
    @app.get("/whoami")
    def whoami():
        return f"{request.remote_addr} {request.scheme}"

    headers = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"}
    seen = app.test_client().get("/whoami", headers=headers).get_data(as_text=True)
    _close(app)
    return seen


def test_the_real_client_address_comes_from_the_trusted_proxy_only(environment):
    environment(base={}, TRUSTED_PROXY_HOPS="1")
    assert _client_seen_by(create_app()) == "198.51.100.7 https"
    environment(base={})  # no proxy in front: the headers are anyone's to forge
    assert _client_seen_by(create_app()) == "127.0.0.1 http"
