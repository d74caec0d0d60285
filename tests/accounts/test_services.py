"""Passwords, sign-in, invitations and reset fingerprints against a real session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storefront.accounts import services
from storefront.errors import Conflict, DomainError, NotFound
from tests.factories import make_artisan, make_user


def test_passwords_are_argon2id(session):
    digest = services.hash_password("correct horse battery")
    assert digest.startswith("$argon2id$")
    assert services.verify_password(digest, "correct horse battery")
    assert not services.verify_password(digest, "wrong")
    assert not services.verify_password(None, "anything")
    assert not services.verify_password("not-a-hash", "anything")


def test_authenticate_checks_password_and_active(app, session):
    user = make_user(session, email="Staff@Example.com")
    assert services.authenticate(session, "staff@example.COM", "correct horse battery") is user
    assert user.last_login_at is not None
    assert services.authenticate(session, "staff@example.com", "nope") is None
    user.active = False
    assert services.authenticate(session, "staff@example.com", "correct horse battery") is None
    assert services.authenticate(session, "nobody@example.com", "x") is None


def test_create_user_refuses_duplicates_and_bad_roles(app, session):
    services.create_user(session, email="a@example.com", role="staff", password="long enough pw")
    with pytest.raises(Conflict):
        services.create_user(session, email="A@example.com", role="staff")
    with pytest.raises(DomainError):
        services.create_user(session, email="b@example.com", role="owner")
    with pytest.raises(DomainError):
        services.create_user(session, email="c@example.com", role="artisan")
    with pytest.raises(DomainError):
        services.create_user(session, email="d@example.com", role="staff", password="short")


def test_invitation_is_single_use_and_expires(app, session):
    admin = make_user(session, role="admin")
    artisan = make_artisan(session)
    invitation = services.invite(
        session,
        email="new@example.com",
        role="artisan",
        artisan_id=artisan.id,
        created_by_id=admin.id,
    )
    opened = services.open_invitation(session, invitation.id, invitation.nonce)
    user = services.accept_invitation(
        session, opened, password="a long password", name="Aicha", locale="ar"
    )
    assert (user.role, user.artisan_id, user.locale) == ("artisan", artisan.id, "ar")
    with pytest.raises(NotFound):
        services.open_invitation(session, invitation.id, invitation.nonce)
    with pytest.raises(Conflict):
        services.accept_invitation(
            session, invitation, password="another password", name="X", locale="ar"
        )
    late = services.invite(
        session, email="late@example.com", role="staff", artisan_id=None, created_by_id=admin.id
    )
    late.expires_at -= timedelta(days=8)
    with pytest.raises(NotFound):
        services.open_invitation(session, late.id, late.nonce)
    with pytest.raises(NotFound):
        services.open_invitation(session, late.id, "forged")


def test_reset_fingerprint_changes_with_the_password(app, session):
    user = make_user(session)
    before = services.reset_fingerprint(user)
    services.set_password(session, user, "a brand new password")
    assert services.reset_fingerprint(user) != before
