"""A manager's approval at the till is a password check: refusals are audited and limited per
approver account (Redis, as in production), and a correct approval is never counted."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storefront.audit import AuditLog
from storefront.orders.models import Order
from tests.factories import make_product, make_user

from .factories import make_register_session

GOOD = "correct horse battery"


@pytest.fixture
def app_config(app_config, limits):
    return {**app_config, **limits.config}


@pytest.fixture
def till(client, session, login):
    staff = make_user(session, role="staff")
    make_user(session, role="admin", email="boss@example.com", password=GOOD)
    make_user(session, role="admin", email="chief@example.com", password=GOOD)
    make_register_session(session, user=staff)
    make_product(session, sku="GLM-00600", price_minor=10000, stock=10)
    session.commit()
    login(staff)
    client.post("/staff/pos/scan", data={"code": "GLM-00600"})
    return staff


def _approve(client, email, password):
    page = client.get("/staff/pos").get_data(as_text=True)
    key = re.search(r'name="sale_key" value="([^"]+)"', page).group(1)
    data = {"sale_key": key, "method": "cash", "cash_tendered": "80", "discount": "20",
            "discount_reason": "damaged box", "approver_email": email,
            "approver_password": password}  # fmt: skip
    return client.post("/staff/pos/checkout", data=data)


def _audits(session, action):
    stmt = select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
    return list(session.scalars(stmt))


def test_wrong_approvals_are_audited_and_paused_per_account(client, session, till):
    for _ in range(5):
        assert _approve(client, "boss@example.com", "guess").status_code == 403
    failed = _audits(session, "showroom.approval_failed")
    assert len(failed) == 5
    assert all(a.user_id == till.id and '"boss@example.com"' in a.detail for a in failed)

    paused = _approve(client, "Boss@example.com", GOOD)  # even the right password, for now
    assert paused.status_code == 429
    assert "Trop de validations erronées" in paused.get_data(as_text=True)
    assert len(_audits(session, "showroom.approval_limited")) == 1
    assert session.scalar(select(func.count()).select_from(Order)) == 0

    other = _approve(client, "chief@example.com", GOOD)  # another manager is not paused
    assert other.status_code == 302
    assert session.scalar(select(Order)).discount_minor == 2000


def test_correct_approvals_are_never_counted(client, session, till):
    for n in range(7):
        if n:
            client.post("/staff/pos/scan", data={"code": "GLM-00600"})
        assert _approve(client, "boss@example.com", GOOD).status_code == 302
    assert session.scalar(select(func.count()).select_from(Order)) == 7
    assert _audits(session, "showroom.approval_failed") == []
