"""Sign-in limits: failures only, per account and per account and address, never across
accounts; a clear 429 page. Counters live in Redis, as in production."""

from __future__ import annotations

import pytest

from tests.factories import make_user

GOOD = "correct horse battery"


@pytest.fixture
def app_config(app_config, limits):
    return {**app_config, **limits.config}


@pytest.fixture
def desk(session):
    user = make_user(session, email="desk@example.com", role="staff")
    session.commit()
    return user


def _sign_in(client, password, address="10.0.0.1", query="", email="desk@example.com"):
    return client.post(
        f"/login{query}",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_signing_in_and_out_all_day_is_never_limited(client, desk):
    for _ in range(12):
        assert _sign_in(client, GOOD).status_code == 302
        client.get("/login")  # the next page, and with it the fresh session's token
        client.post("/logout")


def test_five_failures_pause_one_account_from_that_address_only(client, desk):
    for _ in range(5):
        assert _sign_in(client, "guess", address="10.0.0.9").status_code == 422
    refused = _sign_in(client, GOOD, address="10.0.0.9", query="?lang=ar")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    html = refused.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "انتظر 15 دقيقة" in html
    assert 'name="password"' in html  # the form is there to try again later
    assert _sign_in(client, GOOD, address="10.0.0.10").status_code == 302


def test_one_account_guessed_from_many_addresses_pauses_everywhere(client, desk):
    for n in range(10):
        assert _sign_in(client, "guess", address=f"10.0.1.{n}").status_code == 422
    assert _sign_in(client, GOOD, address="10.0.2.1").status_code == 429


def test_other_accounts_failing_from_an_address_never_block_a_correct_password(client, desk):
    for n in range(40):
        response = _sign_in(client, "x", email=f"u{n}@example.com", address="10.0.3.1")
        assert response.status_code == 422
    assert _sign_in(client, GOOD, address="10.0.3.1").status_code == 302


def test_the_counters_are_in_redis(app, client, desk):
    import redis

    _sign_in(client, "guess")
    store = redis.Redis.from_url(app.config["RATELIMIT_STORAGE_URI"])
    keys = [k.decode() for k in store.scan_iter(f"*{app.config['RATELIMIT_KEY_PREFIX']}*")]
    assert any("account-address:10.0.0.1:desk@example.com" in k for k in keys), keys
    assert any("account:desk@example.com" in k for k in keys), keys


def test_attempts_refused_while_paused_do_not_pause_the_account_everywhere(client, desk):
    for _ in range(5):
        assert _sign_in(client, "guess", address="10.0.4.1").status_code == 422
    for _ in range(8):  # still trying from the paused address: refused, and not counted
        assert _sign_in(client, "guess", address="10.0.4.1").status_code == 429
    assert _sign_in(client, GOOD, address="10.0.4.2").status_code == 302


def test_an_email_with_spaces_around_it_signs_in(client, desk):
    assert _sign_in(client, GOOD, email="  Desk@Example.com ").status_code == 302
