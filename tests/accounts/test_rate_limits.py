"""Sign-in limits: failures only, per address and per account, with a clear 429 page."""

from __future__ import annotations

import pytest

from tests.factories import make_user

GOOD = "correct horse battery"


@pytest.fixture
def app_config(app_config):
    """Rate limits on, as in production (memory storage)."""
    return {**app_config, "RATELIMIT_ENABLED": True}


def _sign_in(client, password, address="10.0.0.1", query=""):
    return client.post(
        f"/login{query}",
        data={"email": "desk@example.com", "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_signing_in_and_out_all_day_is_never_limited(client, session):
    make_user(session, email="desk@example.com", role="staff")
    session.commit()
    for _ in range(8):
        assert _sign_in(client, GOOD).status_code == 302
        client.post("/logout")


def test_one_account_is_protected_from_many_addresses(client, session):
    make_user(session, email="desk@example.com", role="staff")
    session.commit()
    for n in range(5):
        assert _sign_in(client, "guess", address=f"10.0.1.{n}").status_code == 422
    refused = _sign_in(client, GOOD, address="10.0.2.1", query="?lang=ar")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    html = refused.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "انتظر 15 دقيقة" in html
    assert 'name="password"' in html  # the form is there to try again later


def test_one_address_is_limited_across_accounts(client):
    for n in range(20):
        response = client.post("/login", data={"email": f"u{n}@example.com", "password": "x"})
        assert response.status_code == 422
    blocked = client.post("/login?lang=fr", data={"email": "u99@example.com", "password": "x"})
    assert blocked.status_code == 429
    assert "attendez 15 minutes" in blocked.get_data(as_text=True)
