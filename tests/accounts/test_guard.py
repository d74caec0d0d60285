"""Access beyond the decorators: area guard, switched-off accounts, who may invite whom."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.accounts import services
from storefront.accounts.models import Invitation
from storefront.errors import Conflict, Forbidden
from tests.factories import make_artisan, make_user


def test_an_area_route_without_a_decorator_is_still_closed(app, client, session, login):
    app.add_url_rule("/dashboard/forgotten", "forgotten", lambda: "secret", methods=["GET", "POST"])
    app.add_url_rule("/admin/forgotten", "forgotten_admin", lambda: "secret")
    staff = make_user(session, role="staff")
    artisan = make_user(session, role="artisan", artisan_id=make_artisan(session).id)
    session.commit()
    assert client.get("/dashboard/forgotten").status_code == 302
    refused = client.post("/dashboard/forgotten?lang=ar")
    assert refused.status_code == 401
    assert "يرجى تسجيل الدخول أولا" in refused.get_data(as_text=True)
    login(staff)
    assert client.get("/dashboard/forgotten").status_code == 403
    assert client.get("/admin/forgotten").get_data(as_text=True) == "secret"
    login(artisan)
    assert client.get("/dashboard/forgotten").get_data(as_text=True) == "secret"
    assert client.get("/admin/forgotten").status_code == 403


def test_a_switched_off_account_is_signed_out_at_its_next_request(client, session, login):
    boss = make_user(session, role="admin")
    staff = make_user(session, role="staff")
    session.commit()
    login(staff)
    assert client.get("/admin/").status_code == 200
    staff.active = False
    session.commit()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(boss)
    assert client.get("/admin/").status_code == 200


def test_staff_invite_artisans_but_not_staff(client, session, login):
    staff = make_user(session, role="staff")
    with_account = make_artisan(session, name="Has Account")
    make_user(session, role="artisan", artisan_id=with_account.id)
    newcomer = make_artisan(session, name="Newcomer")
    session.commit()
    login(staff)
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert "Newcomer" in page and "Has Account" not in page
    assert 'value="staff"' not in page and 'value="admin"' not in page
    made = client.post(
        "/admin/invitations",
        data={"email": "new@example.com", "role": "artisan", "artisan_id": newcomer.id},
    )
    assert made.status_code == 302
    refused = client.post(
        "/admin/invitations", data={"email": "desk@example.com", "role": "staff", "artisan_id": 0}
    )
    assert refused.status_code == 422
    emails = session.scalars(select(Invitation.email)).all()
    assert emails == ["new@example.com"]


def test_invitation_rules_in_the_service(session):
    staff = make_user(session, role="staff")
    admin = make_user(session, role="admin")
    maker = make_artisan(session)
    with pytest.raises(Forbidden):
        services.invite(
            session, email="x@example.com", role="staff", artisan_id=None, created_by_id=staff.id
        )
    artisan_user = make_user(session, role="artisan", artisan_id=maker.id)
    with pytest.raises(Forbidden):
        services.invite(
            session,
            email="y@example.com",
            role="artisan",
            artisan_id=make_artisan(session).id,
            created_by_id=artisan_user.id,
        )
    with pytest.raises(Conflict):
        services.invite(
            session,
            email="z@example.com",
            role="artisan",
            artisan_id=maker.id,
            created_by_id=admin.id,
        )
    with pytest.raises(Conflict):
        services.create_user(
            session, email="w@example.com", role="artisan", artisan_id=maker.id, password="x" * 12
        )
    assert maker not in services.artisans_without_account(session)
