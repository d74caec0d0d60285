"""Sign-in, rate limits, invitations and password reset over HTTP."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.mail.models import OutboxMessage
from tests.factories import make_artisan, make_user


def test_sign_in_and_out(client, session):
    make_user(session, email="staff@example.com", role="staff")
    session.commit()
    bad = client.post("/login?lang=en", data={"email": "staff@example.com", "password": "x"})
    assert bad.status_code == 422
    assert "Wrong email or password." in bad.get_data(as_text=True)
    assert 'value="staff@example.com"' in bad.get_data(as_text=True)
    ok = client.post(
        "/login", data={"email": "staff@example.com", "password": "correct horse battery"}
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    assert client.get("/admin/").status_code == 302


def test_next_only_follows_local_paths(client, session):
    make_user(session, email="s@example.com")
    session.commit()
    data = {"email": "s@example.com", "password": "correct horse battery"}
    response = client.post("/login?next=https://evil.example/x", data=data)
    assert response.headers["Location"].endswith("/admin/")


class TestRateLimit:
    """Sign-in with the rate limits on (the other tests switch them off)."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True}

    def test_login_is_rate_limited_with_a_clear_message(self, client):
        codes = [
            client.post("/login?lang=fr", data={"email": "x@example.com", "password": "bad"})
            for _ in range(6)
        ]
        assert [r.status_code for r in codes[:5]] == [422] * 5
        assert codes[5].status_code == 429
        assert "Trop de tentatives" in codes[5].get_data(as_text=True)


def _link(session, path: str) -> str:
    """The path of the link in the newest mail, which must start with PUBLIC_URL."""
    body = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body
    link = re.search(rf"https?://[^\s]+{path}[^\s]+", body).group(0)
    base = current_app.config["PUBLIC_URL"]
    assert link.startswith(base + path), link
    return link.removeprefix(base)


def test_invitation_then_account_then_single_use(client, session, login):
    admin = make_user(session, role="admin")
    artisan = make_artisan(session, name="Aicha Lemrabet")
    session.commit()
    login(admin)
    sent = client.post(
        "/admin/invitations",
        data={"email": "aicha@example.com", "role": "artisan", "artisan_id": artisan.id},
    )
    assert sent.status_code == 302
    link = _link(session, "/invitations/")
    client.post("/logout")
    page = client.get(link + "?lang=ar")
    assert "أنشئ حسابك" in page.get_data(as_text=True)
    short = client.post(
        link, data={"name": "Aicha", "locale": "ar", "password": "short", "confirm": "short"}
    )
    assert short.status_code == 422
    done = client.post(
        link,
        data={
            "name": "Aicha",
            "locale": "ar",
            "password": "a long password",
            "confirm": "a long password",
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/dashboard/")
    user = session.scalar(select(User).where(User.email == "aicha@example.com"))
    assert (user.role, user.artisan_id) == ("artisan", artisan.id)
    client.post("/logout")
    assert client.get(link).status_code == 404


def test_forged_invitation_is_404(client):
    assert client.get("/invitations/not-a-token?lang=en").status_code == 404


def test_password_reset_by_email_link_works_once(client, session):
    make_user(session, email="s@example.com", locale="fr")
    session.commit()
    response = client.post("/password-reset", data={"email": "s@example.com"})
    assert response.status_code == 302
    same = client.post("/password-reset", data={"email": "unknown@example.com"})
    assert same.status_code == 302  # no hint whether the account exists
    link = _link(session, "/password-reset/")
    data = {"password": "my new password!", "confirm": "my new password!"}
    assert client.post(link, data=data).status_code == 302
    assert client.post(link, data=data).status_code == 404
    ok = client.post("/login", data={"email": "s@example.com", "password": "my new password!"})
    assert ok.status_code == 302


def test_a_reset_link_shows_nothing_of_the_password_hash(client, session):
    """The link's payload is signed, not secret: it must not help test guesses offline."""
    import base64
    import json

    user = make_user(session, email="s@example.com", locale="fr")
    session.commit()
    client.post("/password-reset", data={"email": "s@example.com"})
    token = _link(session, "/password-reset/").rsplit("/", 1)[1]
    encoded = token.split(".")[0]
    payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert set(payload) == {"u", "f"} and len(payload["f"]) == 16
    hashed = user.password_hash
    pieces = {hashed[i : i + 6] for i in range(len(hashed) - 5)}
    assert not any(piece in payload["f"] for piece in pieces)


def test_reset_link_ignores_a_forged_host(client, session):
    make_user(session, email="s@example.com", locale="fr")
    session.commit()
    # The attacker's own browser, talking to the shop with a forged Host header.
    forged = "http://evil.example"
    client.get("/password-reset", base_url=forged)
    sent = client.post("/password-reset", data={"email": "s@example.com"}, base_url=forged)
    assert sent.status_code == 302
    body = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body
    assert "evil.example" not in body
    assert "http://127.0.0.1:5000/password-reset/" in body


def test_create_user_command(runner, session):
    result = runner.invoke(
        args=[
            "create-user",
            "--role",
            "admin",
            "--email",
            "boss@example.com",
            "--password",
            "a long password",
        ]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        args=[
            "create-user",
            "--role",
            "admin",
            "--email",
            "boss@example.com",
            "--password",
            "a long password",
        ]
    )
    assert again.exit_code != 0
