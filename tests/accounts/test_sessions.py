"""Sessions end everywhere on sign-out, a password or role change, or a switched-off account;
the session and CSRF token are new at every sign-in."""

from __future__ import annotations

import pytest

from storefront.accounts import services
from tests.browsing import token_in
from tests.factories import make_user

GOOD = "correct horse battery"


@pytest.fixture
def desk(session):
    user = make_user(session, email="desk@example.com", role="staff")
    manager = make_user(session, email="boss@example.com", role="admin")
    session.commit()
    return user, manager


def _signed_in(app, email="desk@example.com"):
    """A fresh browser signed in through the real form."""
    browser = app.test_client()
    assert browser.post("/login", data={"email": email, "password": GOOD}).status_code == 302
    assert browser.get("/staff/").status_code == 200
    return browser


def _stolen_copy(app, browser):
    """Another browser holding the same session cookie, as if it had been copied."""
    thief = app.test_client()
    cookie = browser.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _is_signed_out(browser) -> bool:
    response = browser.get("/staff/")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_saved_before_sign_out_no_longer_opens_the_back_office(app, desk):
    browser = _signed_in(app)
    thief = _stolen_copy(app, browser)
    assert thief.get("/staff/").status_code == 200
    browser.get("/staff/")
    assert browser.post("/logout").status_code == 302
    assert _is_signed_out(thief)
    assert _is_signed_out(browser)


def test_signing_out_ends_the_other_devices_too(app, desk):
    phone, laptop = _signed_in(app), _signed_in(app)
    phone.get("/staff/")
    phone.post("/logout")
    assert _is_signed_out(laptop)
    assert _signed_in(app)  # and signing in again works


def test_a_password_reset_ends_every_other_session(app, session, desk):
    browser = _signed_in(app)
    services.set_password(session, desk[0], "a brand new password")
    session.commit()
    assert _is_signed_out(browser)


def test_a_role_change_ends_that_users_sessions(app, session, desk):
    staff, manager = desk
    browser = _signed_in(app)
    services.change_role(session, staff, "admin", actor=manager)
    session.commit()
    assert _is_signed_out(browser)


def test_switching_an_account_off_ends_its_sessions_at_once(app, desk):
    staff, manager = desk
    browser = _signed_in(app)
    boss = _signed_in(app, "boss@example.com")
    boss.get("/admin/users")
    assert boss.post(f"/admin/users/{staff.id}/active").status_code == 302
    assert _is_signed_out(browser)
    assert boss.get("/admin/users").status_code == 200  # the manager's own session goes on


def test_session_and_csrf_token_are_new_at_sign_in(app, desk):
    browser = app.test_client()
    before = token_in(browser.get("/login").get_data(as_text=True))
    planted = browser.get_cookie("session").value
    browser.post("/login", data={"email": "desk@example.com", "password": GOOD})
    after = token_in(browser.get("/staff/").get_data(as_text=True))
    assert after and after != before
    assert browser.get_cookie("session").value != planted
    # The token from before sign-in is refused afterwards.
    refused = browser.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400


def test_a_session_id_that_is_not_a_user_and_version_is_nobody(session, desk):
    staff, _manager = desk
    assert services.user_for_session(session, staff.get_id()) == staff
    for bad in ("", str(staff.id), f"{staff.id}.0", f"{staff.id}.x", "².1", f"{staff.id}.1.1"):
        assert services.user_for_session(session, bad) is None, bad


def test_a_new_secret_key_signs_new_cookies_and_its_fallback_still_opens_old_ones(app, desk):
    """The session signer is kept between requests, and built again when the keys change."""
    browser = _signed_in(app)
    old_cookie, old_key = browser.get_cookie("session").value, app.secret_key
    app.secret_key = app.config["SECRET_KEY"] = "a-new-key-of-at-least-thirty-two-bytes"
    assert _is_signed_out(browser)  # signed with a key no longer known
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    browser.set_cookie("session", old_cookie)
    assert browser.get("/staff/").status_code == 200  # the old key, as a fallback, still opens it
    signed_now = app.session_interface.get_signing_serializer(app).loads(
        browser.get_cookie("session").value
    )
    assert "_user_id" in signed_now
